import { isRole, type Role } from '../org/roles';
import type { CadenceChanges } from '../checkins/cadences';
import { QUESTION_KINDS, QUESTION_INTENTS, type QuestionDraft } from '../checkins/questions';
import type { DigestScope } from '../db/types';
import { MAX_ID } from '../errors';
import { WEEKDAYS, isCalendarDate } from '../time/calendar';

export type ParsedCommand =
  | { readonly kind: 'help'; readonly admin?: boolean }
  | { readonly kind: 'org.show'; readonly userId?: string }
  | { readonly kind: 'org.set'; readonly userId: string; readonly role: Role; readonly reportsTo?: string; readonly admin?: boolean }
  | { readonly kind: 'org.remove'; readonly userId: string }
  | { readonly kind: 'org.import' }
  | { readonly kind: 'status' }
  | { readonly kind: 'checkin' }
  | { readonly kind: 'team'; readonly userId?: string }
  | { readonly kind: 'commit'; readonly text: string; readonly by?: string }
  | { readonly kind: 'commitments'; readonly userId?: string }
  | { readonly kind: 'done'; readonly id: number }
  | { readonly kind: 'goal.set'; readonly userId: string; readonly scope: 'person' | 'team'; readonly name: string; readonly target: string; readonly unit: string; readonly period: string }
  | { readonly kind: 'progress'; readonly name: string; readonly value: string }
  | { readonly kind: 'goals'; readonly userId?: string }
  | { readonly kind: 'flags' }
  | { readonly kind: 'flag.rules' }
  | { readonly kind: 'flag.rule'; readonly key: string; readonly active?: boolean; readonly threshold?: number }
  | { readonly kind: 'core-value'; readonly text: string }
  | { readonly kind: 'export'; readonly from?: string; readonly to?: string }
  | { readonly kind: 'digest.channel'; readonly scope: DigestScope; readonly channelId: string; readonly leaderId?: string }
  | { readonly kind: 'digest.schedule'; readonly scope: DigestScope; readonly frequency: 'weekly' | 'monthly'; readonly weekday: number; readonly localTime: string }
  | { readonly kind: 'digest.preview' | 'digest.now'; readonly scope: DigestScope }
  | { readonly kind: 'flag.close'; readonly id: number; readonly answer: string }
  | { readonly kind: 'pause'; readonly userId?: string; readonly until: string | null }
  | { readonly kind: 'cadence.list' }
  | { readonly kind: 'cadence.set'; readonly key: string; readonly changes: CadenceChanges }
  | { readonly kind: 'questions.list'; readonly level?: string }
  | { readonly kind: 'questions.add'; readonly draft: QuestionDraft }
  | { readonly kind: 'questions.edit'; readonly id: number; readonly text: string }
  | { readonly kind: 'questions.retire'; readonly id: number }
  | { readonly kind: 'usage'; readonly error: string; readonly usage: readonly string[] };

/** Who may use a command: help lists to each person what they may use (admins: `/cascade help admin`). */
export type Allowed = 'everyone' | 'leaders' | 'admins';

/** What exists, as `/cascade help` lists it; each entry is also the usage line of its subcommand. */
export const COMMANDS = [
  { allowed: 'everyone', name: 'help', usage: '/cascade help', about: 'what Cascade can do' },
  { allowed: 'everyone', name: 'org', usage: '/cascade org show [@person]', about: "someone's chain up and direct reports (yours by default)" },
  { allowed: 'admins', name: 'org', usage: '/cascade org set @person <ceo|president|manager|rep> [reports-to @leader] [admin|not-admin]', about: 'add a person or change their role, leader or admin flag (admins)' },
  { allowed: 'admins', name: 'org', usage: '/cascade org remove @person', about: 'take a person out of the org chart; their history is kept (admins)' },
  { allowed: 'admins', name: 'org', usage: '/cascade org import', about: 'paste a CSV of the whole org chart (admins)' },
  { allowed: 'everyone', name: 'status', usage: '/cascade status', about: 'your next check-ins and anything unanswered' },
  { allowed: 'everyone', name: 'checkin', usage: '/cascade checkin', about: 'answer your open check-in now' },
  { allowed: 'everyone', name: 'commit', usage: '/cascade commit <text> [by <YYYY-MM-DD>]', about: 'commit to your leader; due at your next check-in unless you give a day' },
  { allowed: 'everyone', name: 'commitments', usage: '/cascade commitments [@person]', about: 'open and recent commitments (yours, or of someone below you)' },
  { allowed: 'everyone', name: 'done', usage: '/cascade done <number>', about: 'close a commitment as done' },
  { allowed: 'leaders', name: 'goal', usage: '/cascade goal set @person [team] "<name>" <target> <USD|EUR|…|count|percent> <weekly|monthly|quarterly>', about: 'set a goal for someone below you, or a team goal (leaders, admins)' },
  { allowed: 'everyone', name: 'progress', usage: '/cascade progress "<goal>" <value>', about: 'report where one of your goals stands this period' },
  { allowed: 'everyone', name: 'goals', usage: '/cascade goals [@person]', about: 'goals with attainment and pace (yours, or of someone below you)' },
  { allowed: 'leaders', name: 'digest', usage: '/cascade digest channel <team|org|exec> #channel', about: 'where a digest is posted (team: your own team; org and exec: admins; exec may be `dm`)' },
  { allowed: 'leaders', name: 'digest', usage: '/cascade digest schedule <team|org|exec> weekly|monthly <weekday> <HH:MM>', about: 'when a digest is posted' },
  { allowed: 'everyone', name: 'digest', usage: '/cascade digest preview [team|org|exec]', about: 'the last complete period’s digest, to you alone' },
  { allowed: 'leaders', name: 'digest', usage: '/cascade digest now [team|org|exec]', about: 'post the digest in its channel now (admins, or a leader for their team)' },
  { allowed: 'everyone', name: 'export', usage: '/cascade export [from <YYYY-MM-DD> to <YYYY-MM-DD>]', about: 'what you can read in Slack as CSV files in your DM: your rows and those below you (admins outside the chain: the organisation’s figures); default: the last 90 days' },
  { allowed: 'admins', name: 'core-value', usage: '/cascade core-value "<statement>"', about: 'the statement at the top of App Home and under every digest (admins)' },
  { allowed: 'leaders', name: 'flags', usage: '/cascade flags', about: 'open flags about people below you' },
  { allowed: 'leaders', name: 'flag', usage: '/cascade flag close <number> "<what in the organisation could explain it>"', about: 'close a flag with your answer about organisational factors' },
  { allowed: 'everyone', name: 'flag', usage: '/cascade flag rules', about: 'the flag rules and their thresholds' },
  { allowed: 'admins', name: 'flag', usage: '/cascade flag rule <rule> on|off|<threshold>', about: 'switch a flag rule or change its threshold (admins)' },
  { allowed: 'everyone', name: 'team', usage: '/cascade team [@person]', about: "your direct reports' last eight weeks, or one person's recent check-ins (yours, or someone below you)" },
  { allowed: 'everyone', name: 'pause', usage: '/cascade pause [@person] until <YYYY-MM-DD>', about: 'no check-ins until that day (yourself; leaders for their chain, admins for anyone)' },
  { allowed: 'everyone', name: 'pause', usage: '/cascade pause [@person] off', about: 'end a pause' },
  { allowed: 'everyone', name: 'cadence', usage: '/cascade cadence list', about: 'when each level of the cascade meets' },
  {
    allowed: 'admins',
    name: 'cadence',
    usage: '/cascade cadence set <cadence> [weekly|biweekly|monthly [first|second|third|fourth|last]|cron "<expr>"] [<weekday>] [at HH:MM] [individual|team #channel] [window <days>] [reminder on|off] [on|off]',
    about: 'change a cadence (admins)',
  },
  { allowed: 'everyone', name: 'questions', usage: '/cascade questions list [<level>]', about: 'the questions each level is asked' },
  { allowed: 'admins', name: 'questions', usage: '/cascade questions add <level> <kind> <intent> "<text>" [fixed] [required] [choices "a|b|c"] [goal "<goal name>"]', about: 'add a question (admins); a number question with a goal reports progress towards it' },
  { allowed: 'admins', name: 'questions', usage: '/cascade questions edit <number> "<text>"', about: 'reword a question (admins)' },
  { allowed: 'admins', name: 'questions', usage: '/cascade questions retire <number>', about: 'stop asking a question; past answers keep its text (admins)' },
] as const satisfies readonly { allowed: Allowed; name: string; usage: string; about: string }[];

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
  if (text.includes('\u0000')) return { kind: 'usage', error: 'The command contains a NUL character, which Cascade cannot keep: type it again without it.', usage: [] };
  const tokens = tokenize(text.trim());
  const head = word(tokens[0]);
  if (tokens.length === 0) return { kind: 'help' };
  if (head === 'help') return word(tokens[1]) === 'admin' ? { kind: 'help', admin: true } : { kind: 'help' };
  switch (head) {
    case 'status':
    case 'checkin':
      if (tokens.length > 1) return usage(`\`/cascade ${head}\` takes no arguments.`, head);
      return { kind: head };
    case 'pause':
      return parsePause(tokens.slice(1));
    case 'commit': {
      const rest = tokens.slice(1);
      let by: string | undefined;
      const last = rest[rest.length - 1];
      if (rest.length >= 2 && word(rest[rest.length - 2]) === 'by' && last?.kind === 'word' && ISO_DATE.test(last.text)) {
        if (!isCalendarDate(last.text)) return usage(`"${last.text}" is not a date between 2000 and 2100: write it as YYYY-MM-DD, like 2026-12-24.`, 'commit');
        by = last.text;
        rest.splice(rest.length - 2, 2);
      }
      const text = rest.map(describe).join(' ').trim();
      if (!text) return usage('Say what you commit to, like `/cascade commit call every open opportunity by 2026-12-04`.', 'commit');
      return { kind: 'commit', text, ...(by ? { by } : {}) };
    }
    case 'commitments': {
      const who = optionalPerson(tokens.slice(1), 'commitments');
      return 'error' in who ? who.error : { kind: 'commitments', ...who };
    }
    case 'done': {
      const t = tokens[1];
      const id = numberOf(t);
      if (!Number.isInteger(id) || id <= 0 || tokens.length > 2) return usage('Give the commitment’s number, as `/cascade commitments` shows it, like `/cascade done 12`.', 'done');
      return { kind: 'done', id };
    }
    case 'goal': {
      if (word(tokens[1]) !== 'set') return usage(tokens[1] ? `Unknown goal command "${describe(tokens[1])}".` : 'Say `goal set …`.', 'goal');
      const rest = tokens.slice(2);
      const who = rest.shift();
      if (who?.kind !== 'user') return usage(notAMention(who, 'whose goal it is'), 'goal');
      let scope: 'person' | 'team' = 'person';
      if (word(rest[0]) === 'team' && rest.length === 5) {
        scope = 'team';
        rest.shift();
      }
      if (rest.length !== 4 || rest.some((t) => t.kind !== 'word')) {
        return usage('Give the goal as "name" target unit period, like `/cascade goal set @rep "New pipeline" 250000 USD monthly`.', 'goal');
      }
      const [name, target, unit, period] = rest.map((t) => (t as { text: string }).text) as [string, string, string, string];
      return { kind: 'goal.set', userId: who.id, scope, name, target, unit, period };
    }
    case 'progress': {
      const rest = tokens.slice(1);
      if (rest.length !== 2 || rest.some((t) => t.kind !== 'word')) return usage('Give the goal and its value this period, like `/cascade progress "New pipeline" 120000`.', 'progress');
      return { kind: 'progress', name: (rest[0] as { text: string }).text, value: (rest[1] as { text: string }).text };
    }
    case 'digest':
      return parseDigest(tokens.slice(1));
    case 'export': {
      const rest = tokens.slice(1);
      if (rest.length === 0) return { kind: 'export' };
      const [f, from, t, to, ...extra] = rest.map((x) => (x.kind === 'word' ? x.text : describe(x)));
      if (f?.toLowerCase() !== 'from' || t?.toLowerCase() !== 'to' || !from || !to || !isCalendarDate(from) || !isCalendarDate(to) || extra.length) {
        return usage('Give the dates as `from YYYY-MM-DD to YYYY-MM-DD` (between 2000 and 2100), or nothing for the last 90 days.', 'export');
      }
      return { kind: 'export', from, to };
    }
    case 'core-value':
    case 'corevalue': {
      const text = tokens.slice(1).map(describe).join(' ').trim();
      if (!text) return usage('Give the statement, like `/cascade core-value "Sales Excellence"`.', 'core-value');
      return { kind: 'core-value', text };
    }
    case 'flags':
      if (tokens.length > 1) return usage('`/cascade flags` takes no arguments.', 'flags');
      return { kind: 'flags' };
    case 'flag': {
      if (word(tokens[1]) === 'rules') return { kind: 'flag.rules' };
      if (word(tokens[1]) === 'rule') {
        const key = word(tokens[2]);
        const value = word(tokens[3]);
        if (!key || !value || tokens.length > 4) return usage('Say which rule and what to set, like `/cascade flag rule missed_in_a_row 3` or `… off`.', 'flag');
        if (value === 'on' || value === 'off') return { kind: 'flag.rule', key, active: value === 'on' };
        const threshold = Number(value);
        if (!Number.isFinite(threshold)) return usage(`"${value}" is neither on, off nor a number.`, 'flag');
        return { kind: 'flag.rule', key, threshold };
      }
      const id = numberOf(tokens[2]);
      if (word(tokens[1]) !== 'close' || !Number.isInteger(id) || id <= 0) return usage('Say which flag to close and why, like `/cascade flag close 3 "Her territory lost two big accounts"`.', 'flag');
      const answer = tokens.slice(3).map(describe).join(' ').trim();
      return { kind: 'flag.close', id, answer };
    }
    case 'goals': {
      const who = optionalPerson(tokens.slice(1), 'goals');
      return 'error' in who ? who.error : { kind: 'goals', ...who };
    }
    case 'team': {
      const who = optionalPerson(tokens.slice(1), 'team');
      return 'error' in who ? who.error : { kind: 'team', ...who };
    }
    case 'cadence':
    case 'cadences':
      return parseCadence(tokens.slice(1));
    case 'questions':
    case 'question':
      return parseQuestions(tokens.slice(1));
  }
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

/** An optional single @mention after a command: nothing, or `{ userId }`, or the usage message. */
function optionalPerson(tokens: Token[], name: string): { userId?: string } | { error: ParsedCommand } {
  const [who, ...extra] = tokens;
  if (!who) return {};
  if (who.kind !== 'user') return { error: usage(notAMention(who, 'the person'), name) };
  if (extra.length > 0) return { error: usage(`Unexpected "${extra.map(describe).join(' ')}".`, name) };
  return { userId: who.id };
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A number as `/cascade … list` shows it (`12` or `#12`): a whole number that can name a row, or NaN. */
function numberOf(t: Token | undefined): number {
  const text = t?.kind === 'word' ? t.text.replace(/^#/, '') : '';
  const n = /^\d{1,10}$/.test(text) ? Number(text) : NaN;
  return n > 0 && n <= MAX_ID ? n : NaN;
}

function parsePause(tokens: Token[]): ParsedCommand {
  let rest = tokens;
  let userId: string | undefined;
  if (rest[0]?.kind === 'user') {
    userId = rest[0].id;
    rest = rest.slice(1);
  } else if (rest[0]?.kind === 'word' && rest[0].text.startsWith('@')) {
    return usage(notAMention(rest[0], 'the person'), 'pause');
  }
  const w = word(rest[0]);
  if (w === 'off' || w === 'resume' || w === 'end') {
    if (rest.length > 1) return usage(`Unexpected "${rest.slice(1).map(describe).join(' ')}".`, 'pause');
    return { kind: 'pause', ...(userId ? { userId } : {}), until: null };
  }
  if (w !== 'until') return usage('Say until which day, like `/cascade pause until 2026-12-24`.', 'pause');
  const date = rest[1]?.kind === 'word' ? rest[1].text : undefined;
  if (!date || !isCalendarDate(date)) return usage(`${date ? `"${date}" is not a date between 2000 and 2100` : 'A date is missing'}: write it as YYYY-MM-DD, like 2026-12-24.`, 'pause');
  if (rest.length > 2) return usage(`Unexpected "${rest.slice(2).map(describe).join(' ')}".`, 'pause');
  return { kind: 'pause', ...(userId ? { userId } : {}), until: date };
}

const NTH: Record<string, number> = { first: 1, '1st': 1, second: 2, '2nd': 2, third: 3, '3rd': 3, fourth: 4, '4th': 4, last: -1 };

function parseCadence(tokens: Token[]): ParsedCommand {
  const sub = word(tokens[0]);
  if (sub === 'list' || sub === undefined) {
    if (tokens.length > 1) return usage(`Unexpected "${tokens.slice(1).map(describe).join(' ')}".`, 'cadence');
    return { kind: 'cadence.list' };
  }
  if (sub !== 'set') return usage(`Unknown cadence command "${describe(tokens[0]!)}".`, 'cadence');
  const key = word(tokens[1]);
  if (!key) return usage('Name the cadence to change (see `/cascade cadence list`).', 'cadence');
  const rest = tokens.slice(2);
  if (rest.length === 0) return usage('Say what to change: frequency, weekday, time, mode, window, reminder, or on/off.', 'cadence');
  const changes: { -readonly [K in keyof CadenceChanges]: CadenceChanges[K] } = {};
  for (let i = 0; i < rest.length; i++) {
    const t = rest[i]!;
    const w = word(t);
    const next = rest[i + 1];
    if (t.kind === 'channel') {
      changes.channelId = t.id;
    } else if (w === 'weekly' || w === 'biweekly' || w === 'monthly') {
      changes.frequency = w;
      const nth = word(next);
      if (w === 'monthly' && nth && nth in NTH) {
        changes.nth = NTH[nth]!;
        i += 1;
      }
    } else if (w === 'cron') {
      if (next?.kind !== 'word') return usage('Give the cron expression in quotes, like cron "0 9 * * 1".', 'cadence');
      changes.frequency = 'cron';
      changes.cron = next.text;
      i += 1;
    } else if (w && WEEKDAYS.some((d) => d === w || d.slice(0, 3) === w)) {
      changes.weekday = WEEKDAYS.findIndex((d) => d === w || d.slice(0, 3) === w);
    } else if (w === 'at') {
      const time = next?.kind === 'word' ? next.text : '';
      if (!/^([01]?\d|2[0-3]):[0-5]\d$/.test(time)) return usage(`"${time || 'nothing'}" is not a time: give HH:MM on a 24-hour clock, like 09:30.`, 'cadence');
      changes.localTime = time.padStart(5, '0');
      i += 1;
    } else if (w === 'individual' || w === 'team') {
      changes.mode = w;
    } else if (w === 'window') {
      const days = next?.kind === 'word' ? Number(next.text) : NaN;
      if (!Number.isInteger(days) || days < 1 || days > 14) return usage('The answer window is a whole number of working days from 1 to 14, like `window 2`.', 'cadence');
      changes.windowDays = days;
      i += 1;
    } else if (w === 'reminder' || w === 'reminders') {
      const v = word(next);
      if (v !== 'on' && v !== 'off') return usage('Say `reminder on` or `reminder off`.', 'cadence');
      changes.reminder = v === 'on';
      i += 1;
    } else if (w === 'on' || w === 'off' || w === 'active' || w === 'inactive') {
      changes.active = w === 'on' || w === 'active';
    } else {
      return usage(
        `I could not read "${describe(t)}". Allowed: weekly, biweekly, monthly [first|second|third|fourth|last], cron "<expr>", a weekday (monday … sunday), at HH:MM, individual, team #channel, window <1–14>, reminder on|off, on|off.`,
        'cadence',
      );
    }
  }
  return { kind: 'cadence.set', key, changes };
}

function parseQuestions(tokens: Token[]): ParsedCommand {
  const sub = word(tokens[0]);
  const rest = tokens.slice(1);
  switch (sub) {
    case undefined:
    case 'list': {
      const level = word(rest[0]);
      if (rest.length > 1) return usage(`Unexpected "${rest.slice(1).map(describe).join(' ')}".`, 'questions');
      return { kind: 'questions.list', ...(level ? { level } : {}) };
    }
    case 'add': {
      const [levelT, kindT, intentT, textT, ...flags] = rest;
      const level = word(levelT);
      if (!level) return usage('Say which level asks it: ceo_president, president_managers or manager_reps.', 'questions');
      const kind = word(kindT);
      if (!kind || !(QUESTION_KINDS as readonly string[]).includes(kind)) return usage(`Give a kind: ${QUESTION_KINDS.join(', ')}.`, 'questions');
      const intent = word(intentT);
      if (!intent || !(QUESTION_INTENTS as readonly string[]).includes(intent)) return usage(`Give an intent: ${QUESTION_INTENTS.join(', ')}.`, 'questions');
      if (textT?.kind !== 'word' || !textT.text.trim()) return usage('Give the question in quotes, like "What helped you most this week?".', 'questions');
      let fixed = false;
      let required = false;
      let choices: string[] | undefined;
      let goalName: string | undefined;
      for (let i = 0; i < flags.length; i++) {
        const f = word(flags[i]);
        if (f === 'fixed') fixed = true;
        else if (f === 'required') required = true;
        else if (f === 'choices' && flags[i + 1]?.kind === 'word') {
          choices = (flags[i + 1] as { text: string }).text.split('|').map((c) => c.trim()).filter(Boolean);
          i += 1;
        } else if (f === 'goal' && flags[i + 1]?.kind === 'word') {
          goalName = (flags[i + 1] as { text: string }).text.trim();
          i += 1;
        } else return usage(`Unexpected "${describe(flags[i]!)}": after the text come fixed, required, choices "a|b|c", or goal "<goal name>".`, 'questions');
      }
      return {
        kind: 'questions.add',
        draft: { level, kind: kind as QuestionDraft['kind'], intent: intent as QuestionDraft['intent'], text: textT.text.trim(), fixed, required, ...(choices ? { choices } : {}), ...(goalName ? { goalName } : {}) },
      };
    }
    case 'edit':
    case 'retire': {
      const id = numberOf(rest[0]);
      if (!Number.isInteger(id) || id <= 0) return usage('Give the question’s number, as `/cascade questions list` shows it.', 'questions');
      if (sub === 'retire') {
        if (rest.length > 1) return usage(`Unexpected "${rest.slice(1).map(describe).join(' ')}".`, 'questions');
        return { kind: 'questions.retire', id };
      }
      const text = rest[1]?.kind === 'word' ? rest[1].text.trim() : '';
      if (!text || rest.length > 2) return usage('Give the new wording in quotes, like `/cascade questions edit 12 "What helped most?"`.', 'questions');
      return { kind: 'questions.edit', id, text };
    }
    default:
      return usage(`Unknown questions command "${describe(tokens[0]!)}".`, 'questions');
  }
}

function scopeOf(t: Token | undefined): DigestScope | null {
  const w = word(t);
  return w === 'team' || w === 'org' || w === 'exec' ? w : null;
}

function parseDigest(tokens: Token[]): ParsedCommand {
  const sub = word(tokens[0]);
  const rest = tokens.slice(1);
  switch (sub) {
    case 'channel': {
      const scope = scopeOf(rest[0]);
      if (!scope) return usage('Say which digest: team, org or exec.', 'digest');
      const target = rest[1];
      const leader = rest[2]?.kind === 'user' ? rest[2].id : undefined;
      if (target?.kind === 'channel') return { kind: 'digest.channel', scope, channelId: target.id, ...(leader ? { leaderId: leader } : {}) };
      if (word(target) === 'dm') return { kind: 'digest.channel', scope, channelId: 'dm' };
      return usage('Name the channel with #, picked from Slack’s list so it becomes a link.', 'digest');
    }
    case 'schedule': {
      const scope = scopeOf(rest[0]);
      const frequency = word(rest[1]);
      const day = word(rest[2]);
      const time = rest[3]?.kind === 'word' ? rest[3].text : '';
      if (!scope) return usage('Say which digest: team, org or exec.', 'digest');
      if (frequency !== 'weekly' && frequency !== 'monthly') return usage('Say weekly or monthly (a monthly digest goes out on the first of that weekday in the month).', 'digest');
      const weekday = WEEKDAYS.findIndex((d) => d === day || d.slice(0, 3) === day);
      if (weekday < 0) return usage(`"${day ?? ''}" is not a weekday: monday … sunday.`, 'digest');
      if (!/^([01]?\d|2[0-3]):[0-5]\d$/.test(time)) return usage(`"${time}" is not a time: give HH:MM on a 24-hour clock, like 08:00.`, 'digest');
      return { kind: 'digest.schedule', scope, frequency, weekday, localTime: time.padStart(5, '0') };
    }
    case 'preview':
    case 'now': {
      const scope = rest.length ? scopeOf(rest[0]) : 'team';
      if (!scope || rest.length > 1) return usage('Say which digest: team, org or exec.', 'digest');
      return { kind: sub === 'now' ? 'digest.now' : 'digest.preview', scope };
    }
    default:
      return usage(sub ? `Unknown digest command "${describe(tokens[0]!)}".` : 'Say what to do with the digest.', 'digest');
  }
}
