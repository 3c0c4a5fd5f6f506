import type { Frequency, Level, Role } from '../db/types';
import { parseCadenceCron } from './cron';
import { addDays, daysBetween, weekdayOf, type CalendarDate } from '../time/calendar';

export interface Schedule {
  readonly frequency: Frequency;
  /** 0 = Sunday … 6 = Saturday. */
  readonly weekday: number;
  readonly nth: number | null;
  readonly anchorDate: CalendarDate;
  /** Frequency `cron` only. */
  readonly cron?: string | null;
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
      const weeks = Math.round(daysBetween(schedule.anchorDate, date) / 7);
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

