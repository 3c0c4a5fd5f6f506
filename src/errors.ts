/*
 * Domain messages never carry Slack's syntax: a person is written `{@U123}` and a command `{cmd:org set}`.
 * Each surface writes them its own way: the Slack adapter as a mention and `/cascade …`, the command line
 * as plain text (`plainText`).
 */

/** A message's references as plain text, for the command line: people by id, commands as typed in Slack. */
export function plainText(message: string): string {
  return message.replace(/\{@([A-Z0-9]+)\}/g, '$1').replace(/\{cmd:([^}]*)\}/g, '/cascade $1');
}

/** A failure a person caused and can fix; its message is written for them and safe to show in Slack. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly code: 'not_allowed' | 'not_found' | 'invalid' | 'conflict',
    /** The input it is about, when a form can show it next to that input. */
    readonly field?: string,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

export const notAllowed = (message: string) => new UserError(message, 'not_allowed');
export const notFound = (message: string) => new UserError(message, 'not_found');
export const invalid = (message: string, field?: string) => new UserError(message, 'invalid', field);

/**
 * What is wrong with one line of a file: every check of an import reports these, all of them at once, and
 * nothing of the file is applied while there is one. (A single refusal is a `UserError`.)
 */
export interface LineProblem {
  /** 1-based; 0 for the file as a whole. */
  readonly line: number;
  readonly message: string;
}

/** The largest id a row can have (Postgres `integer`): a bigger number can name nothing. */
export const MAX_ID = 2_147_483_647;

/** An id from a button or a modal: a whole number that can name a row, or a refusal that says so. */
export function readId(value: unknown, what: string): number {
  const n = typeof value === 'number' ? value : /^\d{1,10}$/.test(String(value ?? '')) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n <= 0 || n > MAX_ID) throw notFound(`That ${what} no longer exists.`);
  return n;
}

/** The largest goal target or progress value Cascade keeps (a trillion): beyond it a figure is a typo. */
export const MAX_AMOUNT = 1e12;

/**
 * The same submission a second time (a double click, a replayed or retried request): the first was kept, so
 * this one changes nothing. The surface closes the window as it did the first time.
 */
export class AlreadyTaken extends Error {
  constructor() {
    super('this submission was already taken');
    this.name = 'AlreadyTaken';
  }
}
