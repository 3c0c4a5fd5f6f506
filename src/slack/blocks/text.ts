import type { types } from '@slack/bolt';

export type Block = types.KnownBlock;

/** What a command answers with: `text` always stands on its own (notifications and screen readers use it). */
export interface Reply {
  readonly text: string;
  readonly blocks?: Block[];
}

/**
 * Text a person typed (answers, commitments, names, goals, notes), made safe for mrkdwn: `&`, `<` and `>`
 * become entities, so it is shown as typed and can never mention a channel, a person or disguise a link.
 * Every builder passes such text through here before it goes into mrkdwn (never into plain_text, which
 * Slack shows as it is).
 */
export function typed(text: string | null | undefined): string {
  return (text ?? '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export function section(text: string): Block {
  return { type: 'section', text: { type: 'mrkdwn', text: truncate(text, 3000) } };
}

export function context(text: string): Block {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: truncate(text, 3000) }] };
}

export function header(text: string): Block {
  return { type: 'header', text: { type: 'plain_text', text: truncate(text, 150), emoji: true } };
}

/** Splits a long text into sections that each fit Slack's 3,000-character limit, breaking at lines. */
export function sections(text: string, maxBlocks: number): Block[] {
  const out: string[] = [];
  let current = '';
  for (const line of text.split('\n')) {
    const candidate = current ? `${current}\n${line}` : line;
    if (candidate.length > 2900 && current) {
      out.push(current);
      current = line;
    } else {
      current = candidate;
    }
  }
  if (current) out.push(current);
  const kept = out.slice(0, maxBlocks).map((t) => section(t));
  if (out.length > maxBlocks) kept[kept.length - 1] = section(`${truncate(out[maxBlocks - 1]!, 2800)}\n…and more.`);
  return kept;
}

const DAY_FORMATS = {
  weekday: { weekday: 'short', day: 'numeric', month: 'short' },
  year: { day: 'numeric', month: 'short', year: 'numeric' },
  short: { day: 'numeric', month: 'short' },
  full: { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' },
} as const satisfies Record<string, Intl.DateTimeFormatOptions>;

/** A calendar date (YYYY-MM-DD) as people read it: "Mon 23 Nov", "23 Nov 2026" or "23 Nov". */
export function dayLabel(date: string, style: keyof typeof DAY_FORMATS = 'weekday'): string {
  return new Intl.DateTimeFormat('en-GB', { ...DAY_FORMATS[style], timeZone: 'UTC' }).format(new Date(`${date}T00:00:00Z`));
}

/** A domain message in Slack's words: `{@U123}` as a mention, `{cmd:…}` as `/cascade …` in code style. */
export function slackText(message: string): string {
  return message.replace(/\{@([A-Z0-9]+)\}/g, '<@$1>').replace(/\{cmd:([^}]*)\}/g, '`/cascade $1`');
}
