import type { Kysely } from 'kysely';
import type { Database, DeliveryKind, DeliveryLane } from '../db/types';
import type { Log } from '../log';
import { eachAtOnce } from '../concurrency';
import { paceHeld, paceLimited } from '../outbox/pace';
import {
  claimDue,
  deferTo,
  markCancelled,
  markFailed,
  markSent,
  renewLease,
  requeue,
  type ClaimedDelivery,
  type PacedDelivery,
} from '../outbox/store';
import { writesToPerson } from '../outbox/vocabulary';
import { holidaysFrom, hoursOfPeople } from '../calendar/hours';
import { nextWorkingInstant } from '../time/hours';
import { utcDate } from '../time/calendar';
import type { Deliveries } from '../outbox/vocabulary';
import { PermanentSendError, RateLimitedError, type Messenger } from './messenger';
import type { Summarizer } from '../llm/summaries';
import type { SchedulerMetrics } from './metrics';
import { DAY_MS, MINUTE_MS } from '../time/durations';

/** What a handler gets besides its delivery: the database, Slack, the log. */
export interface SendContext {
  readonly db: Kysely<Database>;
  readonly messenger: Messenger;
  readonly log: Log;
  /** Words and :emoji: of a Slack status that mean away (CASCADE_AWAY_STATUS); the built-in list by default. */
  readonly awayStatus?: readonly string[];
  /** Where outcomes, 429s and prompt lateness are counted (`/metrics`); nothing is counted without it. */
  readonly metrics?: SchedulerMetrics;
  /** Written summaries for briefs of leaders of leaders and monthly packs (CASCADE_LLM_*); none without it. */
  readonly summarizer?: Summarizer;
}

/**
 * What a handler did with its delivery. `sent`: where the message is (null for an edit that has no new place),
 * with `onSent`, what the domain records with it (a prompt's message ts, a round's live message), written in the
 * same transaction as the delivery row, and `after`, what follows once it is recorded and may fail without
 * undoing it (a chart in the digest's thread). `cancel`: nothing to send any more, and why.
 */
type SendOutcome =
  | {
      readonly sent: { readonly channel: string; readonly ts: string } | null;
      readonly onSent?: (tx: Kysely<Database>) => Promise<void>;
      readonly after?: () => Promise<void>;
    }
  | { readonly cancel: string };

/**
 * Sends one claimed delivery of its kind and says how it went; a throw is the dispatcher's to retry. A handler
 * never writes the delivery row: the dispatcher alone does. Built in the Slack adapter.
 */
export type DeliveryHandler<K extends DeliveryKind> = (
  ctx: SendContext,
  delivery: ClaimedDelivery,
  payload: Deliveries[K],
  now: Date,
) => Promise<SendOutcome>;

/** One handler per kind of the outbox's vocabulary (graphile-worker's task list). */
export type DeliveryHandlers = { readonly [K in DeliveryKind]: DeliveryHandler<K> };

export interface DispatchDeps extends Omit<SendContext, 'messenger'> {
  readonly handlers: DeliveryHandlers;
  /**
   * Slack: one messenger for every delivery (one workspace, SLACK_BOT_TOKEN), or each delivery's workspace's own
   * (installs by OAuth: its own token), asked for per delivery.
   */
  readonly messenger: Messenger | MessengerOf;
}

/** The messenger that speaks for one workspace (its own token); null when the workspace has no install any more. */
export type MessengerOf = (teamId: string) => Promise<Messenger | null>;

export interface DispatchOptions {
  /** The most one pass claims, over every workspace (each workspace's own budget is its pace, outbox/pace.ts). */
  readonly limit: number;
  /** A fixed pace a minute for every workspace instead of the learned one (tests that are not about pacing). */
  readonly fixedPace?: number;
  readonly concurrency: number;
  readonly leaseMs: number;
  readonly maxAttempts: number;
}

/**
 * A pass claims at most 2,000 (8 sends at a time at Slack's ~100 ms a call take ~25 s); the scheduler runs a
 * pass every 10 seconds, so a workspace's minute is spread over six. The claim's lease is a minute, renewed
 * every 20 seconds while the pass goes on: a worker that dies gives back what it had not sent within a minute.
 */
export const DEFAULT_DISPATCH: DispatchOptions = { limit: 2000, concurrency: 8, leaseMs: MINUTE_MS, maxAttempts: 5 };

export interface DispatchReport {
  sent: number;
  retried: number;
  failed: number;
  cancelled: number;
  /** Claimed, then put back for the recipient's next working hour. */
  deferred: number;
}

/** Backoff for transient failures: 30 s, 1 min, 2 min … at most 30 min. */
function backoffMs(attempts: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 30 * MINUTE_MS);
}

/**
 * Sends what is due. One failed delivery never stops the pass: it is retried with backoff, or marked
 * failed after `maxAttempts`. A 429 pauses that workspace's lane (and only it: edits apart from posts) until
 * Slack's Retry-After, for this pass and, through its pace in the database, for every replica; what the pass
 * had not reached yet for it goes back to the queue. A lane that used all its pace allowed, with more due
 * and no 429, gets a faster pace (outbox/pace.ts).
 * Long on purpose: the claim, the per-lane pacing and the 429 pause share one pass's state (what is claimed,
 * which lanes stopped); the parts with a name of their own (claim, send, mark, pace) are functions already.
 */
export async function dispatchDue(deps: DispatchDeps, now: Date, options: DispatchOptions = DEFAULT_DISPATCH): Promise<DispatchReport> {
  const report: DispatchReport = { sent: 0, retried: 0, failed: 0, cancelled: 0, deferred: 0 };
  const all = await claimDue(deps.db, now, options.limit, options.leaseMs, options.fixedPace);
  // What reaches someone outside their working hours (a weekend, a holiday, the night) waits for their next one.
  const later = await outOfHours(deps.db, all, now);
  if (later.size > 0) await deferTo(deps.db, later);
  const claimed = all.filter((d) => !later.has(d.id));
  report.deferred = later.size;
  const unfinished = new Set(claimed.map((d) => d.id));
  const lease = keepLease(deps, unfinished, now, options.leaseMs);
  // Keyed by workspace and lane (laneKey): a 429 on chat.update pauses edits, never the prompts.
  const pausedUntil = new Map<string, Date>();
  // What the pass had not reached yet for a paused lane, put back in one statement per lane at the end.
  const heldBack = new Map<string, number[]>();

  try {
    await eachAtOnce(claimed, options.concurrency, async (delivery) => {
      // Held back for a paused lane, it stays this worker's (its lease renewed) until it is put back at the end.
      if (await sendClaimed(delivery)) unfinished.delete(delivery.id);
    });
    for (const [lane, ids] of heldBack) await requeue(deps.db, ids, pausedUntil.get(lane)!, 'rate limited: waiting for Slack', true);
  } finally {
    clearInterval(lease);
  }

  /** Sends one claimed delivery and records how it went; false when it is held back for a paused lane. */
  async function sendClaimed(delivery: PacedDelivery): Promise<boolean> {
    const lane = laneKey(delivery);
    if (pausedUntil.has(lane)) {
      const ids = heldBack.get(lane) ?? [];
      ids.push(delivery.id);
      heldBack.set(lane, ids);
      report.retried += 1;
      return false;
    }
    if (delivery.was === 'sending') {
      deps.log.warn(
        { delivery: delivery.id, kind: delivery.kind, attempts: delivery.attempts },
        'a delivery was claimed but never marked (a worker stopped mid-send); sending it again',
      );
    }
    try {
      const outcome = await sendOne(deps, delivery, now);
      if (outcome === 'sent') report.sent += 1;
      else report.cancelled += 1;
      deps.metrics?.delivered(delivery.team_id, delivery.kind, outcome);
    } catch (err) {
      if (err instanceof RateLimitedError) {
        const until = new Date(now.getTime() + err.retryAfterSeconds * 1000);
        const paused = pausedUntil.get(lane);
        if (!paused || paused < until) pausedUntil.set(lane, until);
        await requeue(deps.db, delivery.id, until, err.message, true);
        // The first 429 of the pass for this workspace steps its pace back; sends already in flight that
        // get one too only extend the pause.
        if (!paused) {
          deps.log.warn(
            { team: delivery.team_id, lane: delivery.lane, retryAfter: err.retryAfterSeconds },
            'Slack rate limit: pausing this workspace’s lane and slowing its pace',
          );
          if (options.fixedPace === undefined) await paceLimited(deps.db, delivery.team_id, now, err.retryAfterSeconds, delivery.lane);
        }
        report.retried += 1;
        deps.metrics?.rateLimited(delivery.team_id);
        deps.metrics?.delivered(delivery.team_id, delivery.kind, 'retried');
      } else if (err instanceof PermanentSendError || delivery.attempts >= options.maxAttempts) {
        const message = err instanceof Error ? err.message : String(err);
        await markFailed(deps.db, delivery.id, message);
        deps.log.error(
          { delivery: delivery.id, kind: delivery.kind, recipient: delivery.recipient, error: message },
          'delivery failed for good',
        );
        report.failed += 1;
        deps.metrics?.delivered(delivery.team_id, delivery.kind, 'failed');
      } else {
        const message = err instanceof Error ? err.message : String(err);
        await requeue(deps.db, delivery.id, new Date(now.getTime() + backoffMs(delivery.attempts)), message);
        deps.log.warn({ delivery: delivery.id, attempts: delivery.attempts, error: message }, 'delivery failed; will retry');
        report.retried += 1;
        deps.metrics?.delivered(delivery.team_id, delivery.kind, 'retried');
      }
    }
    return true;
  }
  if (options.fixedPace === undefined) {
    for (const d of paceBound(claimed)) if (!pausedUntil.has(laneKey(d))) await paceHeld(deps.db, d.team_id, now, d.lane);
  }
  return report;
}

/**
 * Renews the lease of what the pass has not finished, every third of a lease, for as long as the pass runs:
 * the claim stays this worker's while it works, and only a dead worker's claims come back to the queue.
 */
function keepLease(deps: DispatchDeps, unfinished: Set<number>, now: Date, leaseMs: number): NodeJS.Timeout {
  const started = Date.now();
  const timer = setInterval(
    () => {
      const until = new Date(now.getTime() + (Date.now() - started) + leaseMs);
      renewLease(deps.db, [...unfinished], until).catch((err: unknown) =>
        deps.log.warn({ err }, 'could not renew the lease of the deliveries being sent; another worker may take them over'),
      );
    },
    Math.max(1000, Math.floor(leaseMs / 3)),
  );
  timer.unref();
  return timer;
}

/**
 * The claimed deliveries that would reach a person outside their working hours, each with when it may go: the
 * start of their next working hour. One look-up of hours per workspace of the pass.
 */
async function outOfHours(db: Kysely<Database>, claimed: readonly ClaimedDelivery[], now: Date): Promise<Map<number, Date>> {
  const later = new Map<number, Date>();
  const personal = claimed.filter(writesToPerson);
  const teams = new Map<string, ClaimedDelivery[]>();
  for (const d of personal) teams.set(d.team_id, [...(teams.get(d.team_id) ?? []), d]);
  for (const [teamId, list] of teams) {
    const people = await hoursOfPeople(db, teamId, [...new Set(list.map((d) => d.recipient))]);
    const holidays = await holidaysFrom(db, teamId, utcDate(new Date(now.getTime() - DAY_MS)));
    for (const d of list) {
      const who = people.get(d.recipient);
      if (!who) continue;
      const next = nextWorkingInstant(now, who.tz, who.hours, holidays);
      if (next > now) later.set(d.id, next);
    }
  }
  return later;
}

/** A workspace's lane (outbox/pace.ts): what one 429 pauses and one pace governs. */
function laneKey(d: { team_id: string; lane: DeliveryLane }): string {
  return `${d.team_id} ${d.lane}`;
}

/** The workspaces' lanes whose whole budget this pass claimed while more was due: their pace, not Slack, held them back. */
function paceBound(claimed: readonly PacedDelivery[]): { team_id: string; lane: DeliveryLane }[] {
  const perLane = new Map<string, { team_id: string; lane: DeliveryLane; n: number; budget: number; wanted: number }>();
  for (const d of claimed) {
    const t = perLane.get(laneKey(d)) ?? { team_id: d.team_id, lane: d.lane, n: 0, budget: d.budget, wanted: d.wanted };
    t.n += 1;
    perLane.set(laneKey(d), t);
  }
  return [...perLane.values()].filter((t) => t.n >= t.budget && t.wanted > t.n);
}

/** Sends one delivery through its kind's handler, and records what came of it. */
async function sendOne(deps: DispatchDeps, delivery: ClaimedDelivery, now: Date): Promise<'sent' | 'cancelled'> {
  const handler = deps.handlers[delivery.kind] as DeliveryHandler<DeliveryKind>;
  const messenger = typeof deps.messenger === 'function' ? await deps.messenger(delivery.team_id) : deps.messenger;
  if (!messenger) throw new PermanentSendError('not_installed');
  const outcome = await handler({ ...deps, messenger }, delivery, delivery.payload as Deliveries[DeliveryKind], now);
  if ('cancel' in outcome) {
    await markCancelled(deps.db, delivery.id, outcome.cancel);
    return 'cancelled';
  }
  const { onSent } = outcome;
  if (onSent) {
    await deps.db.transaction().execute(async (tx) => {
      await markSent(tx, delivery.id, now, outcome.sent ?? undefined);
      await onSent(tx);
    });
  } else {
    await markSent(deps.db, delivery.id, now, outcome.sent ?? undefined);
  }
  if (outcome.after) {
    await outcome
      .after()
      .catch((err: unknown) =>
        deps.log.warn({ err, delivery: delivery.id, kind: delivery.kind }, 'what follows a delivery failed; the delivery went out'),
      );
  }
  return 'sent';
}
