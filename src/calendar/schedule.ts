import type { Frequency, Relationship } from '../db/types';
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
  /** Days after the schedule's own dates (deeper levels of leaders meet a week after the level above). */
  readonly offsetDays?: number;
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
  const offset = schedule.offsetDays ?? 0;
  const out: CalendarDate[] = [];
  for (let d = addDays(from, -offset); d <= addDays(to, -offset); d = addDays(d, 1)) if (matches(schedule, d)) out.push(addDays(d, offset));
  return out;
}

/** The kinds of relationship, top-down: the order rounds take within a period. */
export const LEVELS: Record<Relationship, { order: number; label: string; about: string }> = {
  ceo_president: { order: 1, label: 'CEO ↔ President', about: 'the top and their direct reports' },
  president_managers: { order: 2, label: 'President ↔ managers', about: 'a leader of leaders and their direct reports' },
  manager_reps: { order: 3, label: 'Manager ↔ reps', about: 'a first-line leader and their reports' },
};
