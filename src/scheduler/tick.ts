import { missUnreviewed } from '../accountability/commitments';
import { evaluateFlags } from '../accountability/flags';
import { planDigests } from '../digests/settings';
import { forgetOldEvents } from '../db/slack-events';
import { analyzeDaily } from '../db/statistics';
import { dispatchDue, DEFAULT_DISPATCH, type DispatchDeps, type DispatchOptions, type DispatchReport } from './dispatch';
import { closeDue, enqueueReminders } from './lifecycle';
import { planDue, type PlanReport } from './plan';
import { performance } from 'node:perf_hooks';

/** The database, Slack, the log, and the outbox's handlers (built in the Slack adapter). */
export type TickDeps = DispatchDeps;

export interface TickReport extends PlanReport, DispatchReport {
  missed: number;
  reminders: number;
  closedRounds: number;
}

/**
 * One step of the scheduler at instant `now`: plan what is due, close what is past its window, queue
 * reminders, then send. Every step is idempotent, so ticks may repeat, overlap, or run on several replicas.
 */
export async function tick(deps: TickDeps, now: Date, dispatch: DispatchOptions = DEFAULT_DISPATCH): Promise<TickReport> {
  const started = performance.now();
  const report: TickReport = { rounds: 0, checkins: 0, deliveries: 0, sent: 0, retried: 0, failed: 0, cancelled: 0, missed: 0, reminders: 0, closedRounds: 0 };
  const teams = await deps.db.selectFrom('workspace').select('team_id').execute();
  for (const { team_id: teamId } of teams) {
    try {
      const planned = await planDue(deps.db, teamId, now);
      report.rounds += planned.rounds;
      report.checkins += planned.checkins;
      report.deliveries += planned.deliveries;
      const closed = await closeDue(deps.db, teamId, now);
      report.missed += closed.missed;
      report.closedRounds += closed.rounds;
      report.reminders += await enqueueReminders(deps.db, teamId, now);
      await missUnreviewed(deps.db, teamId, now);
      await evaluateFlags(deps.db, teamId, now);
      await planDigests(deps.db, teamId, now);
    } catch (err) {
      deps.log.error({ err, teamId }, 'planning failed for a workspace; the next tick tries again');
    }
  }
  await forgetOldEvents(deps.db, now).catch((err: unknown) => deps.log.warn({ err }, 'could not prune old Slack event records'));
  await analyzeDaily(deps.db, now).catch((err: unknown) => deps.log.warn({ err }, 'could not refresh the planning tables’ statistics'));
  const sent = await dispatchDue(deps, now, dispatch);
  report.sent += sent.sent;
  report.retried += sent.retried;
  report.failed += sent.failed;
  report.cancelled += sent.cancelled;
  deps.metrics?.tickDuration((performance.now() - started) / 1000);
  return report;
}
