import type { KeptStatus } from '../org/people';
import type { Kysely, Selectable } from 'kysely';
import { readableAmong } from '../org/policy';
import type { AnswerTable, CheckinStatus, Database, Relationship } from '../db/types';

/** Everything a prompt, reminder or status edit says about one check-in. */
export interface CheckinContext {
  readonly id: number;
  readonly teamId: string;
  readonly personId: string;
  readonly personTz: string;
  readonly part: 'member' | 'leader';
  /** The person is the top of the chain (reports to no one): their reflection is what the top shares. */
  readonly atTop: boolean;
  readonly status: CheckinStatus;
  readonly skipReason: string | null;
  readonly dueAt: Date;
  readonly closesAt: Date;
  readonly answeredAt: Date | null;
  readonly channelId: string | null;
  readonly messageTs: string | null;
  readonly occurrence: string;
  readonly leaderId: string;
  readonly leaderName: string;
  readonly cadenceName: string;
  readonly level: Relationship;
  readonly frequency: string;
  readonly mode: 'individual' | 'team';
  readonly roundId: number;
  /** Team rounds: the channel message whose thread holds the round. */
  readonly roundChannelId: string | null;
  readonly roundThreadTs: string | null;
  readonly snoozedUntil: Date | null;
  /** The person's pause, when it covers this check-in's day. */
  readonly pausedUntil: string | null;
}

/** Check-ins with their person, who may have left the org chart since (their name is then null). */
export const checkinsWithPerson = (db: Kysely<Database>) =>
  db
    .selectFrom('checkin as c')
    .leftJoin('person as p', (j) => j.onRef('p.team_id', '=', 'c.team_id').onRef('p.slack_user_id', '=', 'c.person_id'));

/** The check-in with its round, cadence, member and leader, as one row. */
function contextQuery(db: Kysely<Database>) {
  return db
    .selectFrom('checkin as c')
    .innerJoin('round as r', 'r.id', 'c.round_id')
    .innerJoin('cadence as k', 'k.id', 'r.cadence_id')
    .innerJoin('person as p', (j) => j.onRef('p.team_id', '=', 'c.team_id').onRef('p.slack_user_id', '=', 'c.person_id'))
    .leftJoin('person as l', (j) => j.onRef('l.team_id', '=', 'r.team_id').onRef('l.slack_user_id', '=', 'r.leader_id'))
    .select([
      'c.id',
      'c.team_id',
      'c.person_id',
      'p.tz',
      'p.reports_to',
      'c.part',
      'c.status',
      'c.skip_reason',
      'c.due_at',
      'c.closes_at',
      'c.answered_at',
      'c.channel_id',
      'c.message_ts',
      'r.occurrence',
      'r.leader_id',
      'l.name as leader_name',
      'k.name as cadence_name',
      'k.level',
      'k.frequency',
      'k.mode',
      'r.id as round_id',
      'r.channel_id as round_channel_id',
      'r.thread_ts as round_thread_ts',
      'c.snoozed_until',
      'p.paused_until',
    ]);
}

type ContextRow = NonNullable<Awaited<ReturnType<ReturnType<typeof contextQuery>['executeTakeFirst']>>>;

function contextOf(row: ContextRow): CheckinContext {
  return {
    id: row.id,
    teamId: row.team_id,
    personId: row.person_id,
    personTz: row.tz,
    atTop: row.reports_to === null,
    part: row.part,
    status: row.status,
    skipReason: row.skip_reason,
    dueAt: row.due_at,
    closesAt: row.closes_at,
    answeredAt: row.answered_at,
    channelId: row.channel_id,
    messageTs: row.message_ts,
    occurrence: row.occurrence,
    leaderId: row.leader_id,
    leaderName: row.leader_name ?? row.leader_id,
    cadenceName: row.cadence_name,
    level: row.level,
    frequency: row.frequency,
    mode: row.mode,
    roundId: row.round_id,
    roundChannelId: row.round_channel_id,
    roundThreadTs: row.round_thread_ts,
    snoozedUntil: row.snoozed_until,
    pausedUntil: row.paused_until !== null && row.paused_until >= row.occurrence ? row.paused_until : null,
  };
}

export async function checkinContext(db: Kysely<Database>, checkinId: number): Promise<CheckinContext | undefined> {
  const row = await contextQuery(db).where('c.id', '=', checkinId).executeTakeFirst();
  return row ? contextOf(row) : undefined;
}

/**
 * The check-in and, in the same read, the member's Slack status as Cascade last kept it (a prompt about to go
 * out decides from it whether they are away; one round trip fewer per prompt).
 */
export async function checkinContextWithStatus(
  db: Kysely<Database>,
  checkinId: number,
): Promise<{ ctx: CheckinContext; kept: KeptStatus } | undefined> {
  const row = await contextQuery(db)
    .select(['p.status_text', 'p.status_emoji', 'p.status_expiration', 'p.status_read_at'])
    .where('c.id', '=', checkinId)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    ctx: contextOf(row),
    kept: { text: row.status_text, emoji: row.status_emoji, expiration: row.status_expiration, readAt: row.status_read_at },
  };
}

/** A team round as its channel message shows it: who is in it, and how far it got. */
export interface TeamRoundContext {
  readonly roundId: number;
  readonly teamId: string;
  readonly leaderId: string;
  readonly leaderTz: string;
  readonly cadenceName: string;
  readonly status: 'open' | 'closed';
  readonly closesAt: Date | null;
  readonly channelId: string | null;
  readonly threadTs: string | null;
  readonly members: readonly { personId: string; status: CheckinStatus; reminded: boolean }[];
}

export async function teamRoundContext(db: Kysely<Database>, roundId: number): Promise<TeamRoundContext | undefined> {
  const round = await db
    .selectFrom('round as r')
    .innerJoin('cadence as k', 'k.id', 'r.cadence_id')
    .leftJoin('person as l', (j) => j.onRef('l.team_id', '=', 'r.team_id').onRef('l.slack_user_id', '=', 'r.leader_id'))
    .select([
      'r.id',
      'r.team_id',
      'r.leader_id',
      'l.tz',
      'k.name',
      'r.status',
      'r.closes_at',
      'r.channel_id',
      'r.thread_ts',
      'k.channel_id as cadence_channel',
    ])
    .where('r.id', '=', roundId)
    .executeTakeFirst();
  if (!round) return undefined;
  const members = await db
    .selectFrom('checkin')
    .select(['person_id', 'status', 'reminded_at'])
    .where('round_id', '=', roundId)
    .where('part', '=', 'member')
    .orderBy('person_id')
    .execute();
  return {
    roundId: round.id,
    teamId: round.team_id,
    leaderId: round.leader_id,
    leaderTz: round.tz ?? 'UTC',
    cadenceName: round.name,
    status: round.status,
    closesAt: round.closes_at,
    channelId: round.channel_id ?? round.cadence_channel,
    threadTs: round.thread_ts,
    members: members.map((m) => ({ personId: m.person_id, status: m.status, reminded: m.reminded_at !== null })),
  };
}

/**
 * What a round's leader may read of it: of the round's check-ins, those of people below them (and their own),
 * with their answers in order. Never anyone else's: a peer moved into the round by a chart change stays out.
 */
export async function readableInRound<C extends { id: number; person_id: string }>(
  db: Kysely<Database>,
  round: { team_id: string; leader_id: string },
  checkins: readonly C[],
): Promise<{ shown: C[]; answers: Selectable<AnswerTable>[] }> {
  const visible = await readableAmong(
    db,
    round.team_id,
    round.leader_id,
    checkins.map((c) => c.person_id),
  );
  const shown = checkins.filter((c) => visible.has(c.person_id));
  const ids = shown.map((c) => c.id);
  const answers = ids.length
    ? await db.selectFrom('answer').selectAll().where('checkin_id', 'in', ids).orderBy('checkin_id').orderBy('position').execute()
    : [];
  return { shown, answers };
}
