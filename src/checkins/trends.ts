import { sql } from 'kysely';
import { assertMaySee, type Scope } from '../org/policy';
import { addDays, dayMonth, localDate, type CalendarDate } from '../time/calendar';
import { expectedPaceSql, periodAround } from '../time/periods';
import { directReports } from '../org/people';

/*
 * Trends: where a person or a team is going over the last twelve weeks, week by week (confidence, check-ins
 * answered, commitments kept, goals against pace), as a text sparkline and in words.
 */

/** One measure over the weeks, oldest first; null where the week had nothing to measure. */
export interface Series {
  readonly measure: 'confidence' | 'answered' | 'kept' | 'pace';
  readonly weeks: readonly CalendarDate[];
  readonly values: readonly (number | null)[];
}

const BARS = '▁▂▃▄▅▆▇█';

/** Bars from `low` to `high` (the measure's own scale, so that two people's lines compare), a dot for a week without. */
export function sparkline(values: readonly (number | null)[], low: number, high: number): string {
  return values
    .map((v) => {
      if (v === null) return '·';
      const i = Math.round(((Math.min(high, Math.max(low, v)) - low) / (high - low || 1)) * (BARS.length - 1));
      return BARS[i]!;
    })
    .join('');
}

const SHOWN: Record<Series['measure'], { label: string; show: (v: number) => string }> = {
  confidence: { label: 'confidence', show: (v) => v.toFixed(1) },
  answered: { label: 'check-ins answered', show: (v) => `${Math.round(v * 100)}%` },
  kept: { label: 'commitments kept', show: (v) => `${Math.round(v * 100)}%` },
  pace: { label: 'goals', show: (v) => `${Math.round(v * 100)}% of pace` },
};

/** What a measure is called where it is named: "confidence", "check-ins answered", … */
export const measureLabel = (measure: Series['measure']): string => SHOWN[measure].label;

/**
 * Where a series is going, in words: "confidence 4.1 → 3.2 over 6 weeks, lowest since 14 Sep". From its first
 * measured week to its last; "lowest"/"highest" when the last is below (above) every week since the one named,
 * or in all the weeks shown. Null with fewer than two measured weeks.
 */
export function trendWords(s: Series): string | null {
  const points = s.values.flatMap((v, i) => (v === null ? [] : [{ v, i }]));
  if (points.length < 2) return null;
  const first = points[0]!;
  const last = points[points.length - 1]!;
  const { label, show } = SHOWN[s.measure];
  const weeks = last.i - first.i;
  const base = `${label} ${show(first.v)} → ${show(last.v)} over ${weeks} week${weeks === 1 ? '' : 's'}`;
  if (first.v === last.v) return base;
  // Going down: the last is the lowest since the latest week as low (or of all the weeks shown); up, the highest.
  const down = last.v < first.v;
  // The weeks before the last run at its level: was it ever as far before, and when last?
  let end = points.length - 1;
  while (end > 0 && points[end - 1]!.v === last.v) end -= 1;
  const earlier = points.slice(0, end);
  const asFar = [...earlier].reverse().find((p) => (down ? p.v <= last.v : p.v >= last.v));
  const word = down ? 'lowest' : 'highest';
  const note = !asFar
    ? `${word} in ${s.weeks.length} weeks`
    : earlier.filter((p) => p.i > asFar.i).length >= 2
      ? `${word} since ${dayMonth(s.weeks[asFar.i]!)}`
      : null;
  return note ? `${base}, ${note}` : base;
}

/**
 * A person's last `weeks` weeks (theirs, or someone's below the reader): average confidence of their answers,
 * check-ins answered of those that closed, commitments kept of those closed ("partly" counts half), and their
 * goals against pace at each week's end.
 */
export async function personTrends(scope: Scope, subjectId: string, weeks = 12): Promise<Series[]> {
  await assertMaySee(scope, subjectId, 'check-ins');
  return trendsOf(scope, [subjectId], weeks);
}

/**
 * The reader's team (their direct reports) over the last `weeks` weeks, the same measures taken over all of
 * them together: what a leader's own numbers say about the team, beside each person's.
 */
export async function teamTrends(scope: Scope, weeks = 12): Promise<Series[]> {
  const reports = await directReports(scope.db, scope.teamId, scope.actor.id);
  return reports.length === 0
    ? []
    : trendsOf(
        scope,
        reports.map((r) => r.slack_user_id),
        weeks,
      );
}

async function trendsOf(scope: Scope, people: readonly string[], weeks: number): Promise<Series[]> {
  const today = localDate(scope.now, 'UTC');
  const last = periodAround('week', today).start;
  const starts = Array.from({ length: weeks }, (_, i) => addDays(last, -7 * (weeks - 1 - i)));
  const from = starts[0]!;
  const rows = await sql<{
    week: string;
    confidence: number | null;
    answered: number;
    closed: number;
    kept: number | null;
    pace: number | null;
  }>`
    with w as (select d::date as week from unnest(${starts}::date[]) d),
    c as (
      select date_trunc('week', r.occurrence)::date as week, c.id, c.status
      from checkin c join round r on r.id = c.round_id
      where c.team_id = ${scope.teamId} and c.person_id = any(${people}::text[]) and r.occurrence >= ${from}::date
    ),
    conf as (
      select c.week, avg(a.value_number)::float8 as confidence
      from c join answer a on a.checkin_id = c.id
      where a.kind = 'rating_1_5' and a.intent = 'goals' and a.value_number is not null
      group by c.week
    ),
    st as (
      select week, count(*) filter (where status = 'answered')::int as answered,
             count(*) filter (where status in ('answered', 'missed'))::int as closed
      from c group by week
    ),
    m as (
      select date_trunc('week', m.closed_at at time zone 'UTC')::date as week,
             (count(*) filter (where m.status = 'done') + 0.5 * count(*) filter (where m.status = 'partly'))::float8 / count(*) as kept
      from commitment m
      where m.team_id = ${scope.teamId} and m.owner_id = any(${people}::text[]) and m.status in ('done', 'partly', 'missed')
        and m.closed_at >= ${`${from}T00:00:00Z`}::timestamptz
      group by 1
    ),
    -- Each goal at each week's end (Sunday), or today for the week still running: its period to date against
    -- where it should be by then (a week's Sunday in the future would read a period that has not begun).
    g as (
      select w.week, least(w.week + 6, ${today}::date) as as_of, g.owner_id, g.name, g.target::float8 as target,
             case g.period when 'week' then interval '1 week' when 'month' then interval '1 month' else interval '3 months' end as span,
             case g.period when 'week' then date_trunc('week', least(w.week + 6, ${today}::date))::date
                           when 'month' then date_trunc('month', least(w.week + 6, ${today}::date))::date
                           else date_trunc('quarter', least(w.week + 6, ${today}::date))::date end as start
      from w join goal g on g.team_id = ${scope.teamId} and g.owner_id = any(${people}::text[]) and g.active and g.scope = 'person'
      where g.created_at::date <= least(w.week + 6, ${today}::date)
    ),
    pace as (
      select g.week, avg((coalesce(v.value, 0) / g.target) / ${expectedPaceSql(sql`g.start`, sql`g.span`, sql`g.as_of`)})::float8 as pace
      from g left join lateral (
        select pr.value::float8 as value from progress pr
        where pr.team_id = ${scope.teamId} and pr.person_id = g.owner_id and lower(pr.goal_name) = lower(g.name)
          and pr.recorded_on between g.start and g.as_of
        order by pr.recorded_on desc, pr.id desc limit 1
      ) v on true
      group by g.week
    )
    select w.week::text as week, conf.confidence, coalesce(st.answered, 0) as answered, coalesce(st.closed, 0) as closed, m.kept, pace.pace
    from w left join conf on conf.week = w.week left join st on st.week = w.week left join m on m.week = w.week
      left join pace on pace.week = w.week
    order by w.week`.execute(scope.db);
  const at = (f: (r: (typeof rows.rows)[number]) => number | null) => rows.rows.map(f);
  return [
    { measure: 'confidence', weeks: starts, values: at((r) => r.confidence) },
    { measure: 'answered', weeks: starts, values: at((r) => (r.closed > 0 ? r.answered / r.closed : null)) },
    { measure: 'kept', weeks: starts, values: at((r) => r.kept) },
    { measure: 'pace', weeks: starts, values: at((r) => r.pace) },
  ];
}

/** The scale each measure is drawn on. */
export const SCALES: Readonly<Record<Series['measure'], readonly [number, number]>> = {
  confidence: [1, 5],
  answered: [0, 1],
  kept: [0, 1],
  pace: [0, 1.5],
};
