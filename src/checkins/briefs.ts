import { sql, type Kysely } from 'kysely';
import { escalationsFor, type CommitmentView } from '../accountability/commitments';
import type { CheckinStatus, CommitmentStatus, Database, Level } from '../db/types';
import { chainBelow } from '../org/visibility';
import { readableAmong } from '../org/policy';
import { labelOf, levelLabels, ROUND_DEPTH } from './levels';
import { addDays } from '../time/calendar';

/** One member's part of a round, as their leader's brief shows it. */
export interface BriefMember {
  readonly personId: string;
  readonly name: string;
  readonly part: 'member' | 'leader';
  readonly status: CheckinStatus;
  readonly skipReason: string | null;
  /** Why the prompt never reached them, when the outbox gave up. */
  readonly undelivered: string | null;
  readonly answers: readonly { question: string; kind: string; intent: string; value: string; shared: boolean }[];
  /** Open flags about them: the leader is asked about organisational factors first. */
  readonly flags: readonly { id: number; rule: string; detail: string }[];
  /** Their commitments to this leader: open ones, and those that closed this period. */
  readonly commitments: readonly { id: number; text: string; status: CommitmentStatus; dueDate: string; slips: number }[];
}

/** What was heard below one member who leads people themselves, over the period of the round. */
export interface TeamSummary {
  readonly leaderId: string;
  readonly leaderName: string;
  readonly levels: readonly {
    level: Level;
    label: string;
    due: number;
    answered: number;
    missed: number;
    skipped: number;
    undelivered: number;
    /** One-by-one conversations marked held, and in the window of the same length before. */
    conversations?: number;
    conversationsBefore?: number;
  }[];
  readonly ratings: readonly { question: string; average: number; count: number }[];
  readonly highlights: readonly { name: string; question: string; text: string }[];
}

export interface Brief {
  readonly roundId: number;
  readonly teamId: string;
  readonly leaderId: string;
  readonly cadenceName: string;
  readonly level: Level;
  readonly occurrence: string;
  readonly members: readonly BriefMember[];
  readonly rollUp: readonly TeamSummary[];
  /** Commitments made to the leader's direct reports that slipped twice: accountability one level up. */
  readonly escalations: readonly CommitmentView[];
  readonly suggestions: readonly string[];
}

/** How many shared highlights and suggestions a brief carries. */
const HIGHLIGHTS = 3;
const SUGGESTIONS = 3;

/**
 * The brief a leader gets when a round closes: who answered, who missed or skipped (and whose prompt
 * could not be delivered), each answer the leader may see, the roll-up of what was heard further down,
 * and three suggested questions for the live conversation.
 */
export async function buildBrief(db: Kysely<Database>, roundId: number): Promise<Brief | undefined> {
  const round = await db
    .selectFrom('round as r')
    .innerJoin('cadence as k', 'k.id', 'r.cadence_id')
    .select(['r.id', 'r.team_id', 'r.leader_id', 'r.occurrence', 'r.cadence_id', 'k.name', 'k.level'])
    .where('r.id', '=', roundId)
    .executeTakeFirst();
  if (!round) return undefined;

  const checkins = await db
    .selectFrom('checkin as c')
    .leftJoin('person as p', (j) => j.onRef('p.team_id', '=', 'c.team_id').onRef('p.slack_user_id', '=', 'c.person_id'))
    .select([
      'c.id',
      'c.person_id',
      'c.part',
      'c.status',
      'c.skip_reason',
      'p.name',
      (eb) =>
        eb
          .selectFrom('delivery as d')
          .select('d.last_error')
          .whereRef('d.checkin_id', '=', 'c.id')
          .where('d.kind', 'in', ['prompt', 'team_post'])
          .where('d.status', '=', 'failed')
          .limit(1)
          .as('undelivered'),
    ])
    .where('c.round_id', '=', roundId)
    .orderBy('c.part', 'desc')
    .orderBy('p.name')
    .execute();

  // The leader sees their own reflection and the answers of people below them: never anyone else's.
  const visible = await readableAmong(db, round.team_id, round.leader_id, checkins.map((c) => c.person_id));
  const shown = checkins.filter((c) => visible.has(c.person_id));
  const answers = shown.length
    ? await db.selectFrom('answer').selectAll().where('checkin_id', 'in', shown.map((c) => c.id)).orderBy('checkin_id').orderBy('position').execute()
    : [];

  const previous = await db
    .selectFrom('round')
    .select((eb) => eb.fn.max('occurrence').as('occurrence'))
    .where('cadence_id', '=', round.cadence_id)
    .where('leader_id', '=', round.leader_id)
    .where('occurrence', '<', round.occurrence)
    .executeTakeFirst();
  const from = (previous?.occurrence as string | null | undefined) ?? addDays(round.occurrence, -35);
  const since = new Date(`${from}T00:00:00Z`);

  const commitments = shown.length
    ? await db
        .selectFrom('commitment')
        .selectAll()
        .where('team_id', '=', round.team_id)
        .where('owner_id', 'in', shown.map((c) => c.person_id))
        .where((eb) => eb.or([eb('status', '=', 'open'), eb('closed_at', '>', since)]))
        .orderBy('due_date')
        .execute()
    : [];

  const flags = shown.length
    ? await db.selectFrom('flag').select(['id', 'person_id', 'rule', 'detail']).where('team_id', '=', round.team_id).where('status', '=', 'open').where('person_id', 'in', shown.filter((c) => c.person_id !== round.leader_id).map((c) => c.person_id).concat([''])).execute()
    : [];

  const members: BriefMember[] = shown.map((c) => ({
    personId: c.person_id,
    name: c.name ?? c.person_id,
    part: c.part,
    status: c.status,
    skipReason: c.skip_reason,
    undelivered: c.undelivered ?? null,
    answers: answers
      .filter((a) => a.checkin_id === c.id)
      .map((a) => ({ question: a.question_text, kind: a.kind, intent: a.intent, value: a.value_text ?? String(a.value_number ?? ''), shared: a.shared })),
    flags: flags.filter((f) => f.person_id === c.person_id).map((f) => ({ id: f.id, rule: f.rule, detail: f.detail })),
    commitments: commitments
      .filter((m) => m.owner_id === c.person_id && (c.part === 'leader' ? m.leader_id === null : m.leader_id === round.leader_id))
      .map((m) => ({ id: m.id, text: m.text, status: m.status, dueDate: m.due_date, slips: m.slips })),
  }));

  // Only members who lead people have anything below them to roll up (reps do not: no queries for them).
  const memberIds = members.filter((m) => m.part === 'member').map((m) => m.personId);
  const leading = new Set(
    memberIds.length
      ? (await db.selectFrom('person').select('reports_to').distinct().where('team_id', '=', round.team_id).where('reports_to', 'in', memberIds).execute()).map((r) => r.reports_to)
      : [],
  );
  const rollUp: TeamSummary[] = [];
  for (const m of members) {
    if (m.part !== 'member' || !leading.has(m.personId)) continue;
    const summary = await summarizeBelow(db, round.team_id, m.personId, m.name, from, round.occurrence);
    if (summary) rollUp.push(summary);
  }

  const suggestions = await suggestQuestions(db, round.team_id, round.level, members);
  return {
    roundId: round.id,
    teamId: round.team_id,
    leaderId: round.leader_id,
    cadenceName: round.name,
    level: round.level,
    occurrence: round.occurrence,
    members,
    rollUp,
    escalations: await escalationsFor(db, round.team_id, round.leader_id, since),
    suggestions,
  };
}

/**
 * The rounds led by `leaderId` or anyone below them with an occurrence in (`from`, `to`]: participation per
 * level, the average of each rating question, and the answers their authors chose to share with the team.
 */
export async function summarizeBelow(
  db: Kysely<Database>,
  teamId: string,
  leaderId: string,
  leaderName: string,
  from: string,
  to: string,
): Promise<TeamSummary | undefined> {
  const leaders = [leaderId, ...(await chainBelow(db, teamId, leaderId))];
  const inPeriod = db
    .selectFrom('checkin as c')
    .innerJoin('round as r', 'r.id', 'c.round_id')
    .innerJoin('cadence as k', 'k.id', 'r.cadence_id')
    .where('r.team_id', '=', teamId)
    .where('r.leader_id', 'in', leaders)
    .where('r.occurrence', '>', from)
    .where('r.occurrence', '<=', to)
    .where('c.part', '=', 'member');

  const counts = await inPeriod
    .select([
      ROUND_DEPTH.as('depth'),
      sql<Level>`mode() within group (order by k.level)`.as('level'),
      sql<number>`count(*)::int`.as('due'),
      sql<number>`count(*) filter (where c.status = 'answered')::int`.as('answered'),
      sql<number>`count(*) filter (where c.status = 'missed')::int`.as('missed'),
      sql<number>`count(*) filter (where c.status = 'skipped')::int`.as('skipped'),
      sql<number>`count(*) filter (where c.held_at is not null)::int`.as('conversations'),
      sql<number>`count(*) filter (where exists (select 1 from delivery d where d.checkin_id = c.id and d.status = 'failed' and d.kind = 'prompt'))::int`.as('undelivered'),
    ])
    .groupBy(sql`1`)
    .execute();
  if (counts.length === 0) return undefined;
  const labels = await levelLabels(db, teamId, sql<boolean>`r.leader_id in (${sql.join(leaders)}) and r.occurrence > ${from}::date and r.occurrence <= ${to}::date`);
  // 1:1s held in the window of the same length before, to compare against.
  const before = addDays(from, -Math.max(1, Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000)));
  const earlier = await db
    .selectFrom('checkin as c')
    .innerJoin('round as r', 'r.id', 'c.round_id')
    .innerJoin('cadence as k', 'k.id', 'r.cadence_id')
    .select([ROUND_DEPTH.as('depth'), sql<number>`count(*) filter (where c.held_at is not null)::int`.as('conversations')])
    .where('r.team_id', '=', teamId)
    .where('r.leader_id', 'in', leaders)
    .where('r.occurrence', '>', before)
    .where('r.occurrence', '<=', from)
    .where('c.part', '=', 'member')
    .groupBy(sql`1`)
    .execute();

  const ratings = await inPeriod
    .innerJoin('answer as a', 'a.checkin_id', 'c.id')
    .select(['a.question_text', sql<number>`avg(a.value_number)::float8`.as('average'), sql<number>`count(*)::int`.as('count')])
    .where('a.kind', '=', 'rating_1_5')
    .where('a.value_number', 'is not', null)
    .groupBy('a.question_text')
    .orderBy('a.question_text')
    .execute();

  const highlights = await inPeriod
    .innerJoin('answer as a', 'a.checkin_id', 'c.id')
    .leftJoin('person as p', (j) => j.onRef('p.team_id', '=', 'c.team_id').onRef('p.slack_user_id', '=', 'c.person_id'))
    .select(['p.name', 'c.person_id', 'a.question_text', 'a.value_text'])
    .where('a.shared', '=', true)
    .where('a.value_text', 'is not', null)
    .orderBy('r.occurrence', 'desc')
    .orderBy('a.id')
    .limit(HIGHLIGHTS)
    .execute();

  return {
    leaderId,
    leaderName,
    levels: [...counts]
      .sort((a, b) => a.depth - b.depth)
      .map((c) => ({ level: c.level, label: labelOf(labels, c.depth), due: c.due, answered: c.answered, missed: c.missed, skipped: c.skipped, undelivered: c.undelivered, conversations: c.conversations, conversationsBefore: earlier.find((e) => e.depth === c.depth)?.conversations ?? 0 })),
    ratings: ratings.map((r) => ({ question: r.question_text, average: Math.round(r.average * 10) / 10, count: r.count })),
    highlights: highlights.map((h) => ({ name: h.name ?? h.person_id, question: h.question_text, text: h.value_text ?? '' })),
  };
}

/**
 * Three questions for the live conversation: first from what was answered (a low confidence rating asks
 * about support, a named obstacle asks what would remove it, a missed check-in asks what got in the way),
 * then from the bank's support, obstacle and methodology questions not asked in this round.
 */
export async function suggestQuestions(db: Kysely<Database>, teamId: string, level: Level, members: readonly BriefMember[]): Promise<string[]> {
  const out: string[] = [];
  const add = (s: string) => {
    if (out.length < SUGGESTIONS && !out.includes(s)) out.push(s);
  };
  for (const m of members) {
    if (m.part !== 'member') continue;
    const first = m.name.split(' ')[0] ?? m.name;
    const low = m.answers.find((a) => a.kind === 'rating_1_5' && Number(a.value) <= 2);
    if (low) add(`${first} rated their confidence ${low.value} of 5: what would help most to raise it, and what can I take off your plate?`);
    const obstacle = m.answers.find((a) => a.intent === 'obstacles' && a.value.trim());
    if (obstacle) add(`${first} named an obstacle ("${excerpt(obstacle.value)}"): what would it take to remove it, and who else is running into it?`);
  }
  for (const m of members) {
    if (m.part === 'member' && m.status === 'missed') add(`${m.name.split(' ')[0]} missed this check-in: what got in the way, and is this the right time for it?`);
  }
  if (out.length < SUGGESTIONS) {
    const asked = new Set(members.flatMap((m) => m.answers.map((a) => a.question)));
    const bank = await db
      .selectFrom('question')
      .select(['text', 'intent', 'position'])
      .where('active', '=', true)
      .where('audience', '=', 'member')
      .where('intent', 'in', ['support', 'obstacles', 'methodology'])
      .where(sql<boolean>`${level} = any(levels)`)
      .where('team_id', '=', teamId)
      .orderBy(sql`case intent when 'support' then 1 when 'obstacles' then 2 else 3 end`)
      .orderBy('position')
      .execute();
    for (const q of bank) if (!asked.has(q.text)) add(q.text);
  }
  return out;
}

function excerpt(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > 60 ? `${one.slice(0, 59)}…` : one;
}
