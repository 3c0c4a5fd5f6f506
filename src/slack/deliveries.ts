import { awayReason, DEFAULT_AWAY_STATUS } from '../checkins/away';
import { freshFrom, nameOf, recordStatus, type StoredStatus } from '../org/people';
import { readableLines, withSummary } from './blocks/summary';
import { sharedAnswersOf } from '../checkins/answers';
import { buildBrief } from '../checkins/briefs';
import {
  checkinContext,
  checkinContextWithStatus,
  teamRoundContext,
  type CheckinContext,
  type TeamRoundContext,
} from '../checkins/context';
import { markSkipped } from '../checkins/moves';
import { chartHistory, renderChart } from '../digests/chart';
import { execNumbersFor, fromTheTop } from '../digests/exec';
import { buildDigest } from '../digests/figures';
import { sentMessage } from '../outbox/store';
import { promptSent, reminderSent, roundLivePosted, teamRoundPosted } from '../checkins/sent';
import { heldNoteDelivery } from '../checkins/one-on-one';
import { liveRound } from '../checkins/live';
import { replyDelivery } from '../checkins/replies';
import { answerNoteMessage, answerToLeaderMessage, heldNoteMessage, liveRoundMessage, replyToMemberMessage } from './blocks/conversation';
import type { DeliveryHandler, DeliveryHandlers, SendContext } from '../scheduler/dispatch';
import { deliveryKey } from '../outbox/vocabulary';
import { RateLimitedError } from '../scheduler/messenger';
import { briefDetailMessages, briefMessage } from './blocks/brief';
import { digestMessage } from './blocks/digest';
import { promptMessage, reminderMessage } from './blocks/prompt';
import { sharedAnswersMessage, teamReminderMessage, teamRoundMessage } from './blocks/team';
import { periodAround, periodBefore } from '../time/periods';
import { monthlyPack, packChart, type MonthlyPack } from '../digests/pack';
import { packMessage } from './blocks/pack';
import { scopeOf } from '../org/policy';
import { UserError } from '../errors';
import { monthLabel } from '../time/calendar';
import type { Reply } from './blocks/text';
import { firstRunDone, welcomeMessage } from './blocks/welcome';
import { firstRunProgress } from '../org/service';

/*
 * How each kind of delivery is sent to Slack: built from the database at send time, rendered with the pure
 * Block Kit builders, and said how it went (sent, with what the domain records; or cancelled, and why). The
 * dispatcher alone writes the delivery row; it knows only this table.
 */

/**
 * A digest, built at send time from the database for the scope and period its key names: scheduled, or queued
 * on demand (`/cascade digest now`) under the same key.
 */
const sendDigest: DeliveryHandler<'digest'> = async (deps, delivery, payload, now) => {
  const key = { scope: payload.scope, ownerId: payload.ownerId, period: { start: payload.start, end: payload.end } };
  const digest = await buildDigest(deps.db, {
    teamId: delivery.team_id,
    scope: key.scope,
    ownerId: key.ownerId,
    current: key.period,
    previous: periodBefore(key.period),
  });
  // The exec digest holds the top to account too: the exec pair's commitments and the top's shared reflection.
  const message = digestMessage(digest, key.scope === 'exec' ? await fromTheTop(deps.db, delivery.team_id, key.period.start, now) : null);
  let posted: { channel: string; ts: string };
  if (/^[UW]/.test(delivery.recipient)) {
    posted = await deps.messenger.postDm(delivery.recipient, message);
  } else {
    posted = { channel: delivery.recipient, ts: await deps.messenger.post(delivery.recipient, message) };
  }
  return { sent: posted, after: key.scope !== 'team' ? () => attachChart(deps, delivery.team_id, key, posted) : undefined };
};

/** The org and exec digests carry a chart in their thread (when two periods have data); when that fails the digest has gone out anyway. */
async function attachChart(
  deps: SendContext,
  teamId: string,
  key: { scope: string; period: { start: string; end: string } },
  posted: { channel: string; ts: string },
): Promise<void> {
  try {
    const chart = await renderChart(await chartHistory(deps.db, teamId, key.period), 'Check-ins answered and commitments kept, per level');
    // Fewer than two periods with data: no trend to draw, and no chart.
    if (!chart) return;
    await deps.messenger.upload(
      posted.channel,
      {
        bytes: chart.png,
        filename: `cascade-${key.scope}-${key.period.end}.png`,
        title: `Cascade ${key.scope} digest, to ${key.period.end}`,
      },
      posted.ts,
    );
  } catch (err) {
    deps.log.warn({ err, teamId, scope: key.scope }, 'the digest chart could not be uploaded; the digest went out without it');
  }
}

const GONE = { cancel: 'check-in no longer exists' } as const;
const ROUND_GONE = { cancel: 'round no longer exists' } as const;

function contextOf(deps: SendContext, payload: { checkinId: number }): Promise<CheckinContext | undefined> {
  return checkinContext(deps.db, payload.checkinId);
}

const sendPrompt: DeliveryHandler<'prompt'> = async (deps, delivery, payload, now) => {
  const { db, messenger } = deps;
  // One read for the check-in and the member's kept status; one write when sent (the status read from Slack with it).
  const found = await checkinContextWithStatus(db, payload.checkinId);
  if (!found) return GONE;
  const { ctx, kept } = found;
  if (ctx.status !== 'scheduled' && !(ctx.status === 'sent' && delivery.was === 'sending')) return { cancel: `check-in is ${ctx.status}` };
  // A pause set after the round was planned, or a Slack status saying they are away: skipped, not sent.
  const read = ctx.pausedUntil ? null : await statusFor(deps, ctx.personId, freshFrom(kept, now));
  const away = ctx.pausedUntil
    ? `paused until ${ctx.pausedUntil}`
    : read && awayReason(read.status, deps.awayStatus ?? DEFAULT_AWAY_STATUS, now);
  if (away) {
    if (read?.asked) await recordStatus(db, ctx.teamId, ctx.personId, read.status ?? NO_STATUS, now);
    await markSkipped(db, ctx.id, away, now);
    deps.log.info({ checkin: ctx.id, person: ctx.personId }, 'check-in skipped: the person is away');
    return { cancel: `skipped: ${away}` };
  }
  const posted = await messenger.postDm(ctx.personId, promptMessage({ ...ctx, status: 'sent' }, await execNumbersFor(db, ctx)));
  deps.metrics?.promptLateness(Math.max(0, (now.getTime() - ctx.dueAt.getTime()) / 1000));
  const status = read?.asked ? { teamId: ctx.teamId, userId: ctx.personId, ...(read.status ?? NO_STATUS) } : undefined;
  return { sent: posted, onSent: (tx) => promptSent(tx, ctx.id, posted, now, status) };
};

const NO_STATUS = { text: '', emoji: '', expiration: 0 };

/**
 * The person's Slack status for a prompt's away check: the status kept from Slack's events and the daily
 * refresh when it is a few hours fresh, else asked of Slack (`users.info`, Tier 4; `asked`: to be kept for the
 * next prompt). Null when there are no away rules, or Slack could not say (the prompt goes out anyway).
 */
async function statusFor(
  deps: SendContext,
  userId: string,
  fresh: StoredStatus | null | undefined,
): Promise<{ status: StoredStatus | null; asked: boolean } | null> {
  if ((deps.awayStatus ?? DEFAULT_AWAY_STATUS).length === 0) return null;
  if (fresh !== undefined) return { status: fresh, asked: false };
  try {
    return { status: await deps.messenger.status(userId), asked: true };
  } catch (err) {
    // A rate limit is the pass's business; anything else must not keep the prompt from going out.
    if (err instanceof RateLimitedError) throw err;
    deps.log.warn({ person: userId, err }, 'could not read the Slack status; sending the prompt anyway');
    return null;
  }
}

const sendReminder: DeliveryHandler<'reminder'> = async (deps, _delivery, payload, now) => {
  const ctx = await contextOf(deps, payload);
  if (!ctx) return GONE;
  if (ctx.status !== 'sent' || !ctx.channelId || !ctx.messageTs) return { cancel: `check-in is ${ctx.status}` };
  const ts = await deps.messenger.post(ctx.channelId, reminderMessage(ctx), ctx.messageTs);
  return { sent: { channel: ctx.channelId, ts }, onSent: (tx) => reminderSent(tx, ctx.id, now) };
};

const sendUpdate: DeliveryHandler<'update'> = async (deps, _delivery, payload, now) => {
  const ctx = await contextOf(deps, payload);
  if (!ctx) return GONE;
  if (!ctx.channelId || !ctx.messageTs) return { cancel: 'the prompt was never delivered' };
  await deps.messenger.update(ctx.channelId, ctx.messageTs, promptMessage(ctx, await execNumbersFor(deps.db, ctx), now));
  return { sent: null };
};

/**
 * The message, opened by a written summary when summaries are on (CASCADE_LLM_*): written from `readable` alone —
 * the message and what its thread will hold, all of it the reader's to read — in one request, or left out.
 */
async function summarized(
  deps: SendContext,
  message: Reply,
  request: { purpose: 'brief' | 'pack'; teamId: string; readerId: string; readable: readonly Reply[] },
): Promise<Reply> {
  if (!deps.summarizer) return message;
  const summary = await deps.summarizer.summarize({
    purpose: request.purpose,
    readerName: await nameOf(deps.db, request.teamId, request.readerId),
    lines: readableLines(message, ...request.readable),
  });
  return withSummary(message, summary);
}

const sendBrief: DeliveryHandler<'brief'> = async (deps, _delivery, payload, now) => {
  const brief = await buildBrief(deps.db, payload.roundId);
  if (!brief) return ROUND_GONE;
  // A leader of leaders' brief opens with a summary (when summaries are on); a first-line leader's is short enough.
  const message =
    brief.level === 'manager_reps'
      ? briefMessage(brief, now)
      : await summarized(deps, briefMessage(brief, now), {
          purpose: 'brief',
          teamId: brief.teamId,
          readerId: brief.leaderId,
          readable: briefDetailMessages(brief),
        });
  const { channel, ts } = await deps.messenger.postDm(brief.leaderId, message);
  // The answers in full go in the brief's thread, once the brief is recorded: when that fails the brief has gone out anyway.
  const details = async () => {
    try {
      for (const detail of briefDetailMessages(brief)) await deps.messenger.post(channel, detail, ts);
    } catch (err) {
      deps.log.warn({ err, round: brief.roundId }, 'the answers in full could not be posted under the brief; the brief went out');
    }
  };
  return { sent: { channel, ts }, after: details };
};

function teamOf(deps: SendContext, payload: { roundId: number }): Promise<TeamRoundContext | undefined> {
  return teamRoundContext(deps.db, payload.roundId);
}

const sendTeamPost: DeliveryHandler<'team_post'> = async (deps, delivery, payload, now) => {
  const team = await teamOf(deps, payload);
  if (!team) return ROUND_GONE;
  if (!team.channelId) return { cancel: 'the cadence has no channel' };
  if (team.threadTs && delivery.was !== 'sending') return { cancel: 'the round is already posted' };
  const posted = { channel: team.channelId, ts: await deps.messenger.post(team.channelId, teamRoundMessage(team)) };
  return { sent: posted, onSent: (tx) => teamRoundPosted(tx, payload.roundId, posted, now) };
};

const sendTeamReminder: DeliveryHandler<'team_reminder'> = async (deps, _delivery, payload) => {
  const team = await teamOf(deps, payload);
  if (!team) return ROUND_GONE;
  const waiting = team.members.filter((m) => m.status === 'sent').map((m) => m.personId);
  if (!team.channelId || !team.threadTs || team.status !== 'open' || waiting.length === 0) return { cancel: 'nobody left to remind' };
  const ts = await deps.messenger.post(team.channelId, teamReminderMessage(team, waiting), team.threadTs);
  return { sent: { channel: team.channelId, ts } };
};

const sendTeamUpdate: DeliveryHandler<'team_update'> = async (deps, _delivery, payload) => {
  const team = await teamOf(deps, payload);
  if (!team) return ROUND_GONE;
  if (!team.channelId || !team.threadTs) return { cancel: 'the round was never posted' };
  await deps.messenger.update(team.channelId, team.threadTs, teamRoundMessage(team));
  return { sent: null };
};

const sendShare: DeliveryHandler<'share'> = async (deps, _delivery, payload) => {
  const ctx = await contextOf(deps, payload);
  if (!ctx) return GONE;
  const shared = await sharedAnswersOf(deps.db, ctx.id);
  if (!ctx.roundChannelId || !ctx.roundThreadTs || shared.answers.length === 0)
    return { cancel: 'nothing shared, or no thread to share in' };
  const ts = await deps.messenger.post(ctx.roundChannelId, sharedAnswersMessage(shared.name, shared.answers), ctx.roundThreadTs);
  return { sent: { channel: ctx.roundChannelId, ts } };
};

/** In the thread of a message when there is one, else as a DM to `userId`. */
async function inThreadOrDm(
  deps: SendContext,
  thread: { channel: string | null; ts: string | null },
  userId: string,
  message: Reply,
): Promise<{ channel: string; ts: string }> {
  if (thread.channel && thread.ts) return { channel: thread.channel, ts: await deps.messenger.post(thread.channel, message, thread.ts) };
  return deps.messenger.postDm(userId, message);
}

/** The leader's live message for a round, posted with the round's first prompt; kept on the round to be edited. */
const sendRoundLive: DeliveryHandler<'round_live'> = async (deps, delivery, payload) => {
  const live = await liveRound(deps.db, payload.roundId);
  if (!live) return ROUND_GONE;
  if (!live.open || (live.liveTs && delivery.was !== 'sending')) return { cancel: 'the round is closed or already has its live message' };
  const posted = await deps.messenger.postDm(live.leaderId, liveRoundMessage(live));
  return { sent: posted, onSent: (tx) => roundLivePosted(tx, payload.roundId, posted) };
};

/** The live message edited in place; before it is posted there is nothing to edit (the post shows the latest). */
const sendRoundLiveUpdate: DeliveryHandler<'round_live_update'> = async (deps, _delivery, payload) => {
  const live = await liveRound(deps.db, payload.roundId);
  if (!live?.liveChannel || !live.liveTs) return { cancel: 'the live message is not posted yet' };
  await deps.messenger.update(live.liveChannel, live.liveTs, liveRoundMessage(live));
  return { sent: null };
};

/** One answer, for a leader who asked for a message per answer: in the live message's thread when there is one. */
const sendAnswerNote: DeliveryHandler<'answer_note'> = async (deps, _delivery, payload) => {
  const ctx = await contextOf(deps, payload);
  if (!ctx) return GONE;
  const live = await liveRound(deps.db, ctx.roundId);
  const message = live ? answerNoteMessage(live, payload.checkinId) : null;
  if (!live || !message) return { cancel: 'nothing the leader may read' };
  return { sent: await inThreadOrDm(deps, { channel: live.liveChannel, ts: live.liveTs }, live.leaderId, message) };
};

/**
 * A reply or "Got it" goes in the thread of the member's prompt (a DM when the prompt never reached them); the
 * member's answer goes back to the author of the reply it answers.
 */
const sendReply: DeliveryHandler<'reply'> = async (deps, delivery, payload) => {
  const d = await replyDelivery(deps.db, payload.replyId);
  if (!d) return { cancel: 'reply no longer exists' };
  // The member's answer goes to whoever wrote the reply it answers: in the live message's thread when that is
  // the round's leader (the live message is theirs), else by DM (a skip-level leader has no live message here).
  const toRoundLeader = d.parent?.authorId === d.roundLeaderId;
  const posted =
    d.reply.kind === 'answer'
      ? await inThreadOrDm(
          deps,
          toRoundLeader ? { channel: d.liveChannel, ts: d.liveTs } : { channel: null, ts: null },
          d.parent?.authorId ?? delivery.recipient,
          answerToLeaderMessage(d),
        )
      : await inThreadOrDm(deps, { channel: d.promptChannel, ts: d.promptTs }, d.memberId, replyToMemberMessage(d));
  return { sent: posted };
};

/**
 * A reply the member answered: its message in their thread is drawn again with the answer, without the Answer
 * button. The reply's own delivery says where it went; one that never went has nothing to edit.
 */
const sendReplyUpdate: DeliveryHandler<'reply_update'> = async (deps, _delivery, payload) => {
  const d = await replyDelivery(deps.db, payload.replyId);
  const sent = await sentMessage(deps.db, deliveryKey.reply(payload.replyId));
  if (!d || !sent) return { cancel: d ? 'the reply was never posted' : 'reply no longer exists' };
  await deps.messenger.update(sent.channel, sent.ts, replyToMemberMessage(d));
  return { sent };
};

/** The shared note of a held 1:1, in the member's thread of that check-in (a DM when the prompt never reached them). */
const sendHeldNote: DeliveryHandler<'held_note'> = async (deps, delivery, payload) => {
  const d = await heldNoteDelivery(deps.db, delivery.team_id, payload.checkinId);
  if (!d) return { cancel: 'the 1:1 has no shared note' };
  return { sent: await inThreadOrDm(deps, { channel: d.promptChannel, ts: d.promptTs }, d.memberId, heldNoteMessage(d)) };
};

/**
 * The monthly analytics pack, before the top's conversation of the month with a direct report: built at send time
 * for the recipient (the top or the report; anyone else, as after a reorganisation, is refused and the delivery
 * cancelled), with its chart in the thread; never after the conversation it is for.
 */
const sendPack: DeliveryHandler<'pack'> = async (deps, delivery, payload, now) => {
  // Late (the dispatcher was down, or the conversation was planned after its day), a pack for a conversation
  // already over is noise: it goes only while the report's check-in is open.
  const conversation = await checkinContext(deps.db, payload.checkinId);
  if (!conversation) return GONE;
  if (conversation.closesAt <= now) return { cancel: 'the conversation it was for is over' };
  let pack: MonthlyPack;
  try {
    const scope = await scopeOf(deps.db, delivery.team_id, delivery.recipient, [], now);
    pack = await monthlyPack(scope, { reportId: payload.reportId, month: periodAround('month', payload.month) });
  } catch (err) {
    if (err instanceof UserError) return { cancel: `no pack for this reader: ${err.message}` };
    throw err;
  }
  const message = await summarized(deps, packMessage(pack), {
    purpose: 'pack',
    teamId: delivery.team_id,
    readerId: delivery.recipient,
    readable: [],
  });
  const posted = await deps.messenger.postDm(delivery.recipient, message);
  return { sent: posted, after: () => attachPackChart(deps, delivery.team_id, pack, posted) };
};

async function attachPackChart(
  deps: SendContext,
  teamId: string,
  pack: MonthlyPack,
  posted: { channel: string; ts: string },
): Promise<void> {
  try {
    const chart = await renderChart(packChart(pack), `Monthly analytics, to ${monthLabel(pack.month.start, 'long')}`, [
      'Goal attainment at each month’s end',
      'Check-ins answered',
    ]);
    if (!chart) return;
    await deps.messenger.upload(
      posted.channel,
      {
        bytes: chart.png,
        filename: `cascade-pack-${pack.month.start.slice(0, 7)}.png`,
        title: `Monthly analytics, ${monthLabel(pack.month.start, 'long')}`,
      },
      posted.ts,
    );
  } catch (err) {
    deps.log.warn({ err, teamId }, 'the pack chart could not be uploaded; the pack went out without it');
  }
}

/** The outbox's task list: one handler per kind (adding a kind: an entry in outbox/vocabulary.ts and one here). */
/** The installer's first-run DM; nothing when the first steps were done before it could go. */
const sendWelcome: DeliveryHandler<'welcome'> = async (deps, delivery) => {
  const progress = await firstRunProgress(deps.db, delivery.team_id);
  if (firstRunDone(progress)) return { cancel: 'the first steps were done already' };
  return { sent: await deps.messenger.postDm(delivery.recipient, welcomeMessage(progress)) };
};

export const deliveryHandlers: DeliveryHandlers = {
  prompt: sendPrompt,
  reminder: sendReminder,
  team_reminder: sendTeamReminder,
  update: sendUpdate,
  team_update: sendTeamUpdate,
  brief: sendBrief,
  team_post: sendTeamPost,
  share: sendShare,
  digest: sendDigest,
  round_live: sendRoundLive,
  round_live_update: sendRoundLiveUpdate,
  answer_note: sendAnswerNote,
  reply: sendReply,
  reply_update: sendReplyUpdate,
  held_note: sendHeldNote,
  pack: sendPack,
  welcome: sendWelcome,
};
