import { invalid, MAX_AMOUNT } from './errors';
import { addDays, isCalendarDate, weekdayOf, type CalendarDate } from './time/calendar';

/*
 * What people type as amounts and dates, read one way wherever they type it: a command, a window, a check-in
 * answer, a CSV line. Pure; each reader says in words what was wrong.
 */

export type Read<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: string };

/** Digits with an optional decimal part, or thousands grouped by one kind of separator (`120,000.50`, `1 000`, `1_000`). */
const PLAIN = /^\d+(\.\d+)?$/;
const GROUPED = /^\d{1,3}(?:([,_ ])\d{3})(?:\1\d{3})*(\.\d+)?$/;

/** How a refusal names the amount: "the target" / "A target", with an example of what works. */
interface AmountWords {
  /** Lower case, after "give": `the target`. */
  readonly noun?: string;
  /** At the start of a sentence: `A target`, `Progress`. */
  readonly subject?: string;
  readonly example?: string;
}

/**
 * An amount as people write it: `120000`, `120000.50`, `120,000` or `1 000 000` (groups of three, one kind of
 * separator). Not `0x10`, `1e5`, `Infinity`, `1,5` or `12abc`: what is not plainly a number is refused, never
 * guessed. Negative only when `negative` allows it; never more than a trillion.
 */
export function amountOf(text: string, options: { negative?: boolean } & AmountWords = {}): Read<number> {
  const raw = text.trim();
  const noun = options.noun ?? 'the amount';
  const subject = options.subject ?? 'The amount';
  const example = options.example ?? '120000';
  if (!raw) return { ok: false, problem: `Give ${noun} as digits, like ${example}.` };
  if (raw.includes('\u0000'))
    return { ok: false, problem: `${subject} contains a NUL character, which cannot be kept: type it again without it.` };
  const minus = raw.startsWith('-');
  const body = minus ? raw.slice(1) : raw;
  if (!PLAIN.test(body) && !GROUPED.test(body))
    return { ok: false, problem: `"${raw.slice(0, 40)}" is not a number: give ${noun} as digits, like ${example}.` };
  if (minus && !options.negative) return { ok: false, problem: `${subject} cannot be negative.` };
  const value = Number(body.replace(/[,_ ]/g, '')) * (minus ? -1 : 1);
  if (!Number.isFinite(value) || Math.abs(value) > MAX_AMOUNT)
    return { ok: false, problem: `${subject} can be at most 1,000,000,000,000.` };
  return { ok: true, value };
}

/** A calendar day written YYYY-MM-DD, a real one (not 2026-02-30), between 2000 and 2100. */
export function calendarDateOf(text: string): Read<string> {
  const raw = text.trim();
  if (!raw) return { ok: false, problem: 'A date is missing: write it as YYYY-MM-DD.' };
  if (!isCalendarDate(raw))
    return {
      ok: false,
      problem: `"${raw.replace(/\u0000/g, '').slice(0, 40)}" is not a date between 2000 and 2100: write it as YYYY-MM-DD.`,
    };
  return { ok: true, value: raw };
}

/** Weekday names as people write them, to 0 = Sunday … 6 = Saturday (as `weekdayOf`). */
const WEEKDAYS: Record<string, number> = {
  sunday: 0,
  sun: 0,
  monday: 1,
  mon: 1,
  tuesday: 2,
  tue: 2,
  tues: 2,
  wednesday: 3,
  wed: 3,
  thursday: 4,
  thu: 4,
  thur: 4,
  thurs: 4,
  friday: 5,
  fri: 5,
  saturday: 6,
  sat: 6,
};

/** The Monday of the week after `today`'s (weeks run Monday to Sunday, as Cascade shows them). */
const nextMonday = (today: CalendarDate) => addDays(today, 7 - ((weekdayOf(today) + 6) % 7));

/**
 * A day as people write it after "by" or "until", read against their own today: `2026-12-24`; `today`,
 * `tomorrow`; a weekday (`friday`, `fri`: the next one after today, so on a Friday "by friday" is a week on);
 * `next friday` (the Friday of next week); `next week` (its Monday); `end of week` (this week's Friday, next
 * week's once it has passed); `end of month`. Anything else is refused with what works.
 */
export function dayOf(text: string, today: CalendarDate): Read<CalendarDate> {
  const raw = text
    .trim()
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/[.,!]+$/, '');
  if (/^\d{4}-\d{2}-\d{2}$/.test(raw)) return calendarDateOf(raw);
  if (raw === 'today') return { ok: true, value: today };
  if (raw === 'tomorrow') return { ok: true, value: addDays(today, 1) };
  if (raw in WEEKDAYS) {
    const ahead = (WEEKDAYS[raw]! - weekdayOf(today) + 7) % 7;
    return { ok: true, value: addDays(today, ahead === 0 ? 7 : ahead) };
  }
  const next = /^next (\w+)$/.exec(raw);
  if (next && next[1] === 'week') return { ok: true, value: nextMonday(today) };
  if (next && next[1]! in WEEKDAYS) return { ok: true, value: addDays(nextMonday(today), (WEEKDAYS[next[1]!]! + 6) % 7) };
  if (/^(end of (the )?week|eow)$/.test(raw)) return { ok: true, value: addDays(today, (5 - weekdayOf(today) + 7) % 7) };
  if (/^(end of (the )?month|eom)$/.test(raw)) {
    const [y, m] = today.split('-').map(Number) as [number, number];
    return { ok: true, value: new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10) };
  }
  return {
    ok: false,
    problem: `"${text
      .trim()
      .replace(/\u0000/g, '')
      .slice(0, 40)}" is not a day Cascade can read: write a weekday (friday), "next week", "end of month", or a date as YYYY-MM-DD.`,
  };
}

/** Whether words read as a day at all (whatever today is): what `by` or `until` may be followed by. */
export function isDayWords(text: string): boolean {
  return dayOf(text, '2026-01-05').ok;
}

/** `amountOf`, or a refusal for the person (on `field` when a window can show it there). */
export function readAmount(text: string | number, options: { negative?: boolean; field?: string } & AmountWords = {}): number {
  const read = amountOf(String(text), options);
  if (!read.ok) throw invalid(read.problem, options.field);
  return read.value;
}

/** `dayOf`, or a refusal for the person (on `field` when a window can show it there). */
export function readDay(text: string, today: CalendarDate, field?: string): CalendarDate {
  const read = dayOf(text, today);
  if (!read.ok) throw invalid(read.problem, field);
  return read.value;
}
