import { listCadences } from '../../calendar/upcoming';
import { resetOverride, updateCadence, type CadenceChanges, type OverrideTarget } from '../../checkins/cadences';
import { cadencesByLevel } from '../../calendar/assign';
import { chainLevels } from '../../org/chain';
import {
  addQuestion,
  editQuestion,
  listQuestions,
  QUESTION_INTENTS,
  QUESTION_KINDS,
  retireQuestion,
  type QuestionDraft,
} from '../../checkins/questions';
import { WEEKDAYS } from '../../time/calendar';
import { cadenceLine, cadenceListReply, cadenceSetReply, questionChangedReply, questionsListReply } from '../blocks/self-service';
import { ensureInChannel } from '../channels';
import { describe, notAMention, numberOf, refuse, subcommand, unexpected, word, type Token } from './kit';

const NTH: Record<string, number> = { first: 1, '1st': 1, second: 2, '2nd': 2, third: 3, '3rd': 3, fourth: 4, '4th': 4, last: -1 };

const cadenceList = subcommand({
  path: ['cadence', 'list'],
  aliases: ['cadences'],
  default: true,
  usage: '/cascade cadence list',
  about: 'when each level of the cascade meets',
  allowed: 'everyone',
  parse: (rest) => (rest.length ? unexpected(rest) : {}),
  run: async ({ deps, caller }) => {
    const cadences = await listCadences(deps.db, caller.teamId);
    return cadenceListReply(cadences, cadencesByLevel(cadences, await chainLevels(deps.db, caller.teamId)));
  },
});

interface CadenceSetArgs {
  key: string;
  changes: CadenceChanges;
  target?: OverrideTarget;
}

function parseCadenceSet(tokens: Token[]): CadenceSetArgs | ReturnType<typeof refuse> {
  const key = word(tokens[0]);
  if (!key) return refuse('Name the cadence to change (see `/cascade cadence list`).');
  const read = readTarget(tokens.slice(1));
  if ('refused' in read) return read;
  const { target, rest } = read;
  if (rest.length === 0) return refuse('Say what to change: frequency, weekday, time, mode, window, reminder, or on/off.');
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
      if (next?.kind !== 'word') return refuse('Give the cron expression in quotes, like cron "0 9 * * 1".');
      changes.frequency = 'cron';
      changes.cron = next.text;
      i += 1;
    } else if (w && WEEKDAYS.some((d) => d === w || d.slice(0, 3) === w)) {
      changes.weekday = WEEKDAYS.findIndex((d) => d === w || d.slice(0, 3) === w);
    } else if (w === 'at') {
      const time = next?.kind === 'word' ? next.text : '';
      if (!/^([01]?\d|2[0-3]):[0-5]\d$/.test(time))
        return refuse(`"${time || 'nothing'}" is not a time: give HH:MM on a 24-hour clock, like 09:30.`);
      changes.localTime = time.padStart(5, '0');
      i += 1;
    } else if (w === 'individual' || w === 'team') {
      changes.mode = w;
    } else if (w === 'window') {
      const days = next?.kind === 'word' ? Number(next.text) : NaN;
      if (!Number.isInteger(days) || days < 1 || days > 14)
        return refuse('The answer window is a whole number of working days from 1 to 14, like `window 2`.');
      changes.windowDays = days;
      i += 1;
    } else if (w === 'reminder' || w === 'reminders') {
      const v = word(next);
      if (v !== 'on' && v !== 'off') return refuse('Say `reminder on` or `reminder off`.');
      changes.reminder = v === 'on';
      i += 1;
    } else if (w === 'on' || w === 'off' || w === 'active' || w === 'inactive') {
      changes.active = w === 'on' || w === 'active';
    } else {
      return refuse(
        `I could not read "${describe(t)}". Allowed: weekly, biweekly, monthly [first|second|third|fourth|last], cron "<expr>", a weekday (monday … sunday), at HH:MM, individual, team #channel, window <1–14>, reminder on|off, on|off.`,
      );
    }
  }
  return { key, changes, ...(target ? { target } : {}) };
}

const cadenceSet = subcommand<CadenceSetArgs>({
  path: ['cadence', 'set'],
  aliases: ['cadences'],
  usage:
    '/cascade cadence set <cadence> [for @leader|level N] [weekly|biweekly|monthly [first|second|third|fourth|last]|cron "<expr>"] [<weekday>] [at HH:MM] [individual|team #channel] [window <days>] [reminder on|off] [on|off]',
  about: 'change a cadence, or override it for one leader or one level of the chart (admins)',
  allowed: { admins: 'change cadences' },
  parse: parseCadenceSet,
  run: async ({ deps, caller, scope }, a) => {
    if (a.changes.channelId) await ensureInChannel(caller.client, a.changes.channelId);
    return cadenceSetReply(await updateCadence(deps.db, caller.teamId, a.key, a.changes, a.target, scope.now));
  },
});

/** `for @leader` or `level N`, as `cadence set` and `cadence reset` read it: the target and what follows it. */
function readTarget(tokens: Token[]): { target?: OverrideTarget; rest: Token[] } | ReturnType<typeof refuse> {
  if (word(tokens[0]) === 'for') {
    if (tokens[1]?.kind !== 'user') return refuse(notAMention(tokens[1], 'the leader after for'));
    return { target: { leaderId: tokens[1].id }, rest: tokens.slice(2) };
  }
  if (word(tokens[0]) === 'level') {
    const n = tokens[1]?.kind === 'word' ? Number(tokens[1].text) : NaN;
    if (!Number.isInteger(n) || n < 1 || n > 12)
      return refuse('Give the level as a number from 1 (the top) to 12, like `level 3` (see `/cascade cadence list`).');
    return { target: { level: n }, rest: tokens.slice(2) };
  }
  return { rest: tokens };
}

const cadenceReset = subcommand<{ key: string; target: OverrideTarget }>({
  path: ['cadence', 'reset'],
  usage: '/cascade cadence reset <cadence> for @leader|level N',
  about: 'remove an override: that leader or level follows the cadence again, from the next period; its rounds are kept (admins)',
  allowed: { admins: 'change cadences' },
  parse: (tokens) => {
    const key = word(tokens[0]);
    if (!key) return refuse('Name the cadence whose override to remove, like `/cascade cadence reset manager_reps for @ann`.');
    const read = readTarget(tokens.slice(1));
    if ('refused' in read) return read;
    if (!read.target) return refuse('Say whose override to remove: `for @leader` or `level N`.');
    if (read.rest.length) return unexpected(read.rest);
    return { key, target: read.target };
  },
  run: async ({ deps, caller, scope }, a) => {
    const base = await resetOverride(deps.db, caller.teamId, a.key, a.target, scope.now);
    const whom = 'leaderId' in a.target ? `<@${a.target.leaderId}>` : `level ${a.target.level}`;
    return { text: `${whom} follows \`${base.key}\` again, from the next period (${cadenceLine(base)}). The override's rounds are kept.` };
  },
});

const questionsList = subcommand<{ level?: string }>({
  path: ['questions', 'list'],
  aliases: ['question'],
  default: true,
  usage: '/cascade questions list [<level>]',
  about: 'the questions each level is asked',
  allowed: 'everyone',
  parse: (rest) => {
    const level = word(rest[0]);
    if (rest.length > 1) return unexpected(rest.slice(1));
    return level ? { level } : {};
  },
  run: async ({ deps, caller }, a) => {
    return questionsListReply(await listQuestions(deps.db, caller.teamId, a.level));
  },
});

const questionsAdd = subcommand<{ draft: QuestionDraft }>({
  path: ['questions', 'add'],
  aliases: ['question'],
  usage: '/cascade questions add <level> <kind> <intent> "<text>" [fixed] [required] [choices "a|b|c"] [goal "<goal name>"]',
  about: 'add a question (admins); a number question with a goal reports progress towards it',
  allowed: { admins: 'add questions' },
  parse: (rest) => {
    const [levelT, kindT, intentT, textT, ...flags] = rest;
    const level = word(levelT);
    if (!level) return refuse('Say which level asks it: ceo_president, president_managers or manager_reps.');
    const kind = word(kindT);
    if (!kind || !(QUESTION_KINDS as readonly string[]).includes(kind)) return refuse(`Give a kind: ${QUESTION_KINDS.join(', ')}.`);
    const intent = word(intentT);
    if (!intent || !(QUESTION_INTENTS as readonly string[]).includes(intent))
      return refuse(`Give an intent: ${QUESTION_INTENTS.join(', ')}.`);
    if (textT?.kind !== 'word' || !textT.text.trim()) return refuse('Give the question in quotes, like "What helped you most this week?".');
    let fixed = false;
    let required = false;
    let choices: string[] | undefined;
    let goalName: string | undefined;
    for (let i = 0; i < flags.length; i++) {
      const f = word(flags[i]);
      if (f === 'fixed') fixed = true;
      else if (f === 'required') required = true;
      else if (f === 'choices' && flags[i + 1]?.kind === 'word') {
        choices = (flags[i + 1] as { text: string }).text
          .split('|')
          .map((c) => c.trim())
          .filter(Boolean);
        i += 1;
      } else if (f === 'goal' && flags[i + 1]?.kind === 'word') {
        goalName = (flags[i + 1] as { text: string }).text.trim();
        i += 1;
      } else
        return refuse(`Unexpected "${describe(flags[i]!)}": after the text come fixed, required, choices "a|b|c", or goal "<goal name>".`);
    }
    return {
      draft: {
        level,
        kind: kind as QuestionDraft['kind'],
        intent: intent as QuestionDraft['intent'],
        text: textT.text.trim(),
        fixed,
        required,
        ...(choices ? { choices } : {}),
        ...(goalName ? { goalName } : {}),
      },
    };
  },
  run: async ({ deps, caller }, a) => {
    return questionChangedReply('Added', await addQuestion(deps.db, caller.teamId, a.draft));
  },
});

const NUMBER_USAGE = 'Give the question’s number, as `/cascade questions list` shows it.';

const questionsEdit = subcommand<{ id: number; text: string }>({
  path: ['questions', 'edit'],
  aliases: ['question'],
  usage: '/cascade questions edit <number> "<text>"',
  about: 'reword a question (admins)',
  allowed: { admins: 'reword questions' },
  parse: (rest) => {
    const id = numberOf(rest[0]);
    if (!Number.isInteger(id)) return refuse(NUMBER_USAGE);
    const text = rest[1]?.kind === 'word' ? rest[1].text.trim() : '';
    if (!text || rest.length > 2) return refuse('Give the new wording in quotes, like `/cascade questions edit 12 "What helped most?"`.');
    return { id, text };
  },
  run: async ({ deps, caller }, a) => {
    return questionChangedReply('Reworded', await editQuestion(deps.db, caller.teamId, a.id, a.text));
  },
});

const questionsRetire = subcommand<{ id: number }>({
  path: ['questions', 'retire'],
  aliases: ['question'],
  usage: '/cascade questions retire <number>',
  about: 'stop asking a question; past answers keep its text (admins)',
  allowed: { admins: 'retire questions' },
  parse: (rest) => {
    const id = numberOf(rest[0]);
    if (!Number.isInteger(id)) return refuse(NUMBER_USAGE);
    if (rest.length > 1) return unexpected(rest.slice(1));
    return { id };
  },
  run: async ({ deps, caller }, a) => {
    return questionChangedReply('Retired', await retireQuestion(deps.db, caller.teamId, a.id));
  },
});

export const SETTINGS = [cadenceList, cadenceSet, cadenceReset, questionsList, questionsAdd, questionsEdit, questionsRetire];

export const SETTINGS_GROUPS = {
  cadence: { missing: '', unknown: (w: string) => `Unknown cadence command "${w}".` },
  questions: { missing: '', unknown: (w: string) => `Unknown questions command "${w}".` },
};
