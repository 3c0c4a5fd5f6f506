import { sql } from 'kysely';
import type { CheckinStatus, Person } from '../db/types';
import { notFound } from '../errors';
import { getPerson } from '../org/people';
import { assertMaySee, mayReadPrivateNote, type Scope } from '../org/policy';
import { repliesOnAll } from './replies';
import type { ReplyView } from './live';
import { WEEK_MS } from '../time/durations';

/** How far back {cmd:team} counts participation. */
export const TEAM_WEEKS = 8;

export interface ReportLine {
  readonly personId: string;
  readonly name: string;
  readonly due: number;
  readonly answered: number;
  readonly missed: number;
  readonly skipped: number;
  readonly lastAnswered: Date | null;
}

/** A leader's direct reports and how their check-ins went over the last eight weeks. */
export async function teamOverview(scope: Scope): Promise<{ leader: Person; reports: ReportLine[] }> {
  const { db, teamId, now } = scope;
  const viewerId = scope.actor.id;
  const leader = await getPerson(db, teamId, viewerId);
  if (!leader?.active) throw notFound('You are not in the org chart yet, so you have no team in Cascade.');
  const since = new Date(now.getTime() - TEAM_WEEKS * WEEK_MS);
  const rows = await db
    .selectFrom('person as p')
    .leftJoin('checkin as c', (j) =>
      j
        .onRef('c.team_id', '=', 'p.team_id')
        .onRef('c.person_id', '=', 'p.slack_user_id')
        .on('c.due_at', '>=', since)
        .on('c.due_at', '<=', now)
        .on('c.part', '=', 'member'),
    )
    .select([
      'p.slack_user_id',
      'p.name',
      sql<number>`count(c.id) filter (where c.status in ('answered', 'missed', 'skipped'))::int`.as('due'),
      sql<number>`count(c.id) filter (where c.status = 'answered')::int`.as('answered'),
      sql<number>`count(c.id) filter (where c.status = 'missed')::int`.as('missed'),
      sql<number>`count(c.id) filter (where c.status = 'skipped')::int`.as('skipped'),
      sql<Date | null>`max(c.answered_at)`.as('last_answered'),
    ])
    .where('p.team_id', '=', teamId)
    .where('p.reports_to', '=', viewerId)
    .where('p.active', '=', true)
    .groupBy(['p.slack_user_id', 'p.name'])
    .orderBy('p.name')
    .execute();
  return {
    leader,
    reports: rows.map((r) => ({
      personId: r.slack_user_id,
      name: r.name,
      due: r.due,
      answered: r.answered,
      missed: r.missed,
      skipped: r.skipped,
      lastAnswered: r.last_answered,
    })),
  };
}

export interface PersonCheckin {
  readonly cadenceName: string;
  readonly occurrence: string;
  readonly status: CheckinStatus;
  readonly skipReason: string | null;
  readonly answers: readonly { question: string; value: string; shared: boolean }[];
  /** What the leader and the member said since (replies, "Got it", the member's answer). */
  readonly replies: readonly ReplyView[];
  /** The 1:1 it prepared, when marked held: the shared note, and the private one for the chain above only. */
  readonly heldAt: Date | null;
  readonly sharedNote: string | null;
  readonly privateNote: string | null;
}

/**
 * One person's recent check-ins with their answers, for themselves or a leader above them; anyone
 * else (a peer, a leader of another team, an admin outside the chain) is refused here, in the domain.
 */
export async function personCheckins(scope: Scope, subjectId: string, limit = 3): Promise<{ person: Person; checkins: PersonCheckin[] }> {
  const { db, teamId } = scope;
  const viewerId = scope.actor.id;
  const person = await getPerson(db, teamId, subjectId);
  if (!person) throw notFound(`{@${subjectId}} is not in the org chart.`);
  await assertMaySee(scope, subjectId, 'check-ins');
  const rows = await db
    .selectFrom('checkin as c')
    .innerJoin('round as r', 'r.id', 'c.round_id')
    .innerJoin('cadence as k', 'k.id', 'r.cadence_id')
    .select([
      'c.id',
      'k.name',
      'r.occurrence',
      'c.status',
      'c.skip_reason',
      'c.held_at',
      'c.shared_note',
      'c.private_note',
      'c.private_note_readers',
    ])
    .where('c.team_id', '=', teamId)
    .where('c.person_id', '=', subjectId)
    .where('c.status', 'in', ['answered', 'missed', 'skipped'])
    .orderBy('c.due_at', 'desc')
    .limit(limit)
    .execute();
  const answers = rows.length
    ? await db
        .selectFrom('answer')
        .selectAll()
        .where(
          'checkin_id',
          'in',
          rows.map((r) => r.id),
        )
        .orderBy('position')
        .execute()
    : [];
  const replies = await repliesOnAll(
    scope,
    rows.map((r) => r.id),
  );
  const above = viewerId !== subjectId;
  return {
    person,
    checkins: rows.map((r) => ({
      cadenceName: r.name,
      occurrence: r.occurrence,
      status: r.status,
      skipReason: r.skip_reason,
      answers: answers
        .filter((a) => a.checkin_id === r.id)
        .map((a) => ({ question: a.question_text, value: a.value_text ?? String(a.value_number ?? ''), shared: a.shared })),
      replies: replies.filter((x) => x.checkinId === r.id),
      heldAt: r.held_at,
      sharedNote: r.shared_note,
      privateNote: above && mayReadPrivateNote(r.private_note_readers, viewerId) ? r.private_note : null,
    })),
  };
}
