import type { DigestScope } from '../../db/types';
import { exportFor } from '../../digests/export';
import { buildDigest } from '../../digests/figures';
import { fromTheTop } from '../../digests/exec';
import { monthlyPack } from '../../digests/pack';
import { periodAround } from '../../time/periods';
import { packMessage } from '../blocks/pack';
import {
  queueDigestNow,
  digestChannel,
  previewTarget,
  releaseDigestClaim,
  setDigestChannel,
  setDigestSchedule,
} from '../../digests/settings';
import { requireAdmin } from '../../org/policy';
import { setCoreValue } from '../../org/people';
import { settledDelivery } from '../../outbox/store';
import { addDays, isCalendarDate, WEEKDAYS } from '../../time/calendar';
import { coreValueReply } from '../blocks/accountability';
import { digestMessage } from '../blocks/digest';
import { dayLabel } from '../blocks/text';
import { channelProblem, ensureInChannel } from '../channels';
import { describe, refuse, subcommand, word, type CommandContext, type Token } from './kit';

function scopeOf(t: Token | undefined): DigestScope | null {
  const w = word(t);
  return w === 'team' || w === 'org' || w === 'exec' ? w : null;
}

const digestChannelCommand = subcommand<{ scope: DigestScope; channelId: string; leaderId?: string }>({
  path: ['digest', 'channel'],
  usage: '/cascade digest channel <team|org|exec> #channel',
  about: 'where a digest is posted (team: your own team; org and exec: admins; exec may be `dm`)',
  allowed: 'leaders',
  parse: (rest) => {
    const scope = scopeOf(rest[0]);
    if (!scope) return refuse('Say which digest: team, org or exec.');
    const target = rest[1];
    const leader = rest[2]?.kind === 'user' ? rest[2].id : undefined;
    if (target?.kind === 'channel') return { scope, channelId: target.id, ...(leader ? { leaderId: leader } : {}) };
    if (word(target) === 'dm') return { scope, channelId: 'dm' };
    return refuse('Name the channel with #, picked from Slack’s list so it becomes a link.');
  },
  run: async ({ caller, scope }, a) => {
    const set = await setDigestChannel(scope, { ...a, checkChannel: (id) => ensureInChannel(caller.client, id) });
    return {
      text: `The ${set.scope} digest${set.ownerId ? ` of <@${set.ownerId}>'s team` : ''} goes to ${set.channelId === 'dm' ? 'the CEO and the President by DM' : `<#${set.channelId}>`}.`,
    };
  },
});

const digestSchedule = subcommand<{ scope: DigestScope; frequency: 'weekly' | 'monthly'; weekday: number; localTime: string }>({
  path: ['digest', 'schedule'],
  usage: '/cascade digest schedule <team|org|exec> weekly|monthly <weekday> <HH:MM>',
  about: 'when a digest is posted',
  allowed: 'leaders',
  parse: (rest) => {
    const scope = scopeOf(rest[0]);
    const frequency = word(rest[1]);
    const day = word(rest[2]);
    const time = rest[3]?.kind === 'word' ? rest[3].text : '';
    if (!scope) return refuse('Say which digest: team, org or exec.');
    if (frequency !== 'weekly' && frequency !== 'monthly')
      return refuse('Say weekly or monthly (a monthly digest goes out on the first of that weekday in the month).');
    const weekday = WEEKDAYS.findIndex((d) => d === day || d.slice(0, 3) === day);
    if (weekday < 0) return refuse(`"${day ?? ''}" is not a weekday: monday … sunday.`);
    if (!/^([01]?\d|2[0-3]):[0-5]\d$/.test(time)) return refuse(`"${time}" is not a time: give HH:MM on a 24-hour clock, like 08:00.`);
    return { scope, frequency, weekday, localTime: time.padStart(5, '0') };
  },
  run: async ({ scope }, a) => {
    const set = await setDigestSchedule(scope, a);
    const day = WEEKDAYS[set.weekday]!;
    return {
      text: `The ${set.scope} digest goes out ${set.frequency === 'weekly' ? `every ${day}` : `on the first ${day} of each month`} at ${set.localTime}, covering the last complete ${set.frequency === 'weekly' ? 'week' : 'month'}.`,
    };
  },
});

const scopeOnly = (rest: Token[]) => {
  const scope = rest.length ? scopeOf(rest[0]) : 'team';
  if (!scope || rest.length > 1) return refuse('Say which digest: team, org or exec.');
  return { scope };
};

const digestPreview = subcommand<{ scope: DigestScope }>({
  path: ['digest', 'preview'],
  usage: '/cascade digest preview [team|org|exec]',
  about: 'the last complete period’s digest, to you alone',
  allowed: 'everyone',
  parse: scopeOnly,
  run: async ({ deps, caller, scope }, a) => {
    const target = await previewTarget(scope, a.scope);
    const digest = await buildDigest(deps.db, {
      teamId: caller.teamId,
      scope: a.scope,
      ownerId: target.ownerId,
      current: target.current,
      previous: target.previous,
    });
    return digestMessage(digest, a.scope === 'exec' ? await fromTheTop(deps.db, caller.teamId, target.current.start, scope.now) : null);
  },
});

/**
 * Posts the last complete period's digest now: it takes that period's place in the outbox (so the schedule
 * never posts it again), queued to go at once, and goes out through the dispatcher like a scheduled one, chart
 * included. The command waits a few seconds for it, to say where it went or why Slack refused it.
 */
async function postDigestNow({ deps, caller, scope: asker }: CommandContext, scope: DigestScope) {
  const { db } = deps;
  const target = await previewTarget(asker, scope);
  if (scope !== 'team' || target.ownerId !== caller.userId) await requireAdmin(asker, 'post this digest now');
  const channel = await digestChannel(db, caller.teamId, scope, target.ownerId);
  if (!channel || channel === 'dm')
    return { text: `The ${scope} digest has no channel yet: set one with \`/cascade digest channel ${scope} #channel\`.` };
  const range = `${dayLabel(target.current.start, 'short')} – ${dayLabel(target.current.end, 'short')}`;
  const queued = await queueDigestNow(db, {
    teamId: caller.teamId,
    scope,
    ownerId: target.ownerId,
    period: target.current,
    channelId: channel,
    now: asker.now,
  });
  if (!queued.queued) {
    const where = queued.channelId ? ` in <#${queued.channelId}>` : '';
    return {
      text:
        queued.status === 'sent'
          ? `The ${scope} digest for ${range} was already posted${where}: one digest per period.`
          : `The ${scope} digest for ${range} is already on its way${where}.`,
    };
  }
  const state = await settledDelivery(db, queued.id, DIGEST_NOW_WAIT_MS);
  if (state?.status === 'sent')
    return {
      text: `Posted the ${scope} digest for ${range} in <#${channel}>. It is this period's digest: the schedule will not post it again.`,
    };
  const problem = state?.status === 'failed' ? channelProblem(state.lastError ?? undefined) : null;
  // A channel Slack refuses gives the period back: once the channel is fixed, it can be posted.
  if (problem) {
    await releaseDigestClaim(db, queued.id);
    return { text: problem };
  }
  if (state?.status === 'failed')
    return {
      text: `Slack did not take the ${scope} digest for ${range} (${state.lastError}). Try again with \`/cascade digest now ${scope}\`.`,
    };
  return {
    text: `The ${scope} digest for ${range} is on its way to <#${channel}>. It is this period's digest: the schedule will not post it again.`,
  };
}

/** How long `digest now` waits for its digest to reach Slack before it says it is on its way. */
const DIGEST_NOW_WAIT_MS = 5000;

const digestNow = subcommand<{ scope: DigestScope }>({
  path: ['digest', 'now'],
  usage: '/cascade digest now [team|org|exec]',
  about: 'post the digest in its channel now (admins, or a leader for their team)',
  allowed: 'leaders',
  parse: scopeOnly,
  run: (ctx, a) => postDigestNow(ctx, a.scope),
});

const exportCommand = subcommand<{ from?: string; to?: string }>({
  path: ['export'],
  usage: '/cascade export [from <YYYY-MM-DD> to <YYYY-MM-DD>]',
  about:
    'what you can read in Slack as CSV files in your DM: your rows and those below you (admins outside the chain: the organisation’s figures); default: the last 90 days',
  allowed: 'everyone',
  parse: (rest) => {
    if (rest.length === 0) return {};
    const [f, from, t, to, ...extra] = rest.map((x) => (x.kind === 'word' ? x.text : describe(x)));
    if (
      f?.toLowerCase() !== 'from' ||
      t?.toLowerCase() !== 'to' ||
      !from ||
      !to ||
      !isCalendarDate(from) ||
      !isCalendarDate(to) ||
      extra.length
    ) {
      return refuse('Give the dates as `from YYYY-MM-DD to YYYY-MM-DD` (between 2000 and 2100), or nothing for the last 90 days.');
    }
    return { from, to };
  },
  run: async ({ deps, caller, scope }, a) => {
    const today = deps.clock.now().toISOString().slice(0, 10);
    const from = a.from ?? addDays(today, -90);
    const to = a.to ?? today;
    const { kind, files } = await exportFor(scope, { from, to });
    const what =
      kind === 'figures'
        ? 'the organisation’s figures, week by week (you are outside the chain, so no one’s answers or names)'
        : 'your own rows and those of the people below you, plus answers their authors shared';
    const dm = await caller.client.conversations.open({ users: caller.userId });
    await caller.client.filesUploadV2({
      channel_id: dm.channel!.id!,
      initial_comment: `Cascade export, ${from} to ${to}: ${what}. Text cells that could run as spreadsheet formulas start with an apostrophe.`,
      file_uploads: Object.entries(files).map(([filename, text]) => ({ file: Buffer.from(text, 'utf8'), filename })),
    });
    const n = Object.keys(files).length;
    return { text: `Sent ${n} CSV file${n === 1 ? '' : 's'} (${from} to ${to}) to your DM with Cascade: ${what}.` };
  },
});

export const coreValue = subcommand<{ text: string }>({
  path: ['core-value'],
  aliases: ['corevalue'],
  usage: '/cascade core-value "<statement>"',
  about: 'the statement at the top of App Home and under every digest (admins)',
  allowed: { admins: 'change the core-value statement' },
  refreshesHome: true,
  parse: (rest) => {
    const text = rest.map(describe).join(' ').trim();
    if (!text) return refuse('Give the statement, like `/cascade core-value "Sales Excellence"`.');
    return { text };
  },
  run: async ({ deps, caller }, a) => {
    return coreValueReply(await setCoreValue(deps.db, caller.teamId, a.text, deps.clock.now()));
  },
});

const packCommand = subcommand<{ reportId?: string; month?: string }>({
  path: ['pack'],
  usage: '/cascade pack [@report] [YYYY-MM]',
  about: 'the monthly analytics pack the top of the chain and a direct report share (last month by default)',
  allowed: 'leaders',
  parse: (rest) => {
    const out: { reportId?: string; month?: string } = {};
    for (const t of rest) {
      if (t.kind === 'user' && !out.reportId) out.reportId = t.id;
      else if (t.kind === 'word' && /^\d{4}-(0[1-9]|1[0-2])$/.test(t.text) && !out.month) out.month = t.text;
      else return refuse('Say whose pack and which month, like `/cascade pack @pat 2026-11` (both optional).');
    }
    return out;
  },
  run: async ({ scope }, a) =>
    packMessage(
      await monthlyPack(scope, {
        ...(a.reportId ? { reportId: a.reportId } : {}),
        ...(a.month ? { month: periodAround('month', `${a.month}-01`) } : {}),
      }),
    ),
});

export const DIGESTS = [digestChannelCommand, digestSchedule, digestPreview, digestNow, exportCommand, coreValue, packCommand];

export const DIGEST_GROUPS = {
  digest: { missing: 'Say what to do with the digest.', unknown: (w: string) => `Unknown digest command "${w}".` },
};
