import { addHoliday, hoursSetting, listHolidays, removeHoliday, setOwnHours, setWorkspaceHours } from '../../calendar/hours';
import { utcDate } from '../../time/calendar';
import { hoursLabel } from '../../time/hours';
import { dayLabel, typed, type Reply } from '../blocks/text';
import { refuse, subcommand, unexpected, word, type Token } from './kit';

/*
 * When Cascade may write to people: working hours (a person's own, or the workspace's) and holidays. Slack does
 * not tell apps a person's working hours, so they are set here.
 */

const HOURS_USAGE =
  'Give the hours like `/cascade hours 09:00-17:30`, and the days if they are not Monday to Friday: `/cascade hours 08:00-16:00 sun-thu`.';

/** `09:00-17:30 [mon-fri]` as typed (the tokenizer keeps `09:00-17:30` whole). */
function readSpan(tokens: Token[]): { span: string; days?: string } | ReturnType<typeof refuse> {
  const [span, days, ...extra] = tokens;
  if (span?.kind !== 'word') return refuse(HOURS_USAGE);
  if (days && days.kind !== 'word') return refuse(HOURS_USAGE);
  if (extra.length) return unexpected(extra);
  return { span: span.text, ...(days ? { days: days.text } : {}) };
}

function hoursReply(s: { workspace: Parameters<typeof hoursLabel>[0]; own: Parameters<typeof hoursLabel>[0] | null }): Reply {
  const yours = s.own ? `${hoursLabel(s.own)} (your own)` : `${hoursLabel(s.workspace)} (the workspace’s)`;
  return {
    text: `Your working hours: *${yours}*, in your own time zone. Cascade writes to you only then: anything due outside them waits for your next working hour, and nothing comes on a holiday.${s.own ? ` The workspace’s are ${hoursLabel(s.workspace)}; \`/cascade hours reset\` goes back to them.` : ''}`,
  };
}

export const hours = subcommand<{ set?: { span: string; days?: string }; reset?: true; workspace?: { span: string; days?: string } }>({
  path: ['hours'],
  usage: '/cascade hours [HH:MM-HH:MM [mon-fri]|reset]',
  about: 'your working hours: Cascade writes to you only then',
  more: [
    { usage: '/cascade hours workspace HH:MM-HH:MM [mon-fri]', about: 'everyone’s working hours, unless they set their own (admins)' },
  ],
  allowed: 'everyone',
  parse: (rest) => {
    if (rest.length === 0) return {};
    if (word(rest[0]) === 'reset' && rest.length === 1) return { reset: true };
    if (word(rest[0]) === 'workspace') {
      const read = readSpan(rest.slice(1));
      return 'refused' in read ? read : { workspace: read };
    }
    const read = readSpan(rest);
    return 'refused' in read ? read : { set: read };
  },
  run: async ({ scope }, a) => {
    if (a.workspace) {
      const set = await setWorkspaceHours(scope, a.workspace);
      return {
        text: `The workspace’s working hours are now *${hoursLabel(set)}*, in each person’s own time zone (people who set their own keep them).`,
      };
    }
    if (a.reset) return hoursReply(await setOwnHours(scope, 'reset'));
    if (a.set) return hoursReply(await setOwnHours(scope, a.set));
    return hoursReply(await hoursSetting(scope));
  },
});

const holidaysList = subcommand({
  path: ['holidays', 'list'],
  default: true,
  usage: '/cascade holidays list',
  about: 'the workspace’s holidays: nothing is sent and no answer window closes on them',
  more: [{ usage: '/cascade holidays', about: 'the same, for short' }],
  allowed: 'everyone',
  parse: (rest) => (rest.length ? unexpected(rest) : {}),
  run: async ({ scope }) => {
    const list = await listHolidays(scope.db, scope.teamId, utcDate(scope.now));
    if (list.length === 0) {
      // The example is a day still ahead: the next 25 December.
      const today = utcDate(scope.now);
      const christmas = `${Number(today.slice(0, 4)) + (today.slice(5) > '12-25' ? 1 : 0)}-12-25`;
      return {
        text: `No holidays ahead. An admin adds one with \`/cascade holidays add ${christmas} "Christmas Day"\` (or loads a file with \`cascade holidays import\`).`,
      };
    }
    return {
      text: `*Holidays ahead* (nothing is sent, no window closes)\n${list
        .slice(0, 40)
        .map((h) => `• ${dayLabel(h.day, 'full')}${h.name ? ` — ${typed(h.name)}` : ''}`)
        .join('\n')}`,
    };
  },
});

const holidaysAdd = subcommand<{ day: string; name?: string }>({
  path: ['holidays', 'add'],
  usage: '/cascade holidays add <YYYY-MM-DD> ["name"]',
  about: 'a holiday: nothing is sent that day, and no answer window closes on it (admins)',
  allowed: { admins: 'set holidays' },
  parse: (rest) => {
    const [day, name, ...extra] = rest;
    if (day?.kind !== 'word')
      return refuse('Give the day as YYYY-MM-DD, and its name in quotes if you like: `/cascade holidays add YYYY-MM-DD "Christmas Day"`.');
    if (name && name.kind !== 'word') return refuse('Give the holiday’s name in quotes.');
    if (extra.length) return unexpected(extra);
    return { day: day.text, ...(name ? { name: name.text } : {}) };
  },
  run: async ({ scope }, a) => {
    const h = await addHoliday(scope, a);
    return {
      text: `${dayLabel(h.day, 'full')}${h.name ? ` (${typed(h.name)})` : ''} is a holiday: nothing is sent that day, and no answer window closes on it.`,
    };
  },
});

const holidaysRemove = subcommand<{ day: string }>({
  path: ['holidays', 'remove'],
  usage: '/cascade holidays remove <YYYY-MM-DD>',
  about: 'a day that is no longer a holiday (admins)',
  allowed: { admins: 'set holidays' },
  parse: (rest) =>
    rest[0]?.kind === 'word' && rest.length === 1
      ? { day: rest[0].text }
      : refuse('Give the day as YYYY-MM-DD: `/cascade holidays remove YYYY-MM-DD` (`/cascade holidays` lists them).'),
  run: async ({ scope }, a) => {
    await removeHoliday(scope, a.day);
    return { text: `${a.day} is a working day again.` };
  },
});

export const HOURS = [hours, holidaysList, holidaysAdd, holidaysRemove];

export const HOURS_GROUPS = {
  holidays: { missing: '', unknown: (w: string) => `Unknown holidays command "${w}".` },
};
