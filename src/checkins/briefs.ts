import { checkinsWithPerson, readableInRound } from './context';
import { sql, type Kysely, type Selectable } from 'kysely';
import { escalationsFor, type CommitmentView } from '../accountability/commitments';
import type { AnswerTable, CheckinStatus, Commitment, CommitmentStatus, Database, Relationship } from '../db/types';
import { recurringPhrases } from './phrases';
import { strongest, themesAmong } from './said';
import type { Theme } from './themes';
import { chainBelow } from '../org/visibility';
import { labelOf, levelLabels, ROUND_DEPTH } from './levels';
import { addDays } from '../time/calendar';
import { DAY_MS } from '../time/durations';

/** A commitment as a brief shows it: what became of it in this check-in, in the owner's words. */
export interface BriefCommitment {
  readonly id: number;
  readonly text: string;
  readonly status: CommitmentStatus;
  readonly dueDate: string;
  readonly slips: number;
  /** What the owner wrote when they reviewed it ("sent 2 of 3"). */
  readonly note: string | null;
  /** Reviewed in this check-in (done, partly, not yet), or missed since the last round. */
  readonly reviewedHere: boolean;
  /** Made in this check-in. */
  readonly madeHere: boolean;
}

/** One member's part of a round, as their leader's brief shows it. */
export interface BriefMember {
  readonly checkinId: number;
  readonly personId: string;
  readonly name: string;
  readonly part: 'member' | 'leader';
  readonly status: CheckinStatus;
  readonly skipReason: string | null;
  /** Why the prompt never reached them, when the outbox gave up. */
  readonly undelivered: string | null;
  readonly answers: readonly { question: string; kind: string; intent: string; value: string; shared: boolean }[];
  /** Their confidence rating in this check-in, and in the one they answered before it. */
  readonly confidence: { readonly now: number | null; readonly before: number | null };
  /** Open flags about them: the leader is asked about organisational factors first. */
  readonly flags: readonly { id: number; rule: string; detail: string; raisedAt: Date }[];
  /** Their commitments to this leader: open ones, and those that closed this period. */
  readonly commitments: readonly BriefCommitment[];
}

/** What was heard at one level below the round's own, over the round's period, against the period before. */
export interface LevelHeard {
  readonly depth: number;
  readonly label: string;
  readonly due: number;
  readonly answered: number;
  readonly dueBefore: number;
  readonly answeredBefore: number;
  /** One-by-one conversations marked held, now and in the period before. */
  readonly held: number;
  readonly heldBefore: number;
  /** The obstacle most people at that level named, in words one of them wrote. */
  readonly obstacle: { readonly phrase: string; readonly count: number } | null;
  /** One answer its author shared with the team. */
  readonly highlight: { readonly name: string; readonly text: string } | null;
  /** Broken links: the leaders at that level whose round had nobody answering, with how many it asked. */
  readonly broken: readonly { readonly name: string; readonly due: number }[];
}

/** Someone who needs the leader, most urgent first: why, in words, and since when. */
export interface Attention {
  readonly personId: string;
  readonly name: string;
  readonly why: string;
  /** When what needs them began (a flag raised, a commitment due), when known. */
  readonly since: Date | null;
}

export interface Brief {
  readonly roundId: number;
  readonly teamId: string;
  readonly leaderId: string;
  readonly cadenceName: string;
  readonly level: Relationship;
  readonly occurrence: string;
  readonly members: readonly BriefMember[];
  /** Answered of due in the round before this one, to compare with. */
  readonly before: { readonly answered: number; readonly due: number } | null;
  /** Everyone who needs the leader this round, most urgent first (a brief names the first three). */
  readonly attention: readonly Attention[];
  /** What was heard at each level below the round's members, one line each. */
  readonly heard: readonly LevelHeard[];
  /**
   * For a leader of leaders: what keeps coming up across their whole chain below (obstacles, what would help,
   * what worked, the factors named closing flags), at most three, each with where it is going.
   */
  readonly themes: readonly Theme[];
  /** Commitments made to the leader's direct reports that slipped twice: accountability one level up. */
  readonly escalations: readonly CommitmentView[];
  readonly suggestions: readonly string[];
}

/** How many suggestions a brief carries. */
const SUGGESTIONS = 3;

/**
 * The brief a leader gets when a round closes: who answered, who missed or skipped (and whose prompt could not
 * be delivered), each answer the leader may see (for the thread), who needs the leader most, what was heard at
 * each level further down, and three suggested questions for the live conversation.
 */
export async function buildBrief(db: Kysely<Database>, roundId: number): Promise<Brief | undefined> {
  const round = await db
    .selectFrom('round as r')
    .innerJoin('cadence as k', 'k.id', 'r.cadence_id')
    .select(['r.id', 'r.team_id', 'r.leader_id', 'r.occurrence', 'r.cadence_id', 'k.name', 'k.level', ROUND_DEPTH.as('depth')])
    .where('r.id', '=', roundId)
    .executeTakeFirst();
  if (!round) return undefined;

  const checkins = await briefCheckins(db, roundId);

  const { shown, answers } = await readableInRound(db, round, checkins);
  const ids = shown.map((c) => c.id);
  const people = shown.map((c) => c.person_id);

  const { from, since, before } = await theTimeBefore(db, round);

  const commitments = ids.length
    ? await db
        .selectFrom('commitment')
        .selectAll()
        .where('team_id', '=', round.team_id)
        .where('owner_id', 'in', people)
        .where((eb) => eb.or([eb('status', '=', 'open'), eb('closed_at', '>', since)]))
        .orderBy('due_date')
        .orderBy('id')
        .execute()
    : [];

  const others = people.filter((id) => id !== round.leader_id);
  const flags = others.length
    ? await db
        .selectFrom('flag')
        .select(['id', 'person_id', 'rule', 'detail', 'raised_at'])
        .where('team_id', '=', round.team_id)
        .where('status', '=', 'open')
        .where('person_id', 'in', others)
        .orderBy('raised_at')
        .execute()
    : [];

  const confidenceBefore = await confidenceEarlier(db, round, people);

  const members: BriefMember[] = shown.map((c) =>
    briefMember(c, {
      answers: answers.filter((a) => a.checkin_id === c.id),
      before: confidenceBefore.get(c.person_id) ?? null,
      flags: flags.filter((f) => f.person_id === c.person_id),
      // A member's commitments to this leader; the leader's own reflection, the ones they made to no one above.
      commitments: commitments.filter(
        (m) => m.owner_id === c.person_id && (c.part === 'leader' ? m.leader_id === null : m.leader_id === round.leader_id),
      ),
      since,
    }),
  );

  const escalations = await escalationsFor(db, round.team_id, round.leader_id, since);
  const heard = await heardBelow(db, round.team_id, round.leader_id, Number(round.depth), from, round.occurrence);
  // Themes are for leaders of leaders: a first-line leader reads each answer in their own brief.
  const themes =
    heard.length > 0
      ? strongest(
          await themesAmong(db, {
            teamId: round.team_id,
            people: [...(await chainBelow(db, round.team_id, round.leader_id))],
            from,
            to: round.occurrence,
            sharedOnly: false,
          }),
        )
      : [];
  return {
    roundId: round.id,
    teamId: round.team_id,
    leaderId: round.leader_id,
    cadenceName: round.name,
    level: round.level,
    occurrence: round.occurrence,
    members,
    before,
    attention: attentionOf(members),
    heard,
    themes,
    escalations,
    suggestions: await suggestQuestions(db, round.team_id, round.level, members),
  };
}

/** The round's check-ins, the leader's own first, with whether each prompt failed to arrive (and why). */
function briefCheckins(db: Kysely<Database>, roundId: number) {
  return checkinsWithPerson(db)
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
}
type BriefCheckin = Awaited<ReturnType<typeof briefCheckins>>[number];

/**
 * The round before this one of the same cadence and leader: since when the brief counts (its day, or five weeks
 * back for a first round), and how many of its members answered it.
 */
async function theTimeBefore(
  db: Kysely<Database>,
  round: { cadence_id: number; leader_id: string; occurrence: string },
): Promise<{ from: string; since: Date; before: { due: number; answered: number } | null }> {
  const previous = await db
    .selectFrom('round as r')
    .select(['r.id', 'r.occurrence'])
    .where('r.cadence_id', '=', round.cadence_id)
    .where('r.leader_id', '=', round.leader_id)
    .where('r.occurrence', '<', round.occurrence)
    .orderBy('r.occurrence', 'desc')
    .limit(1)
    .executeTakeFirst();
  const from = previous?.occurrence ?? addDays(round.occurrence, -35);
  const before = previous
    ? await db
        .selectFrom('checkin')
        .select([sql<number>`count(*)::int`.as('due'), sql<number>`count(*) filter (where status = 'answered')::int`.as('answered')])
        .where('round_id', '=', previous.id)
        .where('part', '=', 'member')
        .executeTakeFirstOrThrow()
    : null;
  return { from, since: new Date(`${from}T00:00:00Z`), before };
}

/** Each member's confidence the time before: their latest rating in an earlier check-in they answered. */
async function confidenceEarlier(
  db: Kysely<Database>,
  round: { team_id: string; occurrence: string },
  people: readonly string[],
): Promise<Map<string, number>> {
  if (people.length === 0) return new Map();
  const earlier = await sql<{ person_id: string; value: number }>`
    select distinct on (c.person_id) c.person_id, a.value_number::float8 as value
    from checkin c join round r on r.id = c.round_id join answer a on a.checkin_id = c.id
    where c.team_id = ${round.team_id} and c.person_id = any(${people}::text[]) and c.status = 'answered'
      and r.occurrence < ${round.occurrence}::date and a.kind = 'rating_1_5' and a.intent = 'goals' and a.value_number is not null
    order by c.person_id, c.due_at desc`.execute(db);
  return new Map(earlier.rows.map((r) => [r.person_id, Number(r.value)]));
}

/** One member as the brief shows them: their answers, confidence now and before, open flags, and commitments. */
function briefMember(
  c: BriefCheckin,
  of: {
    answers: readonly Selectable<AnswerTable>[];
    before: number | null;
    flags: readonly { id: number; rule: string; detail: string; raised_at: Date }[];
    commitments: readonly Commitment[];
    since: Date;
  },
): BriefMember {
  const rating = of.answers.find((a) => a.kind === 'rating_1_5' && a.intent === 'goals' && a.value_number !== null);
  return {
    checkinId: c.id,
    personId: c.person_id,
    name: c.name ?? c.person_id,
    part: c.part,
    status: c.status,
    skipReason: c.skip_reason,
    undelivered: c.undelivered ?? null,
    answers: of.answers.map((a) => ({
      question: a.question_text,
      kind: a.kind,
      intent: a.intent,
      value: a.value_text ?? String(a.value_number ?? ''),
      shared: a.shared,
    })),
    confidence: { now: rating ? Number(rating.value_number) : null, before: of.before },
    flags: of.flags.map((f) => ({ id: f.id, rule: f.rule, detail: f.detail, raisedAt: f.raised_at })),
    commitments: of.commitments.map((m) => ({
      id: m.id,
      text: m.text,
      status: m.status,
      dueDate: m.due_date,
      slips: m.slips,
      note: m.note,
      reviewedHere: m.last_reviewed_checkin_id === c.id || (m.status === 'missed' && m.closed_at !== null && m.closed_at > of.since),
      madeHere: m.source_checkin_id === c.id,
    })),
  };
}

/** The order of urgency: missed twice, then a prompt that never arrived, low confidence, slipping commitments, pace, a single miss. */
const URGENCY = ['missed_in_a_row', 'undelivered', 'confidence', 'commitments', 'goal_pace', 'missed'] as const;

/**
 * Who needs the leader this round, each once, most urgent first (missed twice > a prompt that never reached
 * them > confidence of 2 or less > a slipping commitment > goal pace > a single miss), the oldest first within
 * the same urgency. Pure.
 */
export function attentionOf(members: readonly BriefMember[]): Attention[] {
  const found: (Attention & { rank: number })[] = [];
  for (const m of members) {
    if (m.part !== 'member') continue;
    const reasons: { kind: (typeof URGENCY)[number]; why: string; since: Date | null }[] = [];
    const flag = (rule: string) => m.flags.find((f) => f.rule === rule);
    const missedTwice = flag('missed_in_a_row');
    if (missedTwice) reasons.push({ kind: 'missed_in_a_row', why: missedTwice.detail, since: missedTwice.raisedAt });
    if (m.undelivered && m.status !== 'answered') reasons.push({ kind: 'undelivered', why: 'the prompt never reached them', since: null });
    if (m.confidence.now !== null && m.confidence.now <= 2) {
      const dropped = flag('confidence_drop');
      reasons.push({
        kind: 'confidence',
        why: `confidence ${m.confidence.now} of 5${m.confidence.before !== null && m.confidence.before !== m.confidence.now ? ` (was ${m.confidence.before})` : ''}`,
        since: dropped?.raisedAt ?? null,
      });
    } else if (flag('confidence_drop')) {
      reasons.push({ kind: 'confidence', why: flag('confidence_drop')!.detail, since: flag('confidence_drop')!.raisedAt });
    }
    const slipping = m.commitments.filter((c) => (c.status === 'open' && c.slips > 0) || (c.status === 'missed' && c.reviewedHere));
    const kept = flag('commitments_kept');
    if (slipping.length) {
      const first = slipping[0]!;
      reasons.push({
        kind: 'commitments',
        why: `“${first.text}” ${first.status === 'missed' ? 'missed' : `slipped ${first.slips === 1 ? 'once' : `${first.slips} times`}`}${slipping.length > 1 ? ` (and ${slipping.length - 1} more)` : ''}`,
        since: new Date(`${first.dueDate}T00:00:00Z`),
      });
    } else if (kept) {
      reasons.push({ kind: 'commitments', why: kept.detail, since: kept.raisedAt });
    }
    const pace = flag('goal_pace');
    if (pace) reasons.push({ kind: 'goal_pace', why: pace.detail, since: pace.raisedAt });
    if (m.status === 'missed' && !missedTwice) reasons.push({ kind: 'missed', why: 'missed this check-in', since: null });
    if (reasons.length === 0) continue;
    const rank = (k: (typeof URGENCY)[number]) => URGENCY.indexOf(k);
    const top = reasons.sort((a, b) => rank(a.kind) - rank(b.kind))[0]!;
    found.push({ personId: m.personId, name: m.name, why: top.why, since: top.since, rank: rank(top.kind) });
  }
  return found
    .sort((a, b) => a.rank - b.rank || (a.since?.getTime() ?? Infinity) - (b.since?.getTime() ?? Infinity) || a.name.localeCompare(b.name))
    .map(({ rank: _rank, ...a }) => a);
}

/**
 * What was heard at each level below a round's leader over (`from`, `to`], against the span of the same length
 * before: participation, 1:1s held, the obstacle most people named there (grouped by meaning, in their words)
 * and one answer its author shared. One line per level however deep the tree below.
 */
export async function heardBelow(
  db: Kysely<Database>,
  teamId: string,
  leaderId: string,
  depth: number,
  from: string,
  to: string,
): Promise<LevelHeard[]> {
  const below = [...(await chainBelow(db, teamId, leaderId))];
  if (below.length === 0) return [];
  const span = Math.max(1, Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS));
  const start = addDays(from, -span);
  const rows = await sql<{ depth: number; due: number; answered: number; held: number; due_b: number; answered_b: number; held_b: number }>`
    select ${ROUND_DEPTH} as depth,
      count(*) filter (where r.occurrence > ${from}::date)::int as due,
      count(*) filter (where r.occurrence > ${from}::date and c.status = 'answered')::int as answered,
      count(*) filter (where r.occurrence > ${from}::date and c.held_at is not null)::int as held,
      count(*) filter (where r.occurrence <= ${from}::date)::int as due_b,
      count(*) filter (where r.occurrence <= ${from}::date and c.status = 'answered')::int as answered_b,
      count(*) filter (where r.occurrence <= ${from}::date and c.held_at is not null)::int as held_b
    from round r join cadence k on k.id = r.cadence_id join checkin c on c.round_id = r.id and c.part = 'member'
    where r.team_id = ${teamId} and r.leader_id = any(${below}::text[]) and r.occurrence > ${start}::date and r.occurrence <= ${to}::date
    group by 1 having count(*) filter (where r.occurrence > ${from}::date) > 0`.execute(db);
  const levels = rows.rows.filter((r) => r.depth > depth).sort((a, b) => a.depth - b.depth);
  if (levels.length === 0) return [];
  const labels = await levelLabels(
    db,
    teamId,
    sql<boolean>`r.leader_id = any(${below}::text[]) and r.occurrence > ${from}::date and r.occurrence <= ${to}::date`,
  );
  const said = await sql<{ depth: number; person_id: string; name: string | null; intent: string; shared: boolean; text: string }>`
    select ${ROUND_DEPTH} as depth, c.person_id, p.name, a.intent, a.shared, a.value_text as text
    from round r join cadence k on k.id = r.cadence_id join checkin c on c.round_id = r.id and c.part = 'member'
    join answer a on a.checkin_id = c.id
    left join person p on p.team_id = c.team_id and p.slack_user_id = c.person_id
    where r.team_id = ${teamId} and r.leader_id = any(${below}::text[]) and r.occurrence > ${from}::date and r.occurrence <= ${to}::date
      and a.value_text is not null and (a.intent = 'obstacles' or a.shared)
    order by r.occurrence desc, a.id`.execute(db);
  // A round that asked and heard nothing back (every check-in missed or skipped, at least one missed).
  const broken = await sql<{ depth: number; name: string; due: number }>`
    select ${ROUND_DEPTH} as depth, coalesce(p.name, r.leader_id) as name, count(*)::int as due
    from round r join cadence k on k.id = r.cadence_id join checkin c on c.round_id = r.id and c.part = 'member'
    left join person p on p.team_id = r.team_id and p.slack_user_id = r.leader_id
    where r.team_id = ${teamId} and r.leader_id = any(${below}::text[]) and r.occurrence > ${from}::date and r.occurrence <= ${to}::date
    group by r.id, r.leader_id, p.name, 1
    having count(*) filter (where c.status = 'answered') = 0 and count(*) filter (where c.status = 'missed') > 0
       and count(*) filter (where c.status in ('scheduled', 'sent')) = 0
    order by 2`.execute(db);
  return levels.map((l) => {
    const here = said.rows.filter((s) => s.depth === l.depth);
    const [top] = recurringPhrases(
      here.filter((s) => s.intent === 'obstacles').map((s) => ({ person: s.person_id, text: s.text })),
      1,
    );
    const shared = here.find((s) => s.shared);
    return {
      depth: l.depth,
      label: labelOf(labels, l.depth),
      due: l.due,
      answered: l.answered,
      dueBefore: l.due_b,
      answeredBefore: l.answered_b,
      held: l.held,
      heldBefore: l.held_b,
      obstacle: top ? { phrase: top.phrase, count: top.count } : null,
      highlight: shared ? { name: shared.name ?? shared.person_id, text: shared.text } : null,
      broken: broken.rows.filter((b) => b.depth === l.depth).map((b) => ({ name: b.name, due: b.due })),
    };
  });
}

/**
 * Three questions for the live conversation: first from what was answered (a low confidence rating asks
 * about support, a named obstacle asks what would remove it, a missed check-in asks what got in the way),
 * then from the bank's support, obstacle and methodology questions not asked in this round.
 */
export async function suggestQuestions(
  db: Kysely<Database>,
  teamId: string,
  level: Relationship,
  members: readonly BriefMember[],
): Promise<string[]> {
  const out: string[] = [];
  const add = (s: string) => {
    if (out.length < SUGGESTIONS && !out.includes(s)) out.push(s);
  };
  for (const m of members) {
    if (m.part !== 'member') continue;
    const first = m.name.split(' ')[0] ?? m.name;
    const low = m.answers.find((a) => a.kind === 'rating_1_5' && Number(a.value) <= 2);
    if (low)
      add(`${first} rated their confidence ${low.value} of 5: what would help most to raise it, and what can I take off your plate?`);
    const obstacle = m.answers.find((a) => a.intent === 'obstacles' && a.value.trim());
    if (obstacle)
      add(`${first} named an obstacle ("${excerpt(obstacle.value)}"): what would it take to remove it, and who else is running into it?`);
  }
  for (const m of members) {
    if (m.part === 'member' && m.status === 'missed')
      add(`${m.name.split(' ')[0]} missed this check-in: what got in the way, and is this the right time for it?`);
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
