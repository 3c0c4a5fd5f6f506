/**
 * Lengths of time in milliseconds, named: the only place Cascade spells them out (the architecture test
 * refuses a literal elsewhere). Calendar days in a zone are calendar.ts's; these are fixed spans.
 */
export const SECOND_MS = 1000;
export const MINUTE_MS = 60 * SECOND_MS;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
export const WEEK_MS = 7 * DAY_MS;

export const minutes = (n: number): number => n * MINUTE_MS;
export const hours = (n: number): number => n * HOUR_MS;
export const days = (n: number): number => n * DAY_MS;

/** `instant` moved by `ms` (negative: back). */
export const after = (instant: Date, ms: number): Date => new Date(instant.getTime() + ms);
export const before = (instant: Date, ms: number): Date => new Date(instant.getTime() - ms);
