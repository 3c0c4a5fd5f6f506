import type { Kysely } from 'kysely';
import type { Scope } from '../org/policy';
import { deliveryKey, enqueue } from '../outbox/vocabulary';
import type { Database } from '../db/types';
import { invalid, notFound } from '../errors';
import { answerableCheckin } from './answers';
import { refreshRoundMessage } from './live';
import type { CheckinContext } from './context';
import { DAY_MS } from '../time/durations';

/** How long "Snooze until tomorrow" waits. */
const SNOOZE_MS = DAY_MS;

export const SKIP_REASONS = {
  out_of_office: 'out of office',
  not_my_leader: 'no longer my leader',
  other: 'other',
} as const;
export type SkipReason = keyof typeof SKIP_REASONS;

/**
 * Snooze a prompt until the same time tomorrow: the one reminder moves there (it becomes the nudge).
 * Refused when the window closes before then, so that snoozing never turns into missing.
 */
export async function snoozeCheckin(scope: Scope, checkinId: number): Promise<CheckinContext> {
  const { db, now } = scope;
  const ctx = await answerableCheckin(scope, checkinId);
  if (ctx.status === 'answered') throw invalid('Your answers are already in: there is nothing to snooze.');
  const until = new Date(now.getTime() + SNOOZE_MS);
  if (until >= ctx.closesAt) throw invalid('This check-in closes before tomorrow, so it cannot be snoozed: answer it now, or skip it.');
  await db.transaction().execute(async (tx) => {
    await tx.updateTable('checkin').set({ snoozed_until: until, updated_at: now }).where('id', '=', ctx.id).execute();
    // The reminder comes when the snooze ends (a queued one moves there).
    await enqueue(
      tx,
      'reminder',
      { checkinId: ctx.id },
      { teamId: ctx.teamId, key: deliveryKey.reminder(ctx.id), recipient: ctx.personId, notBefore: until, reschedule: true },
    );
    if (ctx.part === 'member') await refreshRoundMessage(tx, ctx.teamId, ctx.roundId, ctx.leaderId, now);
  });
  return { ...ctx, snoozedUntil: until };
}

/** Skip a check-in with a reason; what was still queued for it (its reminder) is cancelled. */
export async function skipCheckin(
  scope: Scope,
  request: { checkinId: number; reason: SkipReason; note?: string },
): Promise<CheckinContext> {
  const { db } = scope;
  const input = { ...request, now: scope.now };
  const ctx = await answerableCheckin(scope, input.checkinId);
  if (ctx.status === 'answered') throw invalid('Your answers are already in: a check-in you answered cannot be skipped.');
  const note = input.note?.trim();
  const reason = SKIP_REASONS[input.reason] + (note ? `: ${note.slice(0, 200)}` : '');
  const skipped = await markSkipped(db, ctx.id, reason, input.now);
  if (!skipped) throw invalid('This check-in has already moved on (answered or closed).');
  return { ...ctx, status: 'skipped', skipReason: reason };
}

/**
 * Marks a check-in skipped if it is still open, cancels its queued deliveries and has the round's message
 * follow; one transaction, and the status condition makes it lose cleanly to an answer that arrived first.
 * True when it was skipped.
 */
export async function markSkipped(db: Kysely<Database>, checkinId: number, reason: string, now: Date): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    const done = await tx
      .updateTable('checkin')
      .set({ status: 'skipped', skip_reason: reason, updated_at: now })
      .where('id', '=', checkinId)
      .where('status', 'in', ['scheduled', 'sent'])
      .executeTakeFirst();
    if (Number(done.numUpdatedRows) === 0) return false;
    await tx
      .updateTable('delivery')
      .set({ status: 'cancelled', last_error: `skipped: ${reason}` })
      .where('checkin_id', '=', checkinId)
      .where('status', '=', 'queued')
      .execute();
    // The round's message stops waiting for them.
    const c = await tx
      .selectFrom('checkin as c')
      .innerJoin('round as r', 'r.id', 'c.round_id')
      .select(['c.team_id', 'c.round_id', 'c.part', 'r.leader_id'])
      .where('c.id', '=', checkinId)
      .executeTakeFirst();
    if (c?.part === 'member') await refreshRoundMessage(tx, c.team_id, c.round_id, c.leader_id, now);
    return true;
  });
}

/** The caller's own check-in in a team round (the channel's Answer button carries the round). */
export async function teamCheckinOf(db: Kysely<Database>, roundId: number, userId: string): Promise<number> {
  const row = await db
    .selectFrom('checkin')
    .select('id')
    .where('round_id', '=', roundId)
    .where('person_id', '=', userId)
    .executeTakeFirst();
  if (!row) throw notFound('This round is for the people of its team; you have no check-in in it.');
  return row.id;
}
