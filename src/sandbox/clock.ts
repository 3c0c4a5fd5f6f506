import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Clock } from '../time/clock';
import { addDays, instantOf, wallClock } from '../time/calendar';
import { HOUR_MS } from '../time/durations';

/**
 * The sandbox's one clock: everything in the sandbox reads the time from it (the scheduler, listeners, the
 * stand-in's message times), and only its buttons move it. Kept in a file beside the sandbox's data.
 */
export class SandboxClock implements Clock {
  private current: Date;

  constructor(
    private readonly file: string,
    start: Date,
  ) {
    const saved = existsSync(file) ? Date.parse(JSON.parse(readFileSync(file, 'utf8')).now) : NaN;
    this.current = Number.isNaN(saved) ? start : new Date(saved);
  }

  now(): Date {
    return new Date(this.current);
  }

  set(instant: Date): void {
    this.current = new Date(instant);
    writeFileSync(this.file, JSON.stringify({ now: this.current.toISOString() }));
  }
}

/** Where each clock button moves the time to, from `now`, in a zone (the viewer's). Pure. */
export function clockTarget(move: string, now: Date, tz: string): Date | null {
  const local = (d: Date) => wallClock(d, tz);
  const at = (date: string, time: string) => instantOf(date, time, tz);
  const today = local(now);
  switch (move) {
    case 'hour':
      return new Date(now.getTime() + HOUR_MS);
    case 'morning':
      return at(addDays(today.date, 1), '09:00');
    case 'monday': {
      const days = (8 - today.weekday) % 7 || 7;
      return at(addDays(today.date, days), '10:00');
    }
    case 'month-end': {
      const [y, m] = today.date.split('-').map(Number) as [number, number];
      const last = new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
      const end = at(last, '23:00');
      return end > now ? end : at(new Date(Date.UTC(y, m + 1, 0)).toISOString().slice(0, 10), '23:00');
    }
    default:
      return null;
  }
}
