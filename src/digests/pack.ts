import { sql, type Kysely } from 'kysely';
import { FACTOR_WORDS } from '../accountability/flags';
import { strongest, themesAmong } from '../checkins/said';
import type { Theme } from '../checkins/themes';
import { ORG_FACTORS, type Database, type OrgFactor } from '../db/types';
import { notAllowed } from '../errors';
import { depthsOf, execPeople } from '../org/chain';
import { nameOf } from '../org/people';
import type { Scope } from '../org/policy';
import { chainBelow } from '../org/visibility';
import { addDays, monthLabel, utcDate } from '../time/calendar';
import type { ChartSeries } from './chart';
import { periodAround, periodBefore, type Period } from '../time/periods';
import { fromTheTop, type FromTheTop } from './exec';
import { teamGoalsOn } from './figures';
import { labelOf, levelLabels, ROUND_DEPTH } from '../checkins/levels';

/*
 * The monthly analytics pack: what the top of the chain and each direct report look at together before their
 * monthly conversation (CEO ↔ President by default), the same for both, over the last six months.
 */

/** A figure per month, oldest first (null: nothing to measure that month). */
type Months = readonly (number | null)[];

export interface MonthlyPack {
  readonly month: Period;
  readonly months: readonly Period[];
  readonly topName: string;
  readonly reportName: string;
  /** Goal attainment at each month's end, per level (the teams its leaders lead), and how many of its teams end the month behind pace. */
  readonly goals: readonly { readonly label: string; readonly teams: number; readonly behind: number; readonly attainment: Months }[];
  /** The teams (a leader's direct reports) furthest behind pace at the month's end, at most three. */
  readonly offPace: readonly { readonly leader: string; readonly attainment: number; readonly paceGap: number }[];
  /** Per level: check-ins answered of those closed, and 1:1s marked held, each month. */
  readonly levels: readonly { readonly label: string; readonly answered: Months; readonly held: Months }[];
  /** Rounds nobody answered, each month, and the leaders of this month's. */
  readonly broken: Months;
  readonly brokenNow: readonly string[];
  readonly commitments: { readonly made: Months; readonly kept: Months; readonly closed: Months };
  /** The same by level: commitments made to the leaders of each level of rounds. */
  readonly commitmentLevels: readonly { readonly label: string; readonly made: Months; readonly kept: Months; readonly closed: Months }[];
  /** The top's and the report's own commitments, open or closed this month, with kept or not. */
  readonly own: FromTheTop['commitments'];
  /** What keeps coming up below the report this month, against the month before. */
  readonly themes: readonly Theme[];
  /** Flags closed this month and the month before, by the factor the leader picked. */
  readonly factors: readonly { readonly factor: OrgFactor; readonly now: number; readonly before: number }[];
  /** Three questions for the conversation, drawn from what changed. */
  readonly questions: readonly string[];
}

/** How many months the pack looks back over. */
const MONTHS = 6;

const rate = (a: number, b: number) => (b > 0 ? a / b : null);
const pct = (x: number) => `${Math.round(x * 100)}%`;

/**
 * The pack for the top and one direct report, for a month (the last complete one by default). Only the two of
 * them may read it: the figures are the organisation's, and the themes come from the report's chain below.
 */
export async function monthlyPack(scope: Scope, options: { reportId?: string; month?: Period } = {}): Promise<MonthlyPack> {
  const { db, teamId } = scope;
  const pair = await execPeople(db, teamId);
  const top = pair.find((p) => p.top);
  const mine = pair.some((p) => p.id === scope.actor.id);
  if (!top || !mine) throw notAllowed('The monthly analytics pack is for the top of the chain and their direct reports.');
  // The top may name which report the pack is for (the first by default); a report reads their own.
  const reportId = scope.actor.id === top.id ? (options.reportId ?? pair.find((p) => !p.top)?.id) : scope.actor.id;
  if (options.reportId && options.reportId !== reportId)
    throw notAllowed('The pack is for the top and the direct report it is with: yours only.');
  if (!reportId || !pair.some((p) => p.id === reportId && !p.top))
    throw notAllowed('The pack is for the top and one of their direct reports: name one.');
  const month = options.month ?? periodAround('month', addDays(periodAround('month', utcDate(scope.now)).start, -1));
  const months: Period[] = [month];
  while (months.length < MONTHS) months.unshift(periodBefore(months[0]!));

  const labels = await levelLabels(db, teamId, sql<boolean>`r.occurrence between ${months[0]!.start}::date and ${month.end}::date`);
  const depths = await depthsOf(db, teamId);
  const figures = await monthFigures(db, teamId, months, labels);
  const goals = await goalsByMonth(db, teamId, months, labels, depths);
  const commitments = await commitmentsByMonth(db, teamId, months, labels, depths);

  const below = [...(await chainBelow(db, teamId, reportId))];
  const themes = strongest(
    await themesAmong(db, { teamId, people: below, from: addDays(month.start, -1), to: month.end, sharedOnly: false }),
    4,
  );
  const factors = await factorCounts(db, teamId, below, month);
  const own = (await fromTheTop(db, teamId, month.start, scope.now))?.commitments ?? [];
  const pack: Omit<MonthlyPack, 'questions'> = {
    month,
    months,
    topName: await nameOf(db, teamId, top.id),
    reportName: await nameOf(db, teamId, reportId),
    ...goals,
    ...figures,
    ...commitments,
    own,
    themes,
    factors,
  };
  return { ...pack, questions: questionsFrom(pack) };
}

/** Flags about people of the chain closed in the month and the month before, by factor (flags closed before factors were asked count under none of them). */
async function factorCounts(
  db: Kysely<Database>,
  teamId: string,
  people: readonly string[],
  month: Period,
): Promise<MonthlyPack['factors']> {
  const before = periodBefore(month);
  const rows = await sql<{ factor: OrgFactor; now: number; before: number }>`
    select f.org_factor as factor,
           count(*) filter (where f.closed_at >= ${`${month.start}T00:00:00Z`}::timestamptz)::int as now,
           count(*) filter (where f.closed_at < ${`${month.start}T00:00:00Z`}::timestamptz)::int as before
    from flag f
    where f.team_id = ${teamId} and f.status = 'closed' and f.org_factor is not null and f.person_id = any(${people}::text[])
      and f.closed_at >= ${`${before.start}T00:00:00Z`}::timestamptz and f.closed_at < ${`${addDays(month.end, 1)}T00:00:00Z`}::timestamptz
    group by 1`.execute(db);
  return ORG_FACTORS.flatMap((factor) => {
    const r = rows.rows.find((x) => x.factor === factor);
    return r && (r.now > 0 || r.before > 0) ? [{ factor, now: r.now, before: r.before }] : [];
  }).sort((a, b) => b.now - a.now || b.before - a.before);
}

/**
 * Three questions from what changed, the largest change first: the team furthest behind pace, the level whose
 * check-ins were answered least against the month before, the obstacle that grew, the factor named most, and
 * commitments kept when fewer were. Written from the figures, never fixed text; fewer when less changed.
 */
function questionsFrom(p: Omit<MonthlyPack, 'questions'>): string[] {
  const out: { weight: number; text: string }[] = [];
  const monthName = (m: Period) => monthLabel(m.start, 'name');
  const behind = p.offPace[0];
  if (behind)
    out.push({
      weight: -behind.paceGap,
      text: `${behind.leader}'s team ended ${monthName(p.month)} ${-behind.paceGap} pt${behind.paceGap === -1 ? '' : 's'} behind pace (${pct(behind.attainment)} of goal): is it the team, or the territory, tooling or plan around it?`,
    });
  for (const l of p.levels) {
    const [b, n] = l.answered.slice(-2);
    if (b != null && n != null && b - n >= 0.1)
      out.push({
        weight: Math.round((b - n) * 100),
        text: `${l.label}: ${pct(n)} of check-ins answered, from ${pct(b)} the month before. What changed for that level?`,
      });
  }
  const grew = p.themes.find((t) => t.kind === 'obstacle' && (t.trend === 'new' || t.trend === 'growing'));
  if (grew)
    out.push({
      weight: 10 * (grew.count - grew.before),
      text: `“${grew.phrase}” came up from ${grew.count} people (${grew.before} the month before): who owns removing it?`,
    });
  const factor = p.factors.find((f) => f.factor !== 'none' && f.factor !== 'person' && f.now > 0);
  if (factor)
    out.push({
      weight: 10 * factor.now,
      text: `${factor.now} flag${factor.now === 1 ? ' was' : 's were'} closed as ${FACTOR_WORDS[factor.factor]} this month: what should change there, and who decides?`,
    });
  // Smaller changes, so that the conversation has three: what people asked for more, what worked for more of them,
  // and the two people's own commitments not kept.
  const asked = p.themes.find((t) => t.kind === 'help' && (t.trend === 'new' || t.trend === 'growing'));
  if (asked)
    out.push({
      weight: 5 * (asked.count - asked.before),
      text: `${asked.count} people asked for “${asked.phrase}” (${asked.before} the month before): what can we give them?`,
    });
  const worked = p.themes.find((t) => t.kind === 'worked' && (t.trend === 'new' || t.trend === 'growing'));
  if (worked)
    out.push({
      weight: 4 * (worked.count - worked.before),
      text: `“${worked.phrase}” worked for ${worked.count} people: how does it reach every team?`,
    });
  const notKept = p.own.filter((c) => c.status === 'missed' || c.overdue);
  if (notKept.length > 0)
    out.push({
      weight: 5,
      text: `${notKept.length === 1 ? `“${notKept[0]!.text}” was` : `${notKept.length} of your own commitments were`} not kept: what got in the way?`,
    });
  const [kb, kn] = p.commitments.kept.slice(-2);
  const [cb, cn] = p.commitments.closed.slice(-2);
  const before = kb != null && cb ? kb / cb : null;
  const now = kn != null && cn ? kn / cn : null;
  if (before !== null && now !== null && before - now >= 0.1)
    out.push({
      weight: Math.round((before - now) * 100),
      text: `Commitments kept fell to ${pct(now)} from ${pct(before)}: are people committing to the right things, and getting help to keep them?`,
    });
  return out
    .sort((a, b) => b.weight - a.weight)
    .slice(0, 3)
    .map((q) => q.text);
}

/**
 * The cascade's health every month of the pack, in one pass over their rounds (never a digest built month by
 * month): per level, check-ins answered of those closed and 1:1s marked held; the leaders whose rounds nobody answered.
 */
async function monthFigures(
  db: Kysely<Database>,
  teamId: string,
  months: readonly Period[],
  labels: ReadonlyMap<number, string>,
): Promise<Pick<MonthlyPack, 'levels' | 'broken' | 'brokenNow'>> {
  const first = months[0]!.start;
  const last = months[months.length - 1]!;
  const window = sql<boolean>`r.occurrence between ${first}::date and ${last.end}::date`;
  const rows = await sql<{ depth: number; start: string; answered: number; missed: number; held: number; broken: string[] }>`
    with rr as materialized (
      select r.id, r.leader_id, ${ROUND_DEPTH} as depth, date_trunc('month', r.occurrence)::date as start
      from round r join cadence k on k.id = r.cadence_id
      where r.team_id = ${teamId} and ${window}
    ),
    per as (
      select r.leader_id, r.depth, r.start,
             count(*) filter (where c.status = 'answered')::int as answered,
             count(*) filter (where c.status = 'missed')::int as missed,
             count(*) filter (where c.held_at is not null)::int as held
      from rr r join checkin c on c.round_id = r.id and c.part = 'member'
      group by 1, 2, 3
    )
    select per.depth, per.start::text as start, sum(answered)::int as answered, sum(missed)::int as missed, sum(held)::int as held,
           coalesce(array_agg(coalesce(p.name, per.leader_id) order by p.name) filter (where answered = 0 and missed > 0), '{}') as broken
    from per left join person p on p.team_id = ${teamId} and p.slack_user_id = per.leader_id
    group by 1, 2`.execute(db);
  const at = (depth: number, m: Period) => rows.rows.find((r) => r.depth === depth && r.start === m.start);
  const depths = [...new Set(rows.rows.map((r) => r.depth))].sort((a, b) => a - b);
  const levels = depths.map((depth) => ({
    label: labelOf(labels, depth),
    answered: months.map((m) => {
      const r = at(depth, m);
      return r ? rate(r.answered, r.answered + r.missed) : null;
    }),
    held: months.map((m) => at(depth, m)?.held ?? null),
  }));
  const brokenIn = (m: Period) =>
    rows.rows
      .filter((r) => r.start === m.start)
      .sort((a, b) => a.depth - b.depth)
      .flatMap((r) => r.broken);

  return {
    levels,
    broken: months.map((m) => (rows.rows.some((r) => r.start === m.start) ? brokenIn(m).length : null)),
    brokenNow: brokenIn(last),
  };
}

/**
 * Commitments made, kept ("partly" counts half) and closed each month, in one pass: in all, and by the level of
 * the leader each was made to (a commitment to the organisation, the top's, counts in all only).
 */
async function commitmentsByMonth(
  db: Kysely<Database>,
  teamId: string,
  months: readonly Period[],
  labels: ReadonlyMap<number, string>,
  depths: ReadonlyMap<string, number>,
): Promise<Pick<MonthlyPack, 'commitments' | 'commitmentLevels'>> {
  const rows = await sql<{ start: string; leader_id: string | null; made: number; kept: number; closed: number }>`
    with m as (
      select leader_id, date_trunc('month', created_at)::date as made_in,
             case when status in ('done', 'partly', 'missed') then date_trunc('month', closed_at)::date end as closed_in,
             status
      from commitment
      where team_id = ${teamId}
        and (created_at >= ${months[0]!.start}::date or closed_at >= ${months[0]!.start}::date)
    )
    select s.start::text as start, m.leader_id,
           count(*) filter (where m.made_in = s.start)::int as made,
           (count(*) filter (where m.closed_in = s.start and m.status = 'done')
             + 0.5 * count(*) filter (where m.closed_in = s.start and m.status = 'partly'))::float8 as kept,
           count(*) filter (where m.closed_in = s.start)::int as closed
    from unnest(${months.map((x) => x.start)}::date[]) as s(start)
    join m on m.made_in = s.start or m.closed_in = s.start
    group by s.start, m.leader_id`.execute(db);
  const sum = (pick: (r: (typeof rows.rows)[number]) => boolean, field: 'made' | 'kept' | 'closed') =>
    months.map((m) => rows.rows.filter((r) => r.start === m.start && pick(r)).reduce((n, r) => n + r[field], 0));
  const depthOf = (r: (typeof rows.rows)[number]) => (r.leader_id === null ? undefined : depths.get(r.leader_id));
  const levels = [...new Set(rows.rows.flatMap((r) => (depthOf(r) === undefined ? [] : [depthOf(r)!])))].sort((a, b) => a - b);
  const of = (pick: (r: (typeof rows.rows)[number]) => boolean) => ({
    made: sum(pick, 'made'),
    kept: sum(pick, 'kept'),
    closed: sum(pick, 'closed'),
  });
  return {
    commitments: of(() => true),
    commitmentLevels: levels.map((depth) => ({ label: labelOf(labels, depth), ...of((r) => depthOf(r) === depth) })),
  };
}

/**
 * Goal attainment at each month's end per level (every team led at that level, weighted by their goals), in one
 * query over the six month ends; and the three teams furthest behind pace at the last one.
 */
async function goalsByMonth(
  db: Kysely<Database>,
  teamId: string,
  months: readonly Period[],
  labels: ReadonlyMap<number, string>,
  depths: ReadonlyMap<string, number>,
): Promise<Pick<MonthlyPack, 'goals' | 'offPace'>> {
  const byDay = await teamGoalsOn(
    db,
    teamId,
    months.map((m) => m.end),
    null,
  );
  const each = months.map((m) => byDay.get(m.end) ?? []);
  const last = each[each.length - 1]!;
  const levelOf = (leaderId: string) => depths.get(leaderId);
  const levels = [...new Set(each.flat().flatMap((t) => (levelOf(t.leaderId) === undefined ? [] : [levelOf(t.leaderId)!])))].sort(
    (a, b) => a - b,
  );
  const goals = levels.map((depth) => {
    const at = (teams: readonly { leaderId: string; goals: number; attainment: number }[]) => {
      const mine = teams.filter((t) => levelOf(t.leaderId) === depth);
      const n = mine.reduce((x, t) => x + t.goals, 0);
      return n > 0 ? mine.reduce((x, t) => x + t.attainment * t.goals, 0) / n : null;
    };
    const now = last.filter((t) => levelOf(t.leaderId) === depth);
    return { label: labelOf(labels, depth), teams: now.length, behind: now.filter((t) => t.paceGap < 0).length, attainment: each.map(at) };
  });
  // Already furthest behind first.
  const offPace = last
    .filter((t) => t.paceGap < 0)
    .slice(0, 3)
    .map((t) => ({ leader: t.leader, attainment: t.attainment, paceGap: t.paceGap }));
  return { goals, offPace };
}

/** The pack's picture, month by month per level: goal attainment at each month's end (above) and check-ins answered (below). */
export function packChart(p: MonthlyPack): ChartSeries {
  const none = p.months.map(() => null);
  const labels = [...new Set([...p.goals.map((g) => g.label), ...p.levels.map((l) => l.label)])];
  return {
    labels: p.months.map((m) => monthLabel(m.start, 'axis')),
    levels: labels.map((label) => ({
      label,
      participation: p.goals.find((g) => g.label === label)?.attainment ?? none,
      kept: p.levels.find((l) => l.label === label)?.answered ?? none,
    })),
  };
}
