import { sql, type RawBuilder } from 'kysely';
import { addDays, daysBetween, isWorkingDay, type CalendarDate } from './calendar';

export type PeriodKind = 'week' | 'month' | 'quarter';

/** A span of calendar days, both ends included. */
export interface Period {
  readonly start: CalendarDate;
  readonly end: CalendarDate;
}

/** A period's first and last day (inclusive) around a calendar date: weeks run Monday to Sunday. Pure. */
export function periodAround(period: PeriodKind, date: CalendarDate): Period {
  const [y, m] = [Number(date.slice(0, 4)), Number(date.slice(5, 7))];
  if (period === 'week') {
    const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
    const start = addDays(date, -((weekday + 6) % 7));
    return { start, end: addDays(start, 6) };
  }
  const firstMonth = period === 'month' ? m : Math.floor((m - 1) / 3) * 3 + 1;
  const months = period === 'month' ? 1 : 3;
  const start = `${y}-${String(firstMonth).padStart(2, '0')}-01`;
  const next = new Date(Date.UTC(y, firstMonth - 1 + months, 1)).toISOString().slice(0, 10);
  return { start, end: addDays(next, -1) };
}

/** The last complete week (Monday–Sunday) or month before `today`, and the one before it. */
export function digestPeriods(frequency: 'weekly' | 'monthly', today: CalendarDate): { current: Period; previous: Period } {
  const kind = frequency === 'weekly' ? 'week' : 'month';
  const current = periodAround(kind, addDays(periodAround(kind, today).start, -1));
  const previous = periodAround(kind, addDays(current.start, -1));
  return { current, previous };
}

/** The period of the same kind just before: the week before a week, the month before a month. Pure. */
export function periodBefore(p: Period): Period {
  return periodAround(daysBetween(p.start, p.end) + 1 === 7 ? 'week' : 'month', addDays(p.start, -1));
}

/** How many working days of a period must have passed before its pace says anything. */
const EARLY_WORKING_DAYS: Record<PeriodKind, number> = { week: 2, month: 3, quarter: 5 };

/**
 * The last day of a period's early stretch: the day its `EARLY_WORKING_DAYS`-th working day falls on. Until
 * that day has passed, pace is "too early to tell"; a goal set after it is not judged on that period. Pure.
 */
export function earlyStretchEnd(period: PeriodKind, bounds: Period): CalendarDate {
  let day = bounds.start;
  let seen = 0;
  for (;;) {
    if (isWorkingDay(day)) seen += 1;
    if (seen >= EARLY_WORKING_DAYS[period] || day >= bounds.end) return day;
    day = addDays(day, 1);
  }
}

/**
 * Pace: where a value should be by `asOf`, linearly, as a share of the target: the days elapsed (today
 * included) over the days of the period. Pure; `expectedPaceSql` is the same rule for set-based queries.
 */
export function expectedPace(period: Period, asOf: CalendarDate): number {
  const total = daysBetween(period.start, period.end) + 1;
  return Math.min(daysBetween(period.start, asOf) + 1, total) / total;
}

/** `expectedPace` in SQL, for a period starting at `start` and lasting `span` (an interval), as of `asOf`. */
export function expectedPaceSql(
  start: RawBuilder<unknown>,
  span: RawBuilder<unknown>,
  asOf: CalendarDate | RawBuilder<unknown>,
): RawBuilder<number> {
  return sql<number>`(least(${asOf}::date - ${start} + 1, (${start} + ${span})::date - ${start})::float8 / ((${start} + ${span})::date - ${start}))`;
}
