import type { Kysely } from 'kysely';
import { checkinContext } from '../checkins/context';
import type { Database } from '../db/types';
import type { Log } from '../log';
import { promptMessage, reminderMessage } from '../slack/blocks/prompt';
import { PermanentSendError, RateLimitedError, type Messenger } from './messenger';
import { claimDue, markCancelled, markFailed, markPromptSent, markReminderSent, markSent, requeue, type ClaimedDelivery } from './outbox';

export interface DispatchDeps {
  readonly db: Kysely<Database>;
  readonly messenger: Messenger;
  readonly log: Log;
}

export interface DispatchOptions {
  /** How many deliveries one pass claims; with one pass a minute this paces a workspace under Slack's ceiling. */
  readonly limit: number;
  readonly concurrency: number;
  readonly leaseMs: number;
  readonly maxAttempts: number;
}

export const DEFAULT_DISPATCH: DispatchOptions = { limit: 200, concurrency: 4, leaseMs: 5 * 60_000, maxAttempts: 5 };

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
  const claimed = await claimDue(deps.db, now, options.limit, options.leaseMs);
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
  const { db, messenger } = deps;
  if (delivery.checkin_id === null) {
    await markCancelled(db, delivery.id, `no handler for ${delivery.kind} without a check-in`);
    return 'cancelled';
  }
  const ctx = await checkinContext(db, delivery.checkin_id);
  if (!ctx) {
    await markCancelled(db, delivery.id, 'check-in no longer exists');
    return 'cancelled';
  }
  switch (delivery.kind) {
    case 'prompt': {
      if (ctx.status !== 'scheduled' && !(ctx.status === 'sent' && delivery.was === 'sending')) {
        await markCancelled(db, delivery.id, `check-in is ${ctx.status}`);
        return 'cancelled';
      }
      const channel = await messenger.openDm(ctx.personId);
      const ts = await messenger.post(channel, promptMessage({ ...ctx, status: 'sent' }));
      await markPromptSent(db, delivery, channel, ts, now);
      return 'sent';
    }
    case 'reminder': {
      if (ctx.status !== 'sent' || !ctx.channelId || !ctx.messageTs) {
        await markCancelled(db, delivery.id, `check-in is ${ctx.status}`);
        return 'cancelled';
      }
      const ts = await messenger.post(ctx.channelId, reminderMessage(ctx), ctx.messageTs);
      await markReminderSent(db, delivery, ts, now);
      return 'sent';
    }
    case 'update': {
      if (!ctx.channelId || !ctx.messageTs) {
        await markCancelled(db, delivery.id, 'the prompt was never delivered');
        return 'cancelled';
      }
      await messenger.update(ctx.channelId, ctx.messageTs, promptMessage(ctx));
      await markSent(db, delivery.id, now);
      return 'sent';
    }
    case 'brief':
      await markCancelled(db, delivery.id, 'briefs are sent by the brief builder');
      return 'cancelled';
  }
}
