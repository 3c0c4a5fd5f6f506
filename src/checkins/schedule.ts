import type { Frequency, Level, Role } from '../db/types';
import { parseCadenceCron } from './cron';

/** Calendar dates are 'YYYY-MM-DD' strings: a conversation falls on a day, and each member's zone gives the hour. */
export type CalendarDate = string;

export interface Schedule {
  readonly frequency: Frequency;
  /** 0 = Sunday … 6 = Saturday. */
  readonly weekday: number;
  readonly nth: number | null;
  readonly anchorDate: CalendarDate;
  /** Frequency `cron` only. */
  readonly cron?: string | null;
}

const DAY = 86_400_000;

const toMs = (date: CalendarDate) => Date.parse(`${date}T00:00:00Z`);
const fromMs = (ms: number): CalendarDate => new Date(ms).toISOString().slice(0, 10);

export function addDays(date: CalendarDate, days: number): CalendarDate {
  return fromMs(toMs(date) + days * DAY);
}

export function weekdayOf(date: CalendarDate): number {
  return new Date(toMs(date)).getUTCDay();
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

/** `days` working days (Monday–Friday) after `date`. */
export function addWorkingDays(date: CalendarDate, days: number): CalendarDate {
  let current = date;
  let left = days;
  while (left > 0) {
    current = addDays(current, 1);
    const wd = weekdayOf(current);
    if (wd !== 0 && wd !== 6) left -= 1;
  }
  return current;
}

function matches(schedule: Schedule, date: CalendarDate): boolean {
  if (schedule.frequency === 'cron') {
    const cron = parseCadenceCron(schedule.cron ?? '');
    return 'matches' in cron && cron.matches(date);
  }
  if (weekdayOf(date) !== schedule.weekday) return false;
  switch (schedule.frequency) {
    case 'weekly':
      return true;
    case 'biweekly': {
      const weeks = Math.round((toMs(date) - toMs(schedule.anchorDate)) / (7 * DAY));
      return ((weeks % 2) + 2) % 2 === 0;
    }
    case 'monthly': {
      const day = Number(date.slice(8, 10));
      const nth = schedule.nth ?? 1;
      if (nth === -1) return addDays(date, 7).slice(0, 7) !== date.slice(0, 7);
      return Math.ceil(day / 7) === nth;
    }
  }
}

/** Every date from `from` to `to` (both included) on which the schedule falls. Pure. */
export function occurrencesBetween(schedule: Schedule, from: CalendarDate, to: CalendarDate): CalendarDate[] {
  const out: CalendarDate[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) if (matches(schedule, d)) out.push(d);
  return out;
}

/** Who leads and who answers at each level of the cascade, top-down. */
export const LEVELS: Record<Level, { leader: Role; member: Role; order: number; label: string }> = {
  ceo_president: { leader: 'ceo', member: 'president', order: 1, label: 'CEO ↔ President' },
  president_managers: { leader: 'president', member: 'manager', order: 2, label: 'President ↔ managers' },
  manager_reps: { leader: 'manager', member: 'rep', order: 3, label: 'Manager ↔ reps' },
};

export const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;
