import { nameOf } from '../org/people';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { expectedPaceSql, type Period } from '../time/periods';
import { levelLabels, labelOf, ROUND_DEPTH } from '../checkins/levels';
import { strongest, themesOfRows } from '../checkins/said';
import { THEME_INTENTS } from '../checkins/themes';
import type { Theme } from '../checkins/themes';
import { chainBelow } from '../org/visibility';
import type { Database, DigestScope, Relationship } from '../db/types';
import { addDays } from '../time/calendar';

export interface Compared {
  readonly now: number;
  readonly before: number;
}

/** One level of the tree (its leaders with their direct reports), top-down; `level` is the kind of relationship of most of its rounds. */
interface LevelHealth {
  readonly level: Relationship;
  readonly label: string;
  readonly due: Compared;
  /** Check-ins answered ("held" is only ever a 1:1 marked held: `conversations`). */
  readonly answered: Compared;
  readonly missed: Compared;
  readonly skipped: Compared;
  /** One-by-one conversations the leader marked held (`/cascade held`): the conversations, not only the forms. */
  readonly conversations: Compared;
}

/** A digest's figures for one scope and period, each against the period before. Built from Cascade's own tables only. */
export interface Digest {
  readonly scope: DigestScope;
  readonly ownerName: string | null;
  readonly period: Period;
  readonly previous: Period;
  readonly levels: readonly LevelHealth[];
  /** Leaders whose rounds in the period had nobody answering (broken links); named in org and exec digests only. */
  readonly brokenLinks: readonly { name: string; label: string; due: number }[];
  readonly participation: { now: number | null; before: number | null };
  readonly commitments: { made: Compared; kept: Compared; closed: Compared };
  readonly ratings: readonly { question: string; now: number | null; before: number | null }[];
  readonly highlights: readonly { name: string; question: string; text: string }[];
  /**
   * What keeps coming up (obstacles, what would help, what worked), made only of answers their authors shared:
   * a digest is published to a channel. Each with where it is going against the period before.
   */
  readonly themes: readonly Theme[];
  /** How many shared answers the themes were read from (so "nothing recurred" can be told from "nothing shared"). */
  readonly themeAnswers: number;
  /** Flags open at the end of the period, and at the end of the one before. */
  readonly openFlags: Compared;
  /** Per team (a leader's direct reports), the average attainment of their goals and the gap to pace, at the period's end; `before` on the same day of each goal's period before (month to date against the previous month to that day). */
  readonly goals: readonly { leader: string; goals: number; attainment: number; paceGap: number; before: number | null }[];
  readonly coreValue: string;
}

/**
 * Goals against the same span of the period before: a monthly goal's month to date against the previous month
 * to the same day, a weekly goal's week to date against the week before to the same weekday — never a month to
 * date against last week's. A team whose goals did not exist then has nothing to compare with.
 */
async function goalsCompared(db: Kysely<Database>, teamId: string, current: Period, owner: string | null): Promise<Digest['goals']> {
  const now = await teamGoals(db, teamId, current.end, owner);
  const before = await teamGoals(db, teamId, current.end, owner, { periodBefore: true });
  return now.map(({ leaderId, ...g }) => ({ ...g, before: before.find((b) => b.leaderId === leaderId)?.attainment ?? null }));
}

/** A team's goals as of a day; `leaderId` says whose team it is (the name is what people read). */
type TeamGoal = Omit<Digest['goals'][number], 'before'> & { readonly leaderId: string };

/**
 * Goal attainment and pace per team as of a day: each person goal's latest progress in its own period
 * up to that day, against its target and against where it should be by then. With `periodBefore`, each goal
 * as of the same day of its previous period (a month earlier for a monthly goal), for the goals that were set
 * by then. One set-based query.
 */
export async function teamGoals(
  db: Kysely<Database>,
  teamId: string,
  asOf: string,
  leaderId: string | null,
  options: { periodBefore?: boolean } = {},
): Promise<TeamGoal[]> {
  return (await teamGoalsOn(db, teamId, [asOf], leaderId, options)).get(asOf) ?? [];
}

/** The same as of each of several days (the months of a pack), in one query: each day's teams, furthest behind pace first. */
export async function teamGoalsOn(
  db: Kysely<Database>,
  teamId: string,
  days: readonly string[],
  leaderId: string | null,
  options: { periodBefore?: boolean } = {},
): Promise<Map<string, TeamGoal[]>> {
  const back = options.periodBefore === true;
  const rows = await sql<{ day: string; leader_id: string; leader: string; goals: number; attainment: number; expected: number }>`
    with g0 as (
      select g.id, g.owner_id, g.name, g.target::float8 as target, g.period, g.created_at, p.reports_to, p.tz,
        case g.period when 'week' then interval '1 week' when 'month' then interval '1 month' else interval '3 months' end as span
      from goal g join person p on p.team_id = g.team_id and p.slack_user_id = g.owner_id and p.active
      where g.team_id = ${teamId} and g.active and g.scope = 'person' and p.reports_to is not null
        ${leaderId === null ? sql`` : sql`and p.reports_to = ${leaderId}`}
    ), g1 as (
      select g0.*, d.day, ${back ? sql`(d.day - g0.span)::date` : sql`d.day`} as as_of
      from g0 cross join unnest(${days}::date[]) as d(day)
    ), g as (
      select g1.*,
        case g1.period when 'week' then date_trunc('week', g1.as_of)::date
                       when 'month' then date_trunc('month', g1.as_of)::date
                       else date_trunc('quarter', g1.as_of)::date end as start
      from g1
      -- A goal set after the day it is read as of did not exist then: it counts from its own period on.
      where (g1.created_at at time zone g1.tz)::date <= g1.as_of
    )
    select g.day::text as day, g.reports_to as leader_id, coalesce(l.name, g.reports_to) as leader, count(*)::int as goals,
      avg(coalesce(v.value, 0) / g.target)::float8 as attainment,
      avg(${expectedPaceSql(sql`g.start`, sql`g.span`, sql`g.as_of`)})::float8 as expected
    from g
    left join person l on l.team_id = ${teamId} and l.slack_user_id = g.reports_to
    left join lateral (
      select pr.value::float8 as value from progress pr
      where pr.team_id = ${teamId} and pr.person_id = g.owner_id and lower(pr.goal_name) = lower(g.name)
        and pr.recorded_on between g.start and g.as_of
      order by pr.recorded_on desc, pr.id desc limit 1
    ) v on true
    group by g.day, g.reports_to, l.name`.execute(db);
  const out = new Map<string, TeamGoal[]>(days.map((d) => [d, []]));
  for (const r of rows.rows)
    out.get(r.day)?.push({
      leaderId: r.leader_id,
      leader: r.leader,
      goals: r.goals,
      attainment: r.attainment,
      paceGap: Math.round((r.attainment - r.expected) * 100),
    });
  for (const teams of out.values()) teams.sort((a, b) => a.paceGap - b.paceGap || a.leader.localeCompare(b.leader));
  return out;
}

const pair = (now: unknown, before: unknown): Compared => ({ now: Number(now ?? 0), before: Number(before ?? 0) });

/**
 * Computes a digest. `team` covers one leader's rounds and the people who report to them; `org` and `exec`
 * cover the whole workspace. Only answers their authors shared are quoted; everything else is counted.
 */
/** What every section of a digest reads from: its workspace, periods and people, and the SQL that says so. */
interface DigestSlice {
  readonly db: Kysely<Database>;
  readonly teamId: string;
  readonly current: Period;
  readonly previous: Period;
  /** The team digest's leader; null for the org and exec digests, which cover everyone. */
  readonly owner: string | null;
  /** The owner and everyone below them, however deep (empty: everyone). */
  readonly subtree: readonly string[];
  /** Whether a round `r` is the slice's. */
  readonly inScope: RawBuilder<boolean>;
  /** Whether a round `r` falls in the period. */
  readonly inPeriod: (p: Period) => RawBuilder<boolean>;
  /** Whether a round `r` falls in either period. */
  readonly both: RawBuilder<boolean>;
}

async function sliceOf(
  db: Kysely<Database>,
  input: { teamId: string; scope: DigestScope; ownerId?: string; current: Period; previous: Period },
): Promise<DigestSlice> {
  const { teamId, current, previous } = input;
  const owner = input.scope === 'team' ? (input.ownerId ?? '') : null;
  // A team digest covers the owner's rounds and every round led below them, however deep.
  const subtree = owner === null ? [] : [owner, ...(await chainBelow(db, teamId, owner))];
  return {
    db,
    teamId,
    current,
    previous,
    owner,
    subtree,
    inScope: owner === null ? sql<boolean>`true` : sql<boolean>`r.leader_id = any(${subtree}::text[])`,
    inPeriod: (p: Period) => sql<boolean>`r.occurrence between ${p.start}::date and ${p.end}::date`,
    both: sql<boolean>`r.occurrence between ${previous.start}::date and ${current.end}::date`,
  };
}

/** Rounds first (a few thousand in two periods), then their check-ins by index: never a scan of every check-in. */
function periodRounds({ teamId, inScope }: DigestSlice, where: RawBuilder<boolean>) {
  return sql`
    with rr as materialized (
      select r.id, r.leader_id, r.occurrence, ${ROUND_DEPTH} as depth, k.level
      from round r join cadence k on k.id = r.cadence_id
      where r.team_id = ${teamId} and ${inScope} and ${where}
    )`;
}

/** Each level's check-ins due, answered, missed, skipped and 1:1s held, in both periods. */
async function levelCounts(slice: DigestSlice) {
  const { db, current, previous, inPeriod, both } = slice;
  const levels = await sql<{
    depth: number;
    level: Relationship;
    due: number;
    held: number;
    missed: number;
    skipped: number;
    talks: number;
    due_b: number;
    held_b: number;
    missed_b: number;
    skipped_b: number;
    talks_b: number;
  }>`
    ${periodRounds(slice, both)}
    select r.depth, mode() within group (order by r.level) as level,
      count(*) filter (where ${inPeriod(current)})::int as due,
      count(*) filter (where ${inPeriod(current)} and c.status = 'answered')::int as held,
      count(*) filter (where ${inPeriod(current)} and c.status = 'missed')::int as missed,
      count(*) filter (where ${inPeriod(current)} and c.status = 'skipped')::int as skipped,
      count(*) filter (where ${inPeriod(current)} and c.held_at is not null)::int as talks,
      count(*) filter (where ${inPeriod(previous)} and c.held_at is not null)::int as talks_b,
      count(*) filter (where ${inPeriod(previous)})::int as due_b,
      count(*) filter (where ${inPeriod(previous)} and c.status = 'answered')::int as held_b,
      count(*) filter (where ${inPeriod(previous)} and c.status = 'missed')::int as missed_b,
      count(*) filter (where ${inPeriod(previous)} and c.status = 'skipped')::int as skipped_b
    from rr r join checkin c on c.round_id = r.id and c.part = 'member'
    group by 1`.execute(db);
  return levels.rows;
}

/** The leaders of the current period whose whole round went unanswered (org and exec digests only). */
async function brokenLinks(slice: DigestSlice): Promise<{ name: string; depth: number; due: number }[]> {
  const { db, teamId, inPeriod, current } = slice;
  const broken = await sql<{ name: string; depth: number; due: number }>`
    ${periodRounds(slice, inPeriod(current))}
    select coalesce(p.name, r.leader_id) as name, r.depth, count(*)::int as due
    from rr r join checkin c on c.round_id = r.id and c.part = 'member'
    left join person p on p.team_id = ${teamId} and p.slack_user_id = r.leader_id
    group by r.leader_id, p.name, 2
    having count(*) filter (where c.status = 'answered') = 0 and count(*) filter (where c.status in ('missed', 'answered')) > 0
    order by 2, 1`.execute(db);
  return broken.rows;
}

/** Commitments made, kept ("partly" counts half) and closed, in both periods. */
async function commitmentCounts({ db, teamId, owner, subtree, current, previous }: DigestSlice) {
  const people = owner === null ? sql<boolean>`true` : sql<boolean>`m.owner_id = any(${subtree}::text[])`;
  const commitments = await sql<{ made: number; made_b: number; kept: number; kept_b: number; closed: number; closed_b: number }>`
    select
      count(*) filter (where m.created_at::date between ${current.start}::date and ${current.end}::date)::int as made,
      count(*) filter (where m.created_at::date between ${previous.start}::date and ${previous.end}::date)::int as made_b,
      -- "Partly" counts half a promise kept.
      (count(*) filter (where m.status = 'done' and m.closed_at::date between ${current.start}::date and ${current.end}::date)
        + 0.5 * count(*) filter (where m.status = 'partly' and m.closed_at::date between ${current.start}::date and ${current.end}::date))::float8 as kept,
      (count(*) filter (where m.status = 'done' and m.closed_at::date between ${previous.start}::date and ${previous.end}::date)
        + 0.5 * count(*) filter (where m.status = 'partly' and m.closed_at::date between ${previous.start}::date and ${previous.end}::date))::float8 as kept_b,
      count(*) filter (where m.status in ('done', 'partly', 'missed') and m.closed_at::date between ${current.start}::date and ${current.end}::date)::int as closed,
      count(*) filter (where m.status in ('done', 'partly', 'missed') and m.closed_at::date between ${previous.start}::date and ${previous.end}::date)::int as closed_b
    from commitment m where m.team_id = ${teamId} and ${people}`.execute(db);

  return commitments.rows[0]!;
}

/** The period's ratings against the period before, its shared highlights, and the shared answers themes are read from. */
async function answerFigures({ db, teamId, inScope, inPeriod, both, current }: DigestSlice) {
  // One pass over the period's answers feeds the ratings, the highlights and the themes.
  const answers = await sql<{
    ratings: { question: string; now: number | null; before: number | null }[] | null;
    highlights: { name: string; question: string; text: string }[] | null;
    said: { intent: string; person: string; text: string; shared: true; now: boolean }[] | null;
  }>`
    with pa as materialized (
      select a.id, a.kind, a.intent, a.shared, a.question_text, a.value_text, a.value_number, c.part, c.person_id, r.occurrence,
             ${inPeriod(current)} as cur
      from answer a join checkin c on c.id = a.checkin_id join round r on r.id = c.round_id
      where c.team_id = ${teamId} and ${inScope} and ${both}
        and (a.kind = 'rating_1_5' or a.shared)
    )
    select
      (select json_agg(x order by x.question) from (
         select question_text as question,
                round(avg(value_number) filter (where cur), 1)::float8 as now,
                round(avg(value_number) filter (where not cur), 1)::float8 as before
         from pa where kind = 'rating_1_5' and value_number is not null and part = 'member'
         group by question_text) x) as ratings,
      (select json_agg(json_build_object('name', y.name, 'question', y.question, 'text', y.text) order by y.occurrence desc, y.id) from (
         select * from (
           -- The same words shared twice by the same person (two rounds, or an edit) are one highlight.
           select distinct on (pa.person_id, lower(btrim(pa.value_text)))
             coalesce(p.name, pa.person_id) as name, pa.question_text as question, pa.value_text as text, pa.occurrence, pa.id
           from pa left join person p on p.team_id = ${teamId} and p.slack_user_id = pa.person_id
           where pa.shared and pa.value_text is not null and pa.cur
           order by pa.person_id, lower(btrim(pa.value_text)), pa.occurrence desc, pa.id
         ) d order by d.occurrence desc, d.id limit 5) y) as highlights,
      (select json_agg(json_build_object('intent', intent, 'person', person_id, 'text', value_text, 'shared', true, 'now', cur))
         from pa where shared and value_text is not null and intent = any(${Object.values(THEME_INTENTS)}::text[])) as said`.execute(db);
  return answers.rows[0];
}

/** Flags open at the end of each period. */
async function openFlagCounts({ db, teamId, owner, subtree, current, previous }: DigestSlice) {
  const endOf = (p: Period) => new Date(`${addDays(p.end, 1)}T00:00:00Z`);
  const flags = await sql<{ n: number; n_b: number }>`
    select count(*) filter (where f.raised_at < ${endOf(current)} and (f.closed_at is null or f.closed_at >= ${endOf(current)}))::int as n,
           count(*) filter (where f.raised_at < ${endOf(previous)} and (f.closed_at is null or f.closed_at >= ${endOf(previous)}))::int as n_b
    from flag f
    where f.team_id = ${teamId}
      and ${owner === null ? sql`true` : sql`f.person_id = any(${subtree.slice(1)}::text[])`}`.execute(db);
  return flags.rows[0];
}

export async function buildDigest(
  db: Kysely<Database>,
  input: { teamId: string; scope: DigestScope; ownerId?: string; current: Period; previous: Period },
): Promise<Digest> {
  const slice = await sliceOf(db, input);
  const { teamId, current, previous, owner } = slice;
  const rows = await levelCounts(slice);
  // Each level is named from the titles of the people in its rounds over both periods.
  const labels = await levelLabels(db, teamId, sql<boolean>`${slice.inScope} and ${slice.both}`);
  const label = (depth: number) => labelOf(labels, depth);
  const broken = owner === null ? await brokenLinks(slice) : [];
  const c = await commitmentCounts(slice);
  const found = await answerFigures(slice);
  // Read in the same pass as the highlights: shared answers only, of the period and the one before.
  const themes = themesOfRows(found?.said ?? [], []);
  const flags = await openFlagCounts(slice);
  const ws = await db.selectFrom('workspace').select('core_value').where('team_id', '=', teamId).executeTakeFirst();
  const ownerName = owner ? await nameOf(db, teamId, owner) : null;

  const lv = [...rows]
    .sort((a, b) => a.depth - b.depth)
    .map((r) => ({
      level: r.level,
      label: label(r.depth),
      due: pair(r.due, r.due_b),
      answered: pair(r.held, r.held_b),
      missed: pair(r.missed, r.missed_b),
      skipped: pair(r.skipped, r.skipped_b),
      conversations: pair(r.talks, r.talks_b),
    }));
  const rate = (held: number, missed: number) => (held + missed > 0 ? held / (held + missed) : null);
  const sum = (f: (l: LevelHealth) => number) => lv.reduce((n, l) => n + f(l), 0);
  return {
    scope: input.scope,
    ownerName,
    period: current,
    previous,
    levels: lv,
    brokenLinks: broken.map((b) => ({ name: b.name, label: label(b.depth), due: b.due })),
    participation: {
      now: rate(
        sum((l) => l.answered.now),
        sum((l) => l.missed.now),
      ),
      before: rate(
        sum((l) => l.answered.before),
        sum((l) => l.missed.before),
      ),
    },
    commitments: { made: pair(c.made, c.made_b), kept: pair(c.kept, c.kept_b), closed: pair(c.closed, c.closed_b) },
    ratings: found?.ratings ?? [],
    highlights: found?.highlights ?? [],
    themes: strongest(themes, 5),
    themeAnswers: themes.answers,
    openFlags: pair(flags?.n, flags?.n_b),
    goals: await goalsCompared(db, teamId, current, owner),
    coreValue: ws?.core_value ?? 'Sales Excellence',
  };
}
