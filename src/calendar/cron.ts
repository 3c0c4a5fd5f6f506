import { validate } from 'node-cron';

/**
 * A cadence given as a cron expression: `minute hour day-of-month month day-of-week`, read in each
 * member's own time zone. A check-in happens once on a day, so minute and hour are single numbers; the
 * three day fields take what cron takes (`*`, lists, ranges, steps, month and weekday names).
 */
interface CadenceCron {
  readonly localTime: string;
  /** True when the expression falls on this calendar date (YYYY-MM-DD). */
  matches(date: string): boolean;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

function field(text: string, min: number, max: number, names: readonly string[] = [], nameBase = 0): Set<number> | null {
  const out = new Set<number>();
  const value = (v: string): number => {
    const i = names.indexOf(v.toLowerCase().slice(0, 3));
    return i >= 0 && /^[a-z]+$/i.test(v) ? i + nameBase : Number(v);
  };
  for (const part of text.split(',')) {
    const [range, stepText] = part.split('/') as [string, string | undefined];
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) return null;
    let lo: number;
    let hi: number;
    if (range === '*') [lo, hi] = [min, max];
    else if (range.includes('-')) {
      const [a, b] = range.split('-') as [string, string];
      [lo, hi] = [value(a), value(b)];
    } else {
      lo = value(range);
      hi = stepText === undefined ? lo : max;
    }
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < min || hi > max || lo > hi) return null;
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  return out;
}

/** Reads a cadence's cron expression, or says in one sentence what is wrong with it. */
export function parseCadenceCron(expression: string): CadenceCron | { error: string } {
  const text = expression.trim().replace(/\s+/g, ' ');
  const parts = text.split(' ');
  if (parts.length !== 5 || !validate(text)) {
    return {
      error: `"${expression}" is not a cron expression: give five fields, minute hour day-of-month month day-of-week (like "0 9 * * 1" for Mondays at 09:00).`,
    };
  }
  const [minute, hour, dom, month, dow] = parts as [string, string, string, string, string];
  if (!/^\d{1,2}$/.test(minute) || !/^\d{1,2}$/.test(hour) || Number(minute) > 59 || Number(hour) > 23) {
    return { error: 'A check-in happens once on its day: give the minute and the hour as single numbers (like "30 9 …" for 09:30).' };
  }
  const days = field(dom, 1, 31);
  const months = field(month, 1, 12, MONTHS, 1);
  const weekdays = field(dow.replace(/\b7\b/g, '0'), 0, 6, DAYS);
  if (!days || !months || !weekdays) return { error: `"${expression}": the day, month or weekday field is not one this scheduler reads.` };
  const domAny = dom === '*';
  const dowAny = dow === '*';
  return {
    localTime: `${hour.padStart(2, '0')}:${minute.padStart(2, '0')}`,
    matches(date: string): boolean {
      const d = new Date(`${date}T00:00:00Z`);
      if (!months.has(d.getUTCMonth() + 1)) return false;
      const byDay = days.has(d.getUTCDate());
      const byWeekday = weekdays.has(d.getUTCDay());
      // Cron's rule: when both day fields are restricted, either one matching is enough.
      if (!domAny && !dowAny) return byDay || byWeekday;
      return byDay && byWeekday;
    },
  };
}
