import { missUnreviewed } from '../accountability/commitments';
import { evaluateFlags } from '../accountability/flags';
import { planDigests } from '../digests/settings';
import { forgetOldEvents } from '../db/slack-events';
import { keepWhatIsNeededDaily } from '../db/retention';
import { analyzeDaily } from '../db/statistics';
import { dispatchDue, DEFAULT_DISPATCH, type DispatchDeps, type DispatchOptions, type DispatchReport } from './dispatch';
import { closeDue, enqueueReminders } from './lifecycle';
import { planDue, type PlanReport } from './plan';
import { closed as markClosed, findDue, planned as markPlanned } from './due';
import { performance } from 'node:perf_hooks';
import { eachAtOnce } from '../concurrency';

/** How long one tick may spend planning a workspace's unchanged week before leaving the rest to the next tick. */
const PLAN_BUDGET_MS = 750;

/**
 * Workspaces a tick works on at once. Each is independent of the others (its own rows, its own transactions),
 * so a day's first tick over a thousand workspaces uses a few of the pool's connections instead of one; on
 * PGlite, with one connection, they simply take turns.
 */
const WORKSPACES_AT_ONCE = 4;

/** The database, Slack, the log, and the outbox's handlers (built in the Slack adapter). */
export interface TickDeps extends DispatchDeps {
  /** How long deliveries are kept, and how long a workspace that removed the app keeps its data (days). */
  readonly retention?: { readonly retentionDays: number; readonly purgeAfterDays: number };
}

/** RETENTION_DAYS and PURGE_AFTER_DAYS by default. */
const DEFAULT_RETENTION = { retentionDays: 400, purgeAfterDays: 30 } as const;

interface TickReport extends PlanReport, DispatchReport {
  missed: number;
  reminders: number;
  closedRounds: number;
}

/**
 * One step of the scheduler at instant `now`: plan what is due, close what is past its window, queue
 * reminders, look at flags and digests, then send. Only workspaces with due work are visited (scheduler/due.ts).
 * Every step is idempotent, so ticks may repeat, overlap, or run on several replicas.
 */
export async function tick(deps: TickDeps, now: Date, dispatch: DispatchOptions = DEFAULT_DISPATCH): Promise<TickReport> {
  const started = performance.now();
  const report: TickReport = {
    rounds: 0,
    checkins: 0,
    deliveries: 0,
    sent: 0,
    retried: 0,
    failed: 0,
    cancelled: 0,
    deferred: 0,
    missed: 0,
    reminders: 0,
    closedRounds: 0,
  };
  const due = await findDue(deps.db, now);
  const teams = new Set([...due.plan.keys(), ...due.close, ...due.remind, ...due.flags, ...due.digests]);
  await eachAtOnce([...teams], WORKSPACES_AT_ONCE, async (teamId) => {
    try {
      const plan = due.plan.get(teamId);
      if (plan) {
        const planned = await planDue(deps.db, teamId, now, { continuing: plan.continuing, budgetMs: PLAN_BUDGET_MS, epoch: plan.epoch });
        report.rounds += planned.rounds;
        report.checkins += planned.checkins;
        report.deliveries += planned.deliveries;
        // A plan cut short by its budget stays due: the next tick carries on where it stopped.
        if (planned.complete) await markPlanned(deps.db, teamId, plan.epoch, now);
      }
      if (due.close.has(teamId)) {
        const closed = await closeDue(deps.db, teamId, now);
        report.missed += closed.missed;
        report.closedRounds += closed.rounds;
        await missUnreviewed(deps.db, teamId, now);
        await markClosed(deps.db, teamId, now);
      }
      if (due.remind.has(teamId)) report.reminders += await enqueueReminders(deps.db, teamId, now);
      if (due.flags.has(teamId)) await evaluateFlags(deps.db, teamId, now);
      if (due.digests.has(teamId)) await planDigests(deps.db, teamId, now);
    } catch (err) {
      deps.log.error({ err, teamId }, 'planning failed for a workspace; the next tick tries again');
    }
  });
  await forgetOldEvents(deps.db, now).catch((err: unknown) => deps.log.warn({ err }, 'could not prune old Slack event records'));
  await analyzeDaily(deps.db, now).catch((err: unknown) => deps.log.warn({ err }, 'could not refresh the planning tables’ statistics'));
  await keepWhatIsNeededDaily(deps.db, now, deps.retention ?? DEFAULT_RETENTION)
    .then((kept) => {
      if (kept && (kept.deliveries > 0 || kept.purged.length > 0))
        deps.log.info({ ...kept }, 'old deliveries deleted, removed workspaces purged');
    })
    .catch((err: unknown) => deps.log.warn({ err }, 'could not delete old deliveries; tomorrow tries again'));
  const sent = await dispatchDue(deps, now, dispatch);
  report.sent += sent.sent;
  report.retried += sent.retried;
  report.failed += sent.failed;
  report.cancelled += sent.cancelled;
  report.deferred += sent.deferred;
  deps.metrics?.tickDuration((performance.now() - started) / 1000);
  return report;
}
