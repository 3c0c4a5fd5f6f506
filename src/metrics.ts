import type { IncomingMessage, ServerResponse } from 'node:http';
import { sql, type Kysely } from 'kysely';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Database } from './db/types';
import type { SchedulerMetrics } from './scheduler/metrics';

/**
 * Cascade's Prometheus metrics, on one registry made here (never prom-client's global default): what the
 * scheduler counts as it sends, and what the database says at scrape time (queue depth, check-ins by status).
 */
export interface Metrics {
  readonly registry: Registry;
  readonly scheduler: SchedulerMetrics;
  /** `GET /metrics`, in Prometheus' text format. */
  readonly route: { path: string; method: string; handler: (req: IncomingMessage, res: ServerResponse) => Promise<void> };
}

export function createMetrics(db: Kysely<Database>): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'cascade_process_' });
  const deliveries = new Counter({
    name: 'cascade_deliveries_total',
    help: 'Deliveries the outbox handled, by kind and outcome (sent, cancelled, retried, failed).',
    labelNames: ['kind', 'outcome'] as const,
    registers: [registry],
  });
  const sent = new Counter({ name: 'cascade_slack_sent_total', help: 'Messages sent to Slack, per workspace (its send rate is the rate of this).', labelNames: ['team'] as const, registers: [registry] });
  const limited = new Counter({ name: 'cascade_slack_rate_limited_total', help: "Slack's 429 answers, per workspace.", labelNames: ['team'] as const, registers: [registry] });
  const lateness = new Histogram({
    name: 'cascade_prompt_lateness_seconds',
    help: 'How late a prompt went out: sent at minus due at.',
    buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600],
    registers: [registry],
  });
  const tick = new Histogram({ name: 'cascade_tick_duration_seconds', help: 'How long one scheduler tick took (plan, close, remind, send).', buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30], registers: [registry] });
  // Read from the database at scrape time: each query answers (label, value) rows.
  const fromDatabase = (name: string, help: string, label: string, query: () => Promise<{ rows: { label: string; value: number }[] }>) =>
    new Gauge({
      name,
      help,
      labelNames: [label],
      registers: [registry],
      async collect() {
        const { rows } = await query();
        this.reset();
        for (const r of rows) this.set({ [label]: r.label }, r.value);
      },
    });
  fromDatabase('cascade_outbox_queue_depth', 'Deliveries waiting in the outbox and already due, by kind.', 'kind', () =>
    sql<{ label: string; value: number }>`select kind as label, count(*)::int as value from delivery where status = 'queued' and not_before <= now() group by kind`.execute(db),
  );
  fromDatabase('cascade_slack_pace_per_minute', 'The pace Cascade has learned for each workspace (Slack calls a minute it allows itself to post).', 'team', () =>
    sql<{ label: string; value: number }>`select team_id as label, per_minute as value from slack_pace where lane = 'post'`.execute(db),
  );
  fromDatabase('cascade_slack_update_pace_per_minute', 'The pace Cascade has learned for each workspace’s message edits (chat.update, limited apart).', 'team', () =>
    sql<{ label: string; value: number }>`select team_id as label, per_minute as value from slack_pace where lane = 'update'`.execute(db),
  );
  fromDatabase('cascade_checkins', "Check-ins by status (answered, missed, skipped, sent, scheduled): the rate of 'answered' is check-ins answered.", 'status', () =>
    sql<{ label: string; value: number }>`select status as label, count(*)::int as value from checkin group by status`.execute(db),
  );
  return {
    registry,
    scheduler: {
      delivered(teamId, kind, outcome) {
        deliveries.inc({ kind, outcome });
        if (outcome === 'sent') sent.inc({ team: teamId });
      },
      rateLimited: (teamId) => limited.inc({ team: teamId }),
      promptLateness: (seconds) => lateness.observe(seconds),
      tickDuration: (seconds) => tick.observe(seconds),
    },
    route: {
      path: '/metrics',
      method: 'GET',
      handler: async (_req, res) => {
        try {
          const body = await registry.metrics();
          res.writeHead(200, { 'Content-Type': registry.contentType });
          res.end(body);
        } catch {
          res.writeHead(503, { 'Content-Type': 'text/plain' });
          res.end('metrics unavailable: the database did not answer\n');
        }
      },
    },
  };
}
