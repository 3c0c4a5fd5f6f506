import { addDays, instantOf, wallClock, type CalendarDate } from './calendar';

/**
 * Working hours: when a person may be written to. Days are 0 = Sunday … 6 = Saturday; times are HH:MM on a
 * 24-hour clock in the person's own zone. Pure.
 */
export interface WorkingHours {
  readonly days: readonly number[];
  readonly start: string;
  readonly end: string;
}

export const DEFAULT_HOURS: WorkingHours = { days: [1, 2, 3, 4, 5], start: '08:00', end: '18:00' };

/** Whether a day is one a person works: one of their days, and not a holiday of the workspace. */
function isWorkday(date: CalendarDate, hours: WorkingHours, holidays: ReadonlySet<CalendarDate>): boolean {
  return hours.days.includes(new Date(`${date}T00:00:00Z`).getUTCDay()) && !holidays.has(date);
}

/**
 * When a message due at `at` may go to someone: `at` itself when it falls within their working hours, else the
 * start of their next working hour (the next working day's start when the day is over, a weekend or a holiday).
 */
export function nextWorkingInstant(at: Date, tz: string, hours: WorkingHours, holidays: ReadonlySet<CalendarDate>): Date {
  const local = wallClock(at, tz);
  if (isWorkday(local.date, hours, holidays)) {
    if (local.time >= hours.start && local.time < hours.end) return at;
    if (local.time < hours.start) return instantOf(local.date, hours.start, tz);
  }
  let day = addDays(local.date, 1);
  // A person works at least one day a week; a workspace has fewer than a year of holidays in a row.
  for (let i = 0; i < 400 && !isWorkday(day, hours, holidays); i++) day = addDays(day, 1);
  return instantOf(day, hours.start, tz);
}

/** `days` working days after `date` (its own days and holidays counted out): an answer window's close. */
export function addWorkdays(
  date: CalendarDate,
  days: number,
  hours: Pick<WorkingHours, 'days'>,
  holidays: ReadonlySet<CalendarDate>,
): CalendarDate {
  let current = date;
  let left = days;
  for (let guard = 0; left > 0 && guard < 800; guard++) {
    current = addDays(current, 1);
    if (hours.days.includes(new Date(`${current}T00:00:00Z`).getUTCDay()) && !holidays.has(current)) left -= 1;
  }
  return current;
}

/** `09:00-17:30` read as a start and an end, or why not. */
export function readHours(text: string): { start: string; end: string } | { problem: string } {
  const m = /^([01]?\d|2[0-3]):([0-5]\d)\s*[-–]\s*([01]?\d|2[0-3]|24):([0-5]\d)$/.exec(text.trim());
  if (!m) return { problem: `"${text}" is not a span of hours: write it like 08:00-18:00.` };
  const start = `${m[1]!.padStart(2, '0')}:${m[2]}`;
  const end = `${m[3]!.padStart(2, '0')}:${m[4]}`;
  if (end <= start) return { problem: 'The end of the working day comes after its start, like 08:00-18:00.' };
  return { start, end: end === '24:00' ? '23:59' : end };
}

const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

/** `mon-fri`, `sun-thu`, `mon,tue,thu` read as weekday numbers, or why not. */
export function readDays(text: string): number[] | { problem: string } {
  const out = new Set<number>();
  for (const part of text.toLowerCase().split(',')) {
    const range = /^([a-z]{3})[a-z]*(?:\s*[-–]\s*([a-z]{3})[a-z]*)?$/.exec(part.trim());
    const from = range ? DAY_NAMES.indexOf(range[1] as (typeof DAY_NAMES)[number]) : -1;
    const to = range?.[2] ? DAY_NAMES.indexOf(range[2] as (typeof DAY_NAMES)[number]) : from;
    if (from < 0 || to < 0) return { problem: `"${text}" is not a list of days: write it like mon-fri, or sun-thu, or mon,tue,thu.` };
    for (let d = from; ; d = (d + 1) % 7) {
      out.add(d);
      if (d === to) break;
    }
  }
  return [...out].sort((a, b) => a - b);
}

/** `Mon–Fri 08:00–18:00`, as people read hours. */
export function hoursLabel(h: WorkingHours): string {
  const names = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const days = [...h.days].sort((a, b) => a - b);
  const contiguous = days.length > 1 && days.every((d, i) => i === 0 || d === days[i - 1]! + 1);
  const dayText = contiguous ? `${names[days[0]!]}–${names[days[days.length - 1]!]}` : days.map((d) => names[d]).join(', ');
  return `${dayText} ${h.start}–${h.end}`;
}
