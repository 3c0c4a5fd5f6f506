import { readDay } from '../input';
import { localDate } from '../time/calendar';
import type { Person } from '../db/types';
import { notAllowed, notFound, invalid } from '../errors';
import { isBelow, type Scope } from '../org/policy';
import { getPerson, PAUSED_FOR_GOOD } from '../org/people';
import { checkinContext, type CheckinContext } from './context';
import { upcomingCheckins, type UpcomingCheckin } from '../calendar/upcoming';

/** What {cmd:status} shows a person: only their own check-ins, never anyone else's. */
export interface MyStatus {
  readonly person: Person;
  readonly open: readonly CheckinContext[];
  readonly next: readonly UpcomingCheckin[];
}

export async function myStatus(scope: Scope): Promise<MyStatus> {
  const { db, teamId, now } = scope;
  const userId = scope.actor.id;
  const person = await getPerson(db, teamId, userId);
  if (!person?.active)
    throw notFound('You are not in the org chart yet, so Cascade has no check-ins for you. An admin can add you with {cmd:org set}.');

  const rows = await db
    .selectFrom('checkin')
    .select(['id'])
    .where('team_id', '=', teamId)
    .where('person_id', '=', userId)
    .where('status', 'in', ['scheduled', 'sent', 'answered'])
    .where('closes_at', '>', now)
    .orderBy('due_at')
    .execute();
  const open: CheckinContext[] = [];
  for (const r of rows) {
    const ctx = await checkinContext(db, r.id);
    if (ctx) open.push(ctx);
  }

  // The next occurrence of each cadence this person takes part in, after what is already planned.
  const planned = new Set(open.map((c) => `${c.cadenceName}|${c.occurrence}`));
  const seen = new Set<string>();
  const next = (await upcomingCheckins(db, teamId, person, now)).filter((u) => {
    if (planned.has(`${u.cadenceName}|${u.date}`) || seen.has(u.cadenceKey)) return false;
    seen.add(u.cadenceKey);
    return true;
  });
  return { person, open, next };
}

/**
 * Pauses someone's check-ins until a day (inclusive), for good (`PAUSED_FOR_GOOD`), or ends the pause
 * (`until` null). Anyone may pause themselves until a day; a leader may pause people below them; an admin anyone.
 */
export async function setPause(scope: Scope, request: { userId: string; until: string | null }): Promise<Person> {
  const { db } = scope;
  const input = { ...request, teamId: scope.teamId, actorId: scope.actor.id, now: scope.now };
  const target = await getPerson(db, input.teamId, input.userId);
  if (!target?.active) throw notFound(`{@${input.userId}} is not in the org chart.`);
  if (input.actorId !== input.userId) {
    if (!scope.actor.isAdmin && !(await isBelow(db, input.teamId, input.actorId, input.userId))) {
      throw notAllowed(
        `You can pause yourself and the people below you in the chain; {@${input.userId}} is not below you. An admin can pause anyone.`,
      );
    }
  }
  if (input.until === PAUSED_FOR_GOOD && input.actorId === input.userId && !scope.actor.isAdmin) {
    throw notAllowed('Only your leader, or an admin, can take you out of the cascade for good: pause yourself until a day instead.');
  }
  // A day as they wrote it ("friday", "next week", 2026-12-24), read against the paused person's today.
  const today = localDate(input.now, target.tz);
  const until = input.until === null || input.until === PAUSED_FOR_GOOD ? input.until : readDay(input.until, today);
  if (until !== null && until < today) throw invalid(`${until} has already passed: give today or a later day.`);
  return db
    .updateTable('person')
    .set({ paused_until: until, updated_at: input.now })
    .where('team_id', '=', input.teamId)
    .where('slack_user_id', '=', input.userId)
    .returningAll()
    .executeTakeFirstOrThrow();
}
