import type { Kysely } from 'kysely';
import { awayReason, DEFAULT_AWAY_STATUS } from '../checkins/away';
import { buildBrief } from '../checkins/briefs';
import { checkinContext, teamRoundContext, type CheckinContext, type TeamRoundContext } from '../checkins/context';
import { markSkipped } from '../checkins/moves';
import { chartHistory, renderChart } from '../digests/chart';
import { execNumbersFor } from '../digests/exec';
import { buildDigest, periodBefore } from '../digests/figures';
import { readDigestKey } from '../digests/settings';
import { digestMessage } from '../slack/blocks/digest';
import { sharedAnswersOf } from '../checkins/answers';
import type { Database } from '../db/types';
import type { Log } from '../log';
import { briefMessage } from '../slack/blocks/brief';
import { promptMessage, reminderMessage } from '../slack/blocks/prompt';
import { sharedAnswersMessage, teamReminderMessage, teamRoundMessage } from '../slack/blocks/team';
import { PermanentSendError, RateLimitedError, type Messenger } from './messenger';
import { claimDue, markCancelled, markFailed, markPromptSent, markReminderSent, markSent, markTeamPosted, requeue, type ClaimedDelivery } from './outbox';

export interface DispatchDeps {
  readonly db: Kysely<Database>;
  readonly messenger: Messenger;
  readonly log: Log;
  /** Words and :emoji: of a Slack status that mean away (CASCADE_AWAY_STATUS); the built-in list by default. */
  readonly awayStatus?: readonly string[];
}

export interface DispatchOptions {
  /** How many deliveries one pass claims. */
  readonly limit: number;
  /** How many deliveries a workspace may have claimed in any minute, across every replica (Slack's ceiling is several hundred). */
  readonly perWorkspacePerMinute: number;
  readonly concurrency: number;
  readonly leaseMs: number;
  readonly maxAttempts: number;
}

export const DEFAULT_DISPATCH: DispatchOptions = { limit: 200, perWorkspacePerMinute: 200, concurrency: 4, leaseMs: 5 * 60_000, maxAttempts: 5 };

export interface DispatchReport {
  sent: number;
  retried: number;
  failed: number;
  cancelled: number;
}

/** Backoff for transient failures: 30 s, 1 min, 2 min … at most 30 min. */
export function backoffMs(attempts: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 30 * 60_000);
}

/**
 * Sends what is due. One failed delivery never stops the pass: it is retried with backoff, or marked
 * failed after `maxAttempts`. A 429 puts it back after Slack's Retry-After, and so every delivery this
 * pass had not reached yet: the workspace slows down as Slack asks.
 */
export async function dispatchDue(deps: DispatchDeps, now: Date, options: DispatchOptions = DEFAULT_DISPATCH): Promise<DispatchReport> {
  const report: DispatchReport = { sent: 0, retried: 0, failed: 0, cancelled: 0 };
  const claimed = await claimDue(deps.db, now, options.limit, options.leaseMs, options.perWorkspacePerMinute);
  let pausedUntil: Date | null = null;
  let next = 0;

  const worker = async () => {
    while (next < claimed.length) {
      const delivery = claimed[next++]!;
      if (pausedUntil) {
        await requeue(deps.db, delivery.id, pausedUntil, 'rate limited: waiting for Slack', true);
        report.retried += 1;
        continue;
      }
      if (delivery.was === 'sending') {
        deps.log.warn({ delivery: delivery.id, kind: delivery.kind, attempts: delivery.attempts }, 'a delivery was claimed but never marked (a worker stopped mid-send); sending it again');
      }
      try {
        const outcome = await sendOne(deps, delivery, now);
        if (outcome === 'sent') report.sent += 1;
        else report.cancelled += 1;
      } catch (err) {
        if (err instanceof RateLimitedError) {
          const until = new Date(now.getTime() + err.retryAfterSeconds * 1000);
          pausedUntil = until;
          await requeue(deps.db, delivery.id, until, err.message, true);
          deps.log.warn({ delivery: delivery.id, retryAfter: err.retryAfterSeconds }, 'Slack rate limit: pausing deliveries');
          report.retried += 1;
        } else if (err instanceof PermanentSendError || delivery.attempts >= options.maxAttempts) {
          const message = err instanceof Error ? err.message : String(err);
          await markFailed(deps.db, delivery.id, message);
          deps.log.error({ delivery: delivery.id, kind: delivery.kind, recipient: delivery.recipient, error: message }, 'delivery failed for good');
          report.failed += 1;
        } else {
          const message = err instanceof Error ? err.message : String(err);
          await requeue(deps.db, delivery.id, new Date(now.getTime() + backoffMs(delivery.attempts)), message);
          deps.log.warn({ delivery: delivery.id, attempts: delivery.attempts, error: message }, 'delivery failed; will retry');
          report.retried += 1;
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, claimed.length) }, worker));
  return report;
}

async function sendOne(deps: DispatchDeps, delivery: ClaimedDelivery, now: Date): Promise<'sent' | 'cancelled'> {
  switch (delivery.kind) {
    case 'prompt':
      return sendPrompt(deps, delivery, now);
    case 'reminder':
      return delivery.checkin_id === null ? sendTeamReminder(deps, delivery, now) : sendReminder(deps, delivery, now);
    case 'update':
      return delivery.checkin_id === null ? sendTeamUpdate(deps, delivery, now) : sendUpdate(deps, delivery, now);
    case 'brief':
      return sendBrief(deps, delivery, now);
    case 'team_post':
      return sendTeamPost(deps, delivery, now);
    case 'share':
      return sendShare(deps, delivery, now);
    case 'digest':
      return sendDigest(deps, delivery, now);
  }
}

/**
 * A digest, built at send time from the database for the scope and period its key names: scheduled ones
 * from the outbox, and one posted on demand (`/cascade digest now`) once it has claimed the period's key.
 */
export async function sendDigest(deps: DispatchDeps, delivery: ClaimedDelivery, now: Date): Promise<'sent' | 'cancelled'> {
  const key = readDigestKey(delivery.dedupe_key);
  if (!key) {
    await markCancelled(deps.db, delivery.id, 'not a digest key');
    return 'cancelled';
  }
  const digest = await buildDigest(deps.db, { teamId: delivery.team_id, scope: key.scope, ownerId: key.ownerId, current: key.period, previous: periodBefore(key.period) });
  const message = digestMessage(digest);
  let posted: { channel: string; ts: string };
  if (/^[UW]/.test(delivery.recipient)) {
    posted = await deps.messenger.postDm(delivery.recipient, message);
  } else {
    posted = { channel: delivery.recipient, ts: await deps.messenger.post(delivery.recipient, message) };
  }
  await markSent(deps.db, delivery.id, now, posted);
  if (key.scope !== 'team') await attachChart(deps, delivery.team_id, key, posted);
  return 'sent';
}

/** The org and exec digests carry a chart in their thread; when that fails the digest has gone out anyway. */
async function attachChart(deps: DispatchDeps, teamId: string, key: { scope: string; period: { start: string; end: string } }, posted: { channel: string; ts: string }): Promise<void> {
  try {
    const { png } = await renderChart(await chartHistory(deps.db, teamId, key.period), 'Check-ins answered and commitments kept, per level');
    await deps.messenger.upload(posted.channel, { bytes: png, filename: `cascade-${key.scope}-${key.period.end}.png`, title: `Cascade ${key.scope} digest, to ${key.period.end}` }, posted.ts);
  } catch (err) {
    deps.log.warn({ err, teamId, scope: key.scope }, 'the digest chart could not be uploaded; the digest went out without it');
  }
}

async function contextOf(deps: DispatchDeps, delivery: ClaimedDelivery): Promise<CheckinContext | undefined> {
  const ctx = delivery.checkin_id === null ? undefined : await checkinContext(deps.db, delivery.checkin_id);
  if (!ctx) await markCancelled(deps.db, delivery.id, 'check-in no longer exists');
  return ctx;
}

async function sendPrompt(deps: DispatchDeps, delivery: ClaimedDelivery, now: Date): Promise<'sent' | 'cancelled'> {
  const { db, messenger } = deps;
  const ctx = await contextOf(deps, delivery);
  if (!ctx) return 'cancelled';
  if (ctx.status !== 'scheduled' && !(ctx.status === 'sent' && delivery.was === 'sending')) {
    await markCancelled(db, delivery.id, `check-in is ${ctx.status}`);
    return 'cancelled';
  }
  // A pause set after the round was planned, or a Slack status saying they are away: skipped, not sent.
  const away = ctx.pausedUntil ? `paused until ${ctx.pausedUntil}` : await awayFromStatus(deps, ctx.personId, now);
  if (away) {
    await markSkipped(db, ctx.id, away, now);
    await markCancelled(db, delivery.id, `skipped: ${away}`);
    deps.log.info({ checkin: ctx.id, person: ctx.personId }, 'check-in skipped: the person is away');
    return 'cancelled';
  }
  const { channel, ts } = await messenger.postDm(ctx.personId, promptMessage({ ...ctx, status: 'sent' }, await execNumbersFor(db, ctx)));
  await markPromptSent(db, delivery, channel, ts, now);
  return 'sent';
}

async function awayFromStatus(deps: DispatchDeps, userId: string, now: Date): Promise<string | null> {
  const rules = deps.awayStatus ?? DEFAULT_AWAY_STATUS;
  if (rules.length === 0) return null;
  try {
    return awayReason(await deps.messenger.status(userId), rules, now);
  } catch (err) {
    // A rate limit is the pass's business; anything else must not keep the prompt from going out.
    if (err instanceof RateLimitedError) throw err;
    deps.log.warn({ person: userId, err }, 'could not read the Slack status; sending the prompt anyway');
    return null;
  }
}

async function sendReminder(deps: DispatchDeps, delivery: ClaimedDelivery, now: Date): Promise<'sent' | 'cancelled'> {
  const ctx = await contextOf(deps, delivery);
  if (!ctx) return 'cancelled';
  if (ctx.status !== 'sent' || !ctx.channelId || !ctx.messageTs) {
    await markCancelled(deps.db, delivery.id, `check-in is ${ctx.status}`);
    return 'cancelled';
  }
  const ts = await deps.messenger.post(ctx.channelId, reminderMessage(ctx), ctx.messageTs);
  await markReminderSent(deps.db, delivery, ts, now);
  return 'sent';
}

async function sendUpdate(deps: DispatchDeps, delivery: ClaimedDelivery, now: Date): Promise<'sent' | 'cancelled'> {
  const ctx = await contextOf(deps, delivery);
  if (!ctx) return 'cancelled';
  if (!ctx.channelId || !ctx.messageTs) {
    await markCancelled(deps.db, delivery.id, 'the prompt was never delivered');
    return 'cancelled';
  }
  await deps.messenger.update(ctx.channelId, ctx.messageTs, promptMessage(ctx, await execNumbersFor(deps.db, ctx)));
  await markSent(deps.db, delivery.id, now);
  return 'sent';
}

async function sendBrief(deps: DispatchDeps, delivery: ClaimedDelivery, now: Date): Promise<'sent' | 'cancelled'> {
  const brief = delivery.round_id === null ? undefined : await buildBrief(deps.db, delivery.round_id);
  if (!brief) {
    await markCancelled(deps.db, delivery.id, 'round no longer exists');
    return 'cancelled';
  }
  const { channel, ts } = await deps.messenger.postDm(brief.leaderId, briefMessage(brief));
  await markSent(deps.db, delivery.id, now, { channel, ts });
  return 'sent';
}

async function teamOf(deps: DispatchDeps, delivery: ClaimedDelivery): Promise<TeamRoundContext | undefined> {
  const team = delivery.round_id === null ? undefined : await teamRoundContext(deps.db, delivery.round_id);
  if (!team) await markCancelled(deps.db, delivery.id, 'round no longer exists');
  return team;
}

async function sendTeamPost(deps: DispatchDeps, delivery: ClaimedDelivery, now: Date): Promise<'sent' | 'cancelled'> {
  const team = await teamOf(deps, delivery);
  if (!team) return 'cancelled';
  if (!team.channelId) {
    await markCancelled(deps.db, delivery.id, 'the cadence has no channel');
    return 'cancelled';
  }
  if (team.threadTs && delivery.was !== 'sending') {
    await markCancelled(deps.db, delivery.id, 'the round is already posted');
    return 'cancelled';
  }
  const ts = await deps.messenger.post(team.channelId, teamRoundMessage(team));
  await markTeamPosted(deps.db, delivery, team.channelId, ts, now);
  return 'sent';
}

async function sendTeamReminder(deps: DispatchDeps, delivery: ClaimedDelivery, now: Date): Promise<'sent' | 'cancelled'> {
  const team = await teamOf(deps, delivery);
  if (!team) return 'cancelled';
  const waiting = team.members.filter((m) => m.status === 'sent').map((m) => m.personId);
  if (!team.channelId || !team.threadTs || team.status !== 'open' || waiting.length === 0) {
    await markCancelled(deps.db, delivery.id, 'nobody left to remind');
    return 'cancelled';
  }
  const ts = await deps.messenger.post(team.channelId, teamReminderMessage(team, waiting), team.threadTs);
  await markSent(deps.db, delivery.id, now, { channel: team.channelId, ts });
  return 'sent';
}

async function sendTeamUpdate(deps: DispatchDeps, delivery: ClaimedDelivery, now: Date): Promise<'sent' | 'cancelled'> {
  const team = await teamOf(deps, delivery);
  if (!team) return 'cancelled';
  if (!team.channelId || !team.threadTs) {
    await markCancelled(deps.db, delivery.id, 'the round was never posted');
    return 'cancelled';
  }
  await deps.messenger.update(team.channelId, team.threadTs, teamRoundMessage(team));
  await markSent(deps.db, delivery.id, now);
  return 'sent';
}

async function sendShare(deps: DispatchDeps, delivery: ClaimedDelivery, now: Date): Promise<'sent' | 'cancelled'> {
  const ctx = await contextOf(deps, delivery);
  if (!ctx) return 'cancelled';
  const shared = await sharedAnswersOf(deps.db, ctx.id);
  if (!ctx.roundChannelId || !ctx.roundThreadTs || shared.answers.length === 0) {
    await markCancelled(deps.db, delivery.id, 'nothing shared, or no thread to share in');
    return 'cancelled';
  }
  const ts = await deps.messenger.post(ctx.roundChannelId, sharedAnswersMessage(shared.name, shared.answers), ctx.roundThreadTs);
  await markSent(deps.db, delivery.id, now, { channel: ctx.roundChannelId, ts });
  return 'sent';
}
