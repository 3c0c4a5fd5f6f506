import { isRole, type Role } from '../org/roles';

export type ParsedCommand =
  | { readonly kind: 'help' }
  | { readonly kind: 'org.show'; readonly userId?: string }
  | { readonly kind: 'org.set'; readonly userId: string; readonly role: Role; readonly reportsTo?: string; readonly admin?: boolean }
  | { readonly kind: 'org.remove'; readonly userId: string }
  | { readonly kind: 'org.import' }
  | { readonly kind: 'usage'; readonly error: string; readonly usage: readonly string[] };

/** What exists, as `/cascade help` lists it; each entry is also the usage line of its subcommand. */
export const COMMANDS = [
  { name: 'help', usage: '/cascade help', about: 'what Cascade can do' },
  { name: 'org', usage: '/cascade org show [@person]', about: "someone's chain up and direct reports (yours by default)" },
  { name: 'org', usage: '/cascade org set @person <ceo|president|manager|rep> [reports-to @leader] [admin|not-admin]', about: 'add a person or change their role, leader or admin flag (admins)' },
  { name: 'org', usage: '/cascade org remove @person', about: 'take a person out of the org chart; their history is kept (admins)' },
  { name: 'org', usage: '/cascade org import', about: 'paste a CSV of the whole org chart (admins)' },
] as const;

const usageOf = (name: string) => COMMANDS.filter((c) => c.name === name).map((c) => c.usage);

type Token = { kind: 'user'; id: string } | { kind: 'channel'; id: string } | { kind: 'word'; text: string };

/** Splits command text into words, quoted phrases and Slack's escaped mentions (`<@U123|ann>`). */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const re = /<@([UW][A-Z0-9]+)(?:\|[^>]*)?>|<#([CGD][A-Z0-9]+)(?:\|[^>]*)?>|["“”]([^"“”]*)["“”]|(\S+)/g;
  for (const m of text.matchAll(re)) {
    if (m[1]) tokens.push({ kind: 'user', id: m[1] });
    else if (m[2]) tokens.push({ kind: 'channel', id: m[2] });
    else if (m[3] !== undefined) tokens.push({ kind: 'word', text: m[3] });
    else if (m[4]) tokens.push({ kind: 'word', text: m[4] });
  }
  return tokens;
}

const word = (t: Token | undefined) => (t?.kind === 'word' ? t.text.toLowerCase() : undefined);

function usage(error: string, name: string): ParsedCommand {
  return { kind: 'usage', error, usage: usageOf(name) };
}

function describe(t: Token): string {
  return t.kind === 'word' ? t.text : t.kind === 'user' ? `<@${t.id}>` : `<#${t.id}>`;
}

function notAMention(t: Token | undefined, what: string): string {
  if (!t) return `Name ${what} with an @mention.`;
  if (t.kind === 'word' && t.text.startsWith('@')) return `I could not read ${t.text} as a person: pick them from Slack's @mention list so it becomes a link.`;
  return `Expected ${what} as an @mention, got "${describe(t)}".`;
}

/** Turns the text after `/cascade` into a command, or a usage message saying what was wrong. Pure. */
export function parseCommand(text: string): ParsedCommand {
  const tokens = tokenize(text.trim());
  const head = word(tokens[0]);
  if (tokens.length === 0 || head === 'help') return { kind: 'help' };
  if (head !== 'org') return { kind: 'usage', error: `Unknown command "${describe(tokens[0]!)}".`, usage: COMMANDS.map((c) => c.usage) };

  const sub = word(tokens[1]);
  const rest = tokens.slice(2);
  switch (sub) {
    case 'show': {
      if (rest.length === 0) return { kind: 'org.show' };
      const [who, ...extra] = rest;
      if (who?.kind !== 'user') return usage(notAMention(who, 'the person'), 'org');
      if (extra.length > 0) return usage(`Unexpected "${extra.map(describe).join(' ')}".`, 'org');
      return { kind: 'org.show', userId: who.id };
    }
    case 'remove': {
      const [who, ...extra] = rest;
      if (who?.kind !== 'user') return usage(notAMention(who, 'the person to remove'), 'org');
      if (extra.length > 0) return usage(`Unexpected "${extra.map(describe).join(' ')}".`, 'org');
      return { kind: 'org.remove', userId: who.id };
    }
    case 'import':
      if (rest.length > 0) return usage('`/cascade org import` takes no arguments: it opens a window to paste the CSV in.', 'org');
      return { kind: 'org.import' };
    case 'set':
      return parseOrgSet(rest);
    default:
      return usage(sub ? `Unknown org command "${describe(tokens[1]!)}".` : 'Say what to do with the org chart.', 'org');
  }
}

function parseOrgSet(tokens: Token[]): ParsedCommand {
  const [who, roleToken, ...rest] = tokens;
  if (who?.kind !== 'user') return usage(notAMention(who, 'the person'), 'org');
  const role = word(roleToken);
  if (!role || !isRole(role)) {
    return usage(roleToken ? `"${describe(roleToken)}" is not a role: use ceo, president, manager or rep.` : 'Give a role: ceo, president, manager or rep.', 'org');
  }
  let reportsTo: string | undefined;
  let admin: boolean | undefined;
  for (let i = 0; i < rest.length; i++) {
    const t = rest[i]!;
    const w = word(t);
    if (w === 'reports-to' || w === 'reports_to' || (w === 'reports' && word(rest[i + 1]) === 'to')) {
      if (w === 'reports') i += 1;
      const leader = rest[i + 1];
      if (leader?.kind !== 'user') return usage(notAMention(leader, 'the leader after reports-to'), 'org');
      if (reportsTo !== undefined) return usage('reports-to is given twice.', 'org');
      reportsTo = leader.id;
      i += 1;
    } else if (w === 'admin') {
      admin = true;
    } else if (w === 'not-admin' || w === 'no-admin' || w === 'notadmin') {
      admin = false;
    } else {
      return usage(`Unexpected "${describe(t)}".`, 'org');
    }
  }
  if (role === 'ceo' && reportsTo !== undefined) return usage('The CEO reports to no one: leave out reports-to.', 'org');
  if (reportsTo === who.id) return usage('Nobody can report to themselves.', 'org');
  return { kind: 'org.set', userId: who.id, role, ...(reportsTo ? { reportsTo } : {}), ...(admin !== undefined ? { admin } : {}) };
}
