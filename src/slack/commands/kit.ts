import type { webApi } from '@slack/bolt';
import { MAX_ID } from '../../errors';
import type { Reply } from '../blocks/text';
import type { SlackDeps } from '../deps';
import type { Scope } from '../../org/policy';

/** Who may use a command: help lists to each person what they may use (admins: `/cascade help admin`). */
export type Allowed = 'everyone' | 'leaders' | 'admins';

/** A word as typed, or a phrase typed in quotes (`quoted`), a mention, or a channel. */
export type Token = { kind: 'user'; id: string } | { kind: 'channel'; id: string } | { kind: 'word'; text: string; quoted?: true };

/** A parse that failed: what was wrong, in words (the dispatcher adds the group's usage lines). */
interface Refusal {
  readonly refused: string;
}

export const refuse = (message: string): Refusal => ({ refused: message });
export const isRefusal = (x: unknown): x is Refusal => typeof x === 'object' && x !== null && 'refused' in x;

/** Who typed the command, where, and the client to answer with. */
interface Caller {
  readonly teamId: string;
  readonly userId: string;
  readonly triggerId: string;
  readonly client: webApi.WebClient;
}

export interface CommandContext {
  readonly deps: SlackDeps;
  readonly caller: Caller;
  /** Who asks, where and when: built once for the request. */
  readonly scope: Scope;
}

/**
 * One subcommand, whole: its words, how it is written and what it does (help and usage come from here),
 * who may use it, whether it changes App Home, how its arguments are read, and what it runs. Adding a
 * subcommand is one of these in the file of its area, and its test.
 */
export interface Subcommand<A extends object = object> {
  /** The words that name it, e.g. ['goal', 'set']. */
  readonly path: readonly string[];
  /** Other words for its first word (`cadences` for `cadence`). */
  readonly aliases?: readonly string[];
  /** Also what its group means when no second word is given (`/cascade cadence` lists them). */
  readonly default?: boolean;
  readonly usage: string;
  readonly about: string;
  /** More forms of the same words, each a line of help (`pause … off` beside `pause … until`). */
  readonly more?: readonly { usage: string; about: string }[];
  /**
   * Who may use it. An admins' command names what an admin does with it, for the refusal the dispatcher gives
   * anyone else: `{ admins: 'change cadences' }` → "Only Cascade admins can change cadences."
   */
  readonly allowed: 'everyone' | 'leaders' | { readonly admins: string };
  /** After it runs, App Home is published again for the caller and for the people this names. */
  readonly refreshesHome?: boolean | ((args: A) => readonly string[]);
  /** Reads the tokens after its words. */
  readonly parse: (rest: Token[]) => A | Refusal;
  /** Runs it; null when the answer is a window (a modal) rather than a message. */
  readonly run: (ctx: CommandContext, args: A) => Promise<Reply | null>;
}

/** Who may use a subcommand, as help sorts them. */
export const allowedOf = (s: Pick<Subcommand<any>, 'allowed'>): Allowed => (typeof s.allowed === 'string' ? s.allowed : 'admins');

/** Keeps each entry's argument type while the table holds them all. */
export function subcommand<A extends object>(s: Subcommand<A>): Subcommand<A> {
  return s;
}

/** Splits command text into words, quoted phrases and Slack's escaped mentions (`<@U123|ann>`). */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  // A word stops where a quoted phrase starts right after it (`private:"note"` is the word and the phrase).
  const re = /<@([UW][A-Z0-9]+)(?:\|[^>]*)?>|<#([CGD][A-Z0-9]+)(?:\|[^>]*)?>|["“”]([^"“”]*)["“”]|([^\s"“”]+(?=["“”][^"“”]*["“”]))|(\S+)/g;
  for (const m of text.matchAll(re)) {
    if (m[1]) tokens.push({ kind: 'user', id: m[1] });
    else if (m[2]) tokens.push({ kind: 'channel', id: m[2] });
    else if (m[3] !== undefined) tokens.push({ kind: 'word', text: m[3], quoted: true });
    else if (m[4] ?? m[5]) tokens.push({ kind: 'word', text: (m[4] ?? m[5])! });
  }
  return tokens;
}

export const word = (t: Token | undefined) => (t?.kind === 'word' ? t.text.toLowerCase() : undefined);

export function describe(t: Token): string {
  return t.kind === 'word' ? t.text : t.kind === 'user' ? `<@${t.id}>` : `<#${t.id}>`;
}

export function notAMention(t: Token | undefined, what: string): string {
  if (!t) return `Name ${what} with an @mention.`;
  if (t.kind === 'word' && t.text.startsWith('@'))
    return `I could not read ${t.text} as a person: pick them from Slack's @mention list so it becomes a link.`;
  return `Expected ${what} as an @mention, got "${describe(t)}".`;
}

export const unexpected = (tokens: Token[]) => refuse(`Unexpected "${tokens.map(describe).join(' ')}".`);

/** No arguments at all. */
export function none(name: string): (rest: Token[]) => object | Refusal {
  return (rest) => (rest.length ? refuse(`\`/cascade ${name}\` takes no arguments.`) : {});
}

/** An optional single @mention: nothing, or `{ userId }`, or what was wrong. */
export function optionalPerson(tokens: Token[]): { userId?: string } | Refusal {
  const [who, ...extra] = tokens;
  if (!who) return {};
  if (who.kind !== 'user') return refuse(notAMention(who, 'the person'));
  if (extra.length > 0) return unexpected(extra);
  return { userId: who.id };
}

export const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A number as `/cascade … list` shows it (`12` or `#12`): a whole number that can name a row, or NaN. */
export function numberOf(t: Token | undefined): number {
  const text = t?.kind === 'word' ? t.text.replace(/^#/, '') : '';
  const n = /^\d{1,10}$/.test(text) ? Number(text) : NaN;
  return n > 0 && n <= MAX_ID ? n : NaN;
}
