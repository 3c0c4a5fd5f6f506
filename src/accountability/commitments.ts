import { readDay } from '../input';
import { sql, type Kysely } from 'kysely';
import { upcomingCheckins } from '../calendar/upcoming';
import type { Commitment, CommitmentStatus, Database, Person } from '../db/types';
import { invalid, notFound } from '../errors';
import { getPerson } from '../org/people';
import { assertMaySee, maySee, type Scope } from '../org/policy';
import { addDays, daysBetween, localDate } from '../time/calendar';
import { calendarDateOf } from '../input';
import { takeOnce } from '../db/slack-events';

/** How many slips (carried past a check-in, or missed) make a commitment escalate one level up. */
const ESCALATE_AFTER_SLIPS = 2;

export type ReviewOutcome = 'done' | 'partly' | 'not_yet';

/** The default due date of a commitment: the owner's next check-in, or a week from today without one. */
export async function nextCheckinDate(db: Kysely<Database>, teamId: string, owner: Person, now: Date): Promise<string> {
  const today = localDate(now, owner.tz);
  const next = (await upcomingCheckins(db, teamId, owner, now)).find((u) => u.date > today);
  return next?.date ?? addDays(today, 7);
}

/**
 * {cmd:commit <text> [by <date>]}: a commitment to the person's own leader (or, at the top of the
 * chain, to the organisation), due at their next check-in unless a date is given.
 */
export async function makeCommitment(scope: Scope, input: { text: string; by?: string; once?: string }): Promise<Commitment> {
  const { db, teamId, now } = scope;
  const owner = await getPerson(db, teamId, scope.actor.id);
  if (!owner?.active)
    throw notFound(
      'You are not in the org chart yet, so there is no one to make a commitment to. An admin can add you with {cmd:org set}.',
    );
  const text = input.text.trim().replace(/\s+/g, ' ');
  if (text.length < 3) throw invalid('Say what you commit to, like {cmd:commit call every open opportunity by friday}.');
  if (text.length > 500) throw invalid('A commitment can be at most 500 characters.');
  if (text.includes('\u0000')) throw invalid('This commitment contains a NUL character, which cannot be kept: type it again without it.');
  const today = localDate(now, owner.tz);
  // A day as they wrote it ("friday", "next week", 2026-12-24), read against their own today.
  const by = input.by === undefined ? undefined : readDay(input.by, today, 'due');
  if (by !== undefined) {
    const problem = dueProblem(by, today);
    if (problem) throw invalid(problem, 'due');
  }
  const due = by ?? (await nextCheckinDate(db, teamId, owner, now));
  return db.transaction().execute(async (tx) => {
    await takeOnce(tx, teamId, input.once);
    return tx
      .insertInto('commitment')
      .values({
        team_id: teamId,
        owner_id: owner.slack_user_id,
        leader_id: owner.reports_to,
        text,
        due_date: due,
        source_checkin_id: null,
        note: null,
        last_reviewed_checkin_id: null,
        escalated_at: null,
        closed_at: null,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  });
}

/** The open commitments a check-in reviews first: the owner's, made to this round's leader, due by its day. */
export async function commitmentsToReview(
  db: Kysely<Database>,
  ctx: { teamId: string; personId: string; part: 'member' | 'leader'; leaderId: string; occurrence: string; id: number },
): Promise<Commitment[]> {
  let q = db
    .selectFrom('commitment')
    .selectAll()
    .where('team_id', '=', ctx.teamId)
    .where('owner_id', '=', ctx.personId)
    .where('status', '=', 'open')
    .where('due_date', '<=', ctx.occurrence)
    .where((eb) => eb.or([eb('source_checkin_id', 'is', null), eb('source_checkin_id', '<>', ctx.id)]));
  q = ctx.part === 'leader' ? q.where('leader_id', 'is', null) : q.where('leader_id', '=', ctx.leaderId);
  return q.orderBy('due_date').orderBy('id').limit(10).execute();
}

/**
 * What the commitment question shows as still open: the owner's open commitments to this round's leader
 * that the check-in does not review first (not due yet), and the date of the one this check-in made, if any.
 */
export async function commitmentsStillOpen(
  db: Kysely<Database>,
  ctx: { teamId: string; personId: string; part: 'member' | 'leader'; leaderId: string; occurrence: string; id: number },
  reviewed: readonly number[],
): Promise<{ stillOpen: Commitment[]; due: string | null }> {
  let q = db
    .selectFrom('commitment')
    .selectAll()
    .where('team_id', '=', ctx.teamId)
    .where('owner_id', '=', ctx.personId)
    .where('status', '=', 'open');
  q = ctx.part === 'leader' ? q.where('leader_id', 'is', null) : q.where('leader_id', '=', ctx.leaderId);
  const open = await q.orderBy('due_date').orderBy('id').execute();
  const own = open.find((m) => m.source_checkin_id === ctx.id);
  return { stillOpen: open.filter((m) => m !== own && !reviewed.includes(m.id)).slice(0, 5), due: own?.due_date ?? null };
}

/** How far ahead a commitment may be due: it is kept until a conversation about it, not for decades. */
const MAX_DUE_DAYS = 366;

/** Why a date given for a new commitment cannot be its due date (a window's picker, a command), or null when it can. */
export function dueProblem(due: string, today: string): string | null {
  const read = calendarDateOf(due);
  if (!read.ok) return read.problem;
  if (due < today) return `${due} has already passed: give today or a later day.`;
  if (daysBetween(today, due) > MAX_DUE_DAYS)
    return 'A commitment is due within a year: pick a nearer day, and make a new one when that comes.';
  return null;
}

/**
 * Keeps what a check-in's commitment question was answered with, inside the answer's transaction: a new
 * commitment to the round's leader (or, for a leader's own reflection, to the organisation) due at the next
 * check-in or the date picked; a second submission rewords it. The same words as one still open carry that
 * one on (with the date picked, if any); no words take back what this check-in had made.
 */
export async function recordAnsweredCommitment(
  tx: Kysely<Database>,
  input: {
    checkin: { id: number; teamId: string; personId: string; leaderId: string | null };
    text: string;
    carries: Commitment | null;
    due: string | null;
    nextDue: string;
    now: Date;
  },
): Promise<void> {
  const own = () =>
    tx
      .deleteFrom('commitment')
      .where('source_checkin_id', '=', input.checkin.id)
      .where('status', '=', 'open')
      .where('slips', '=', 0)
      .execute();
  if (input.carries) {
    await own();
    if (input.due)
      await tx.updateTable('commitment').set({ due_date: input.due, updated_at: input.now }).where('id', '=', input.carries.id).execute();
    return;
  }
  if (!input.text) {
    await own();
    return;
  }
  await tx
    .insertInto('commitment')
    .values({
      team_id: input.checkin.teamId,
      owner_id: input.checkin.personId,
      leader_id: input.checkin.leaderId,
      text: input.text,
      due_date: input.due ?? input.nextDue,
      source_checkin_id: input.checkin.id,
      note: null,
      last_reviewed_checkin_id: null,
      escalated_at: null,
      closed_at: null,
      created_at: input.now,
      updated_at: input.now,
    })
    .onConflict((oc) =>
      oc
        .column('source_checkin_id')
        .where('source_checkin_id', 'is not', null)
        .doUpdateSet((eb) => ({ text: eb.ref('excluded.text'), due_date: eb.ref('excluded.due_date'), updated_at: input.now })),
    )
    .execute();
}

/** Two commitments say the same thing when their words match, whatever the case and spacing. */
export const sameCommitment = (a: string, b: string) =>
  a.trim().replace(/\s+/g, ' ').toLowerCase() === b.trim().replace(/\s+/g, ' ').toLowerCase();

/**
 * Records the reviews of one check-in, inside the caller's transaction: done and partly close the
 * commitment; "not yet" carries it to the next check-in and counts a slip. Two slips escalate.
 */
export async function applyReviews(
  tx: Kysely<Database>,
  input: {
    checkinId: number;
    reviews: readonly { commitment: Commitment; outcome: ReviewOutcome; note?: string }[];
    nextDue: string;
    now: Date;
  },
): Promise<void> {
  for (const { commitment, outcome, note } of input.reviews) {
    if (outcome === 'done' || outcome === 'partly') {
      await tx
        .updateTable('commitment')
        .set({
          status: outcome,
          note: note ?? commitment.note,
          closed_at: input.now,
          last_reviewed_checkin_id: input.checkinId,
          updated_at: input.now,
        })
        .where('id', '=', commitment.id)
        .where('status', '=', 'open')
        .execute();
    } else if (commitment.last_reviewed_checkin_id !== input.checkinId) {
      await tx
        .updateTable('commitment')
        .set((eb) => ({
          slips: eb('slips', '+', 1),
          due_date: input.nextDue,
          note: note ?? commitment.note,
          last_reviewed_checkin_id: input.checkinId,
          escalated_at: commitment.slips + 1 >= ESCALATE_AFTER_SLIPS ? (commitment.escalated_at ?? input.now) : commitment.escalated_at,
          updated_at: input.now,
        }))
        .where('id', '=', commitment.id)
        .where('status', '=', 'open')
        .execute();
    }
  }
}

/**
 * A commitment that reached its review check-in and was not reviewed becomes `missed` once that check-in's
 * window has closed, when the owner answered without reviewing it. A check-in missed altogether (or skipped)
 * reviews nothing: the commitment stays open, unreviewed, for the next one.
 */
export async function missUnreviewed(db: Kysely<Database>, teamId: string, now: Date): Promise<number> {
  const result = await sql`
    update commitment m
    set status = 'missed', slips = m.slips + 1, closed_at = ${now}, updated_at = ${now},
        escalated_at = case when m.slips + 1 >= ${ESCALATE_AFTER_SLIPS} then coalesce(m.escalated_at, ${now}) else m.escalated_at end
    where m.team_id = ${teamId} and m.status = 'open'
      and exists (
        select 1 from checkin c join round r on r.id = c.round_id
        where c.team_id = m.team_id and c.person_id = m.owner_id
          and c.status = 'answered' and c.closes_at <= ${now}
          and r.occurrence >= m.due_date
          and c.id is distinct from m.source_checkin_id
          and c.id is distinct from m.last_reviewed_checkin_id
          and ((c.part = 'member' and r.leader_id = m.leader_id) or (c.part = 'leader' and m.leader_id is null))
      )`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

export interface CommitmentView extends Commitment {
  readonly ownerName: string;
  readonly leaderName: string | null;
}

/**
 * Someone's commitments as far as the asker may see (their own, or those of people below them): the open ones
 * first, soonest due first — the order `/cascade commitments` numbers them in — then the last ones closed.
 */
export async function listCommitments(scope: Scope, ownerId: string): Promise<CommitmentView[]> {
  const { db, teamId } = scope;
  await assertMaySee(scope, ownerId, 'commitments');
  const base = () =>
    db
      .selectFrom('commitment as m')
      .leftJoin('person as o', (j) => j.onRef('o.team_id', '=', 'm.team_id').onRef('o.slack_user_id', '=', 'm.owner_id'))
      .leftJoin('person as l', (j) => j.onRef('l.team_id', '=', 'm.team_id').onRef('l.slack_user_id', '=', 'm.leader_id'))
      .selectAll('m')
      .select(['o.name as owner_name', 'l.name as leader_name'])
      .where('m.team_id', '=', teamId)
      .where('m.owner_id', '=', ownerId);
  const open = await base().where('m.status', '=', 'open').orderBy('m.due_date').orderBy('m.id').limit(20).execute();
  const closed = await base().where('m.status', '!=', 'open').orderBy('m.closed_at', 'desc').orderBy('m.id', 'desc').limit(5).execute();
  return [...open, ...closed].map(({ owner_name, leader_name, ...m }) => ({
    ...m,
    ownerName: owner_name ?? m.owner_id,
    leaderName: leader_name ?? null,
  }));
}

/** A commitment the asker may close: their own, or one of someone below them; open. */
async function closable(scope: Scope, id: number): Promise<Commitment> {
  const m = await scope.db.selectFrom('commitment').selectAll().where('team_id', '=', scope.teamId).where('id', '=', id).executeTakeFirst();
  if (!m || !(await maySee(scope, m.owner_id))) {
    throw notFound('That commitment is not yours, nor of anyone below you: see {cmd:commitments}.');
  }
  if (m.status !== 'open') throw invalid(`“${m.text}” is already ${STATUS_WORDS[m.status]}.`);
  return m;
}

/** The owner (or a leader above them) closes a commitment as done: from its Done button. */
export async function markDone(scope: Scope, id: number): Promise<Commitment> {
  const m = await closable(scope, id);
  return scope.db
    .updateTable('commitment')
    .set({ status: 'done', closed_at: scope.now, updated_at: scope.now })
    .where('id', '=', m.id)
    .where('status', '=', 'open')
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * {cmd:done <number>}: the commitment at that place in the open list of {cmd:commitments} (the asker's own, or
 * the person's named), closed as done. People number what they see, never a database id.
 */
export async function markDoneAt(scope: Scope, input: { ownerId: string; position: number }): Promise<Commitment> {
  const open = (await listCommitments(scope, input.ownerId)).filter((m) => m.status === 'open');
  const m = open[input.position - 1];
  const whose = input.ownerId === scope.actor.id ? 'your' : `{@${input.ownerId}}'s`;
  if (!m) {
    throw notFound(
      open.length === 0
        ? `There is no open commitment in ${whose} list.`
        : `There is no commitment ${input.position} in ${whose} list: it has ${open.length} open, numbered as {cmd:commitments} shows them.`,
    );
  }
  return markDone(scope, m.id);
}

/**
 * Commitments that slipped twice, for the brief of the leader one level above the one they were made to:
 * the leader's direct reports' people, escalated since `since`.
 */
export async function escalationsFor(db: Kysely<Database>, teamId: string, leaderId: string, since: Date): Promise<CommitmentView[]> {
  const rows = await db
    .selectFrom('commitment as m')
    .innerJoin('person as l', (j) => j.onRef('l.team_id', '=', 'm.team_id').onRef('l.slack_user_id', '=', 'm.leader_id'))
    .leftJoin('person as o', (j) => j.onRef('o.team_id', '=', 'm.team_id').onRef('o.slack_user_id', '=', 'm.owner_id'))
    .selectAll('m')
    .select(['o.name as owner_name', 'l.name as leader_name'])
    .where('m.team_id', '=', teamId)
    .where('l.reports_to', '=', leaderId)
    .where('m.escalated_at', 'is not', null)
    .where('m.escalated_at', '>', since)
    .orderBy('m.escalated_at')
    .execute();
  return rows.map(({ owner_name, leader_name, ...m }) => ({ ...m, ownerName: owner_name ?? m.owner_id, leaderName: leader_name ?? null }));
}

export const STATUS_WORDS: Record<CommitmentStatus, string> = {
  open: 'open',
  done: 'done',
  partly: 'partly done',
  missed: 'missed',
  dropped: 'dropped',
};
