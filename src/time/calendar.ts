/**
 * Calendar dates, zones and working days: pure, importing nothing of the domain. Calendar dates are
 * 'YYYY-MM-DD' strings (a conversation falls on a day; each person's zone gives the hour).
 */
export type CalendarDate = string;

const DAY = 86_400_000;

const toMs = (date: CalendarDate) => Date.parse(`${date}T00:00:00Z`);
const fromMs = (ms: number): CalendarDate => new Date(ms).toISOString().slice(0, 10);

export const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;

export function addDays(date: CalendarDate, days: number): CalendarDate {
  return fromMs(toMs(date) + days * DAY);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: CalendarDate, to: CalendarDate): number {
  return Math.round((toMs(to) - toMs(from)) / DAY);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekdayOf(date: CalendarDate): number {
  return new Date(toMs(date)).getUTCDay();
}

export function isWorkingDay(date: CalendarDate): boolean {
  const d = weekdayOf(date);
  return d !== 0 && d !== 6;
}

/** True for a real calendar date written YYYY-MM-DD (not 2026-02-30), between 2000 and 2100. */
export function isCalendarDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const year = Number(text.slice(0, 4));
  if (year < 2000 || year > 2100) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

/** The UTC calendar date of an instant. */
export function utcDate(instant: Date): CalendarDate {
  return instant.toISOString().slice(0, 10);
}

/** The local calendar day at `now` in a zone. */
export function localDate(now: Date, tz: string): CalendarDate {
  return new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now).slice(0, 10);
}

/** The wall-clock time (HH:MM) at `now` in a zone. */
export function localTime(now: Date, tz: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: tz, hour: '2-digit', minute: '2-digit', hour12: false }).format(now);
}

/** One formatter per zone and style: making one costs far more than using it, and a pass asks for thousands (IANA has a few hundred zones). */
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string, style: 'wall' | 'when'): Intl.DateTimeFormat {
  const key = `${style} ${tz}`;
  let f = formatters.get(key);
  if (!f) {
    f =
      style === 'wall'
        ? new Intl.DateTimeFormat('sv-SE', {
            timeZone: tz,
            year: 'numeric',
            month: '2-digit',
            day: '2-digit',
            hour: '2-digit',
            minute: '2-digit',
            hour12: false,
          })
        : new Intl.DateTimeFormat('en-GB', {
            weekday: 'short',
            day: 'numeric',
            month: 'short',
            hour: '2-digit',
            minute: '2-digit',
            hour12: false,
            timeZone: tz,
          });
    formatters.set(key, f);
  }
  return f;
}

/** What a wall clock in a zone shows at an instant: the calendar day, HH:MM and the weekday (0 = Sunday). */
export function wallClock(at: Date, tz: string): { date: CalendarDate; time: string; weekday: number } {
  const [date, time] = formatter(tz, 'wall').format(at).split(' ') as [string, string];
  return { date, time, weekday: new Date(`${date}T00:00:00Z`).getUTCDay() };
}

/** "Wed 25 Nov, 10:00" in the reader's own zone. */
export const localWhen = (instant: Date, tz: string): string => formatter(tz, 'when').format(instant);

/** The instant of a wall-clock time (HH:MM) on a calendar day in a zone, daylight saving included. */
export function instantOf(date: CalendarDate, time: string, tz: string): Date {
  const wanted = Date.parse(`${date}T${time}:00Z`);
  let guess = wanted;
  for (let i = 0; i < 2; i++) {
    const shown = wallClock(new Date(guess), tz);
    guess -= Date.parse(`${shown.date}T${shown.time}:00Z`) - wanted;
  }
  return new Date(guess);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A calendar day as people say it in passing: `14 Dec`. */
export function dayMonth(date: CalendarDate): string {
  return `${Number(date.slice(8, 10))} ${MONTHS[Number(date.slice(5, 7)) - 1]}`;
}

const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** The month a calendar day falls in, as people write it: `November` (`name`), `November 2026` (`long`), `Nov` (`short`), `Nov 26` (`axis`). */
export function monthLabel(date: CalendarDate, style: 'name' | 'long' | 'short' | 'axis'): string {
  const m = Number(date.slice(5, 7)) - 1;
  if (style === 'name') return MONTH_NAMES[m]!;
  if (style === 'long') return `${MONTH_NAMES[m]} ${date.slice(0, 4)}`;
  return style === 'short' ? MONTHS[m]! : `${MONTHS[m]} ${date.slice(2, 4)}`;
}
