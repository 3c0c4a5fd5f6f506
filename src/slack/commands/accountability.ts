import { listCommitments, makeCommitment, markDoneAt } from '../../accountability/commitments';
import { getPerson } from '../../org/people';
import { closeFlag, FACTOR_WORDS, flagsBelow, listFlagRules, orgFlagCounts, setFlagRule } from '../../accountability/flags';
import { goalsOf, reportProgress, setGoal } from '../../accountability/goals';
import { figuresOnly } from '../../org/policy';
import { utcDate } from '../../time/calendar';
import { isDayWords } from '../../input';
import {
  commitmentDoneReply,
  commitmentMadeReply,
  commitmentsReply,
  flagClosedReply,
  flagRulesReply,
  flagsReply,
  goalSetReply,
  orgFlagsReply,
  goalsReply,
  progressReply,
} from '../blocks/accountability';
import { describe, ISO_DATE, none, notAMention, numberOf, optionalPerson, refuse, subcommand, word, type Token } from './kit';

export const commit = subcommand<{ text: string; by?: string }>({
  path: ['commit'],
  usage: '/cascade commit <text> [by <day>]',
  about: 'commit to your leader; due at your next check-in unless you give a day (friday, next week, end of month, YYYY-MM-DD)',
  allowed: 'everyone',
  refreshesHome: true,
  parse: (tokens) => {
    const rest = [...tokens];
    let by: string | undefined;
    // "by" and the day after it, the way people write it ("by friday", "by next week", "by 2026-12-24"): the
    // longest ending that reads as a day; "by Acme" stays in the text.
    for (const n of [3, 2, 1]) {
      if (rest.length < n + 2 || word(rest[rest.length - n - 1]) !== 'by') continue;
      const tail = rest.slice(-n);
      if (tail.some((t) => t.kind !== 'word' || t.quoted)) continue;
      const day = tail.map((t) => (t as { text: string }).text).join(' ');
      if (!ISO_DATE.test(day) && !isDayWords(day)) continue;
      by = day;
      rest.splice(rest.length - n - 1, n + 1);
      break;
    }
    const text = rest.map(describe).join(' ').trim();
    if (!text) return refuse('Say what you commit to, like `/cascade commit call every open opportunity by friday`.');
    return { text, ...(by ? { by } : {}) };
  },
  run: async ({ scope }, a) => commitmentMadeReply(await makeCommitment(scope, a)),
});

export const commitments = subcommand<{ userId?: string }>({
  path: ['commitments'],
  usage: '/cascade commitments [@person]',
  about: 'open and recent commitments (yours, or of someone below you)',
  allowed: 'everyone',
  parse: optionalPerson,
  run: async ({ caller, scope }, a) =>
    commitmentsReply(
      await listCommitments(scope, a.userId ?? caller.userId),
      a.userId === undefined || a.userId === caller.userId,
      utcDate(scope.now),
    ),
});

export const done = subcommand<{ userId?: string; position: number }>({
  path: ['done'],
  usage: '/cascade done [@person] <number>',
  about: 'close a commitment as done: its number in `/cascade commitments` (yours, or of someone below you)',
  allowed: 'everyone',
  refreshesHome: (a) => (a.userId ? [a.userId] : []),
  parse: (rest) => {
    const person = rest[0]?.kind === 'user' ? rest[0].id : undefined;
    const tail = person ? rest.slice(1) : rest;
    const position = numberOf(tail[0]);
    if (!Number.isInteger(position) || tail.length !== 1)
      return refuse('Give the commitment’s number, as `/cascade commitments` shows it, like `/cascade done 1`.');
    return { ...(person ? { userId: person } : {}), position };
  },
  run: async ({ scope }, a) => commitmentDoneReply(await markDoneAt(scope, { ownerId: a.userId ?? scope.actor.id, position: a.position })),
});

interface GoalSetArgs {
  userId: string;
  scope: 'person' | 'team';
  name: string;
  target: string;
  unit: string;
  period: string;
  source?: string;
}

const goalSet = subcommand<GoalSetArgs>({
  path: ['goal', 'set'],
  usage:
    '/cascade goal set @person [team] "<name>" <target> <USD|EUR|…|count|percent> <weekly|monthly|quarterly> [from crm <closed_won_amount|closed_won_count|pipeline_created|open_pipeline>]',
  about: 'set a goal for someone below you, or a team goal (leaders, admins)',
  allowed: 'leaders',
  refreshesHome: (a) => [a.userId],
  parse: (tokens) => {
    const rest = [...tokens];
    const who = rest.shift();
    if (who?.kind !== 'user') return refuse(notAMention(who, 'whose goal it is'));
    let scope: 'person' | 'team' = 'person';
    if (word(rest[0]) === 'team' && (rest.length === 5 || rest.length === 8)) {
      scope = 'team';
      rest.shift();
    }
    // "… from crm closed_won_amount": the goal follows a CRM measure.
    let source: string | undefined;
    if (rest.length === 7 && word(rest[4]) === 'from' && word(rest[5]) === 'crm' && rest[6]?.kind === 'word') {
      source = `crm ${(rest[6] as { text: string }).text}`;
      rest.splice(4, 3);
    }
    if (rest.length !== 4 || rest.some((t) => t.kind !== 'word')) {
      return refuse(
        'Give the goal as "name" target unit period, like `/cascade goal set @rep "New pipeline" 250000 USD monthly`, and to follow the CRM add `from crm closed_won_amount`.',
      );
    }
    const [name, target, unit, period] = rest.map((t) => (t as { text: string }).text) as [string, string, string, string];
    return { userId: who.id, scope, name, target, unit, period, ...(source ? { source } : {}) };
  },
  run: async ({ scope }, a) =>
    goalSetReply(
      await setGoal(scope, {
        ownerId: a.userId,
        scope: a.scope,
        name: a.name,
        target: a.target,
        unit: a.unit,
        period: a.period,
        ...(a.source ? { source: a.source } : {}),
      }),
    ),
});

export const progress = subcommand<{ name: string; value: string }>({
  path: ['progress'],
  usage: '/cascade progress "<goal>" <value>',
  about: 'report where one of your goals stands this period',
  allowed: 'everyone',
  refreshesHome: true,
  parse: (rest) => {
    if (rest.length !== 2 || rest.some((t) => t.kind !== 'word'))
      return refuse('Give the goal and its value this period, like `/cascade progress "New pipeline" 120000`.');
    return { name: (rest[0] as { text: string }).text, value: (rest[1] as { text: string }).text };
  },
  run: async ({ deps, caller }, a) =>
    progressReply(
      await reportProgress(deps.db, {
        teamId: caller.teamId,
        personId: caller.userId,
        name: a.name,
        value: a.value,
        now: deps.clock.now(),
      }),
    ),
});

export const goals = subcommand<{ userId?: string }>({
  path: ['goals'],
  usage: '/cascade goals [@person]',
  about: 'goals with attainment and pace (yours, or of someone below you)',
  allowed: 'everyone',
  parse: optionalPerson,
  run: async ({ caller, scope }, a) => goalsReply(await goalsOf(scope, a.userId ?? caller.userId)),
});

export const flags = subcommand({
  path: ['flags'],
  usage: '/cascade flags',
  about: 'open flags about people below you',
  allowed: 'leaders',
  parse: none('flags'),
  // An admin outside the chain has nobody below them: the organisation's counts instead.
  run: async ({ scope }) =>
    figuresOnly(scope.actor) ? orgFlagsReply(await orgFlagCounts(scope)) : flagsReply(await flagsBelow(scope), scope.now),
});

const CLOSE_USAGE =
  'Say whose flag to close, the factor that explains it and why, like `/cascade flag close @mia territory "Her territory lost two big accounts"` (or press Close in `/cascade flags`).';

/** The factors a flag is closed with, as typed. */
const FACTORS = Object.keys(FACTOR_WORDS);

/** The words before the sentence: a factor (territory … none) and, for someone with more than one flag, which. */
function closeWords(rest: Token[]): { which?: string; factor?: string; answer: string } {
  const out: { which?: string; factor?: string } = {};
  let i = 0;
  for (; i < rest.length && i < 2; i++) {
    const t = rest[i]!;
    if (t.kind !== 'word' || t.quoted) break;
    if (FACTORS.includes(t.text.toLowerCase()) && !out.factor) out.factor = t.text;
    else if (!out.which) out.which = t.text;
    // A second word that is no factor was meant as one: the domain says which words are.
    else if (!out.factor) out.factor = t.text;
    else break;
  }
  return { ...out, answer: rest.slice(i).map(describe).join(' ').trim() };
}

export const flagClose = subcommand<{ id?: number; userId?: string; which?: string; factor?: string; answer: string }>({
  path: ['flag', 'close'],
  usage: `/cascade flag close @person [missed|commitments|goal|confidence] ${FACTORS.join('|')} "<what in the organisation could explain it>"`,
  about: 'close a flag with the factor that explains it and your sentence about it',
  allowed: 'leaders',
  refreshesHome: true,
  parse: (rest) => {
    // By whose and which it is; an earlier number (a flag's id) still works for those who kept one.
    if (rest[0]?.kind === 'user') return { userId: rest[0].id, ...closeWords(rest.slice(1)) };
    const id = numberOf(rest[0]);
    if (!Number.isInteger(id)) return refuse(CLOSE_USAGE);
    const words = closeWords(rest.slice(1));
    return { id, ...(words.factor ? { factor: words.factor } : {}), answer: [words.which, words.answer].filter(Boolean).join(' ') };
  },
  run: async ({ scope }, a) => {
    const flag = await closeFlag(
      scope,
      a.id !== undefined
        ? { id: a.id, orgFactors: a.answer, factor: a.factor ?? null }
        : { personId: a.userId!, ...(a.which ? { rule: a.which } : {}), orgFactors: a.answer, factor: a.factor ?? null },
    );
    return flagClosedReply(flag, (await getPerson(scope.db, scope.teamId, flag.person_id))?.name ?? flag.person_id);
  },
});

const flagRules = subcommand({
  path: ['flag', 'rules'],
  usage: '/cascade flag rules',
  about: 'the flag rules and their thresholds',
  allowed: 'everyone',
  parse: () => ({}),
  run: async ({ deps, caller }) => flagRulesReply(await listFlagRules(deps.db, caller.teamId)),
});

const flagRule = subcommand<{ key: string; active?: boolean; threshold?: number }>({
  path: ['flag', 'rule'],
  usage: '/cascade flag rule <rule> on|off|<threshold>',
  about: 'switch a flag rule or change its threshold (admins)',
  allowed: { admins: 'change flag rules' },
  parse: (rest) => {
    const key = word(rest[0]);
    const value = word(rest[1]);
    if (!key || !value || rest.length > 2)
      return refuse('Say which rule and what to set, like `/cascade flag rule missed_in_a_row 3` or `… off`.');
    if (value === 'on' || value === 'off') return { key, active: value === 'on' };
    const threshold = Number(value);
    if (!Number.isFinite(threshold)) return refuse(`"${value}" is neither on, off nor a number.`);
    return { key, threshold };
  },
  run: async ({ deps, caller }, a) => {
    return flagRulesReply([await setFlagRule(deps.db, caller.teamId, a.key, { active: a.active, threshold: a.threshold })]);
  },
});

export const ACCOUNTABILITY = [commit, commitments, done, goalSet, progress, goals, flags, flagClose, flagRules, flagRule];

/** What a group says when its second word is missing or unknown. */
export const ACCOUNTABILITY_GROUPS = {
  goal: { missing: 'Say `goal set …`.', unknown: (w: string) => `Unknown goal command "${w}".` },
  flag: { missing: CLOSE_USAGE, unknown: () => CLOSE_USAGE },
};
