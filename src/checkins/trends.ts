import { sql } from 'kysely';
import { assertMaySee, type Scope } from '../org/policy';
import { addDays, dayMonth, localDate, type CalendarDate } from '../time/calendar';
import { periodAround } from '../time/periods';

/*
 * Trends: where a person is going over the last twelve weeks, week by week (confidence, check-ins answered,
 * commitments kept), as a text sparkline and in words.
 */

/** One measure over the weeks, oldest first; null where the week had nothing to measure. */
export interface Series {
  readonly measure: 'confidence' | 'answered' | 'kept';
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
};

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
 * check-ins answered of those that closed, and commitments kept of those closed ("partly" counts half).
 */
export async function personTrends(scope: Scope, subjectId: string, weeks = 12): Promise<Series[]> {
  await assertMaySee(scope, subjectId, 'check-ins');
  const last = periodAround('week', localDate(scope.now, 'UTC')).start;
  const starts = Array.from({ length: weeks }, (_, i) => addDays(last, -7 * (weeks - 1 - i)));
  const from = starts[0]!;
  const rows = await sql<{ week: string; confidence: number | null; answered: number; closed: number; kept: number | null }>`
    with w as (select d::date as week from unnest(${starts}::date[]) d),
    c as (
      select date_trunc('week', r.occurrence)::date as week, c.id, c.status
      from checkin c join round r on r.id = c.round_id
      where c.team_id = ${scope.teamId} and c.person_id = ${subjectId} and r.occurrence >= ${from}::date
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
      where m.team_id = ${scope.teamId} and m.owner_id = ${subjectId} and m.status in ('done', 'partly', 'missed')
        and m.closed_at >= ${`${from}T00:00:00Z`}::timestamptz
      group by 1
    )
    select w.week::text as week, conf.confidence, coalesce(st.answered, 0) as answered, coalesce(st.closed, 0) as closed, m.kept
    from w left join conf on conf.week = w.week left join st on st.week = w.week left join m on m.week = w.week
    order by w.week`.execute(scope.db);
  const at = (f: (r: (typeof rows.rows)[number]) => number | null) => rows.rows.map(f);
  return [
    { measure: 'confidence', weeks: starts, values: at((r) => r.confidence) },
    { measure: 'answered', weeks: starts, values: at((r) => (r.closed > 0 ? r.answered / r.closed : null)) },
    { measure: 'kept', weeks: starts, values: at((r) => r.kept) },
  ];
}

/** The scale each measure is drawn on. */
export const SCALES: Readonly<Record<Series['measure'], readonly [number, number]>> = {
  confidence: [1, 5],
  answered: [0, 1],
  kept: [0, 1],
};
