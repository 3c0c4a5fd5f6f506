import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { sql, type Kysely } from 'kysely';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Database, DeliveryLane } from './db/types';
import { LANE_START } from './outbox/pace';
import type { SchedulerMetrics } from './scheduler/metrics';
import { WEEK_MS } from './time/durations';

/**
 * Cascade's Prometheus metrics, on one registry made here (never prom-client's global default): what the
 * scheduler counts as it sends, and what the database says (queue depth, check-ins by status, learned paces),
 * read at most every `refreshMs` with one query in flight, however often and however many scrape.
 */
export interface Metrics {
  readonly registry: Registry;
  readonly scheduler: SchedulerMetrics;
  /** Answers a scrape in Prometheus' text format; with a token, only a request that carries it. */
  serve(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

interface MetricsOptions {
  /** Workspace ids as a `team` label (METRICS_TEAM_LABELS=on); without it, one series for all workspaces. */
  readonly teamLabels: boolean;
  /** `Authorization: Bearer <token>` a scrape must send (METRICS_TOKEN). */
  readonly token?: string;
  /** How old the database figures may be; 30 s by default. */
  readonly refreshMs?: number;
  /** Milliseconds now: Cascade's clock (the sandbox's and the tests' move). */
  readonly now?: () => number;
}

const DATABASE_REFRESH_MS = 30_000;

/** What the database says, read together: one set of queries at a time, at most every `refreshMs`. */
interface Readings {
  queue: { label: string; value: number }[];
  checkins: { label: string; value: number }[];
  pace: { label: string; value: number }[];
  updatePace: { label: string; value: number }[];
  reachable: boolean;
}

function databaseReader(db: Kysely<Database>, options: MetricsOptions): () => Promise<Readings> {
  const refreshMs = options.refreshMs ?? DATABASE_REFRESH_MS;
  const now = options.now ?? Date.now;
  let readings: Readings = { queue: [], checkins: [], pace: [], updatePace: [], reachable: true };
  let readAt = -Infinity;
  let inFlight: Promise<Readings> | undefined;
  // With team labels off, one series: the pace of the most held-back workspace (the starting pace until one is learned).
  const pace = (lane: DeliveryLane) =>
    options.teamLabels
      ? sql<{ label: string; value: number }>`select team_id as label, per_minute as value from slack_pace where lane = ${lane}`.execute(db)
      : sql<{
          label: string;
          value: number;
        }>`select '' as label, coalesce(min(per_minute), ${LANE_START[lane]}) as value from slack_pace where lane = ${lane}`.execute(db);
  const read = async (): Promise<Readings> => {
    const at = new Date(now());
    const weekAgo = new Date(at.getTime() - WEEK_MS);
    try {
      // One after the other: a scrape never holds more than one connection.
      const queue = await sql<{ label: string; value: number }>`
        select kind as label, count(*)::int as value from delivery where status = 'queued' and not_before <= ${at} group by kind`.execute(
        db,
      );
      // The week's check-ins and those still open, through the index on closes_at: never a scan of all history.
      const checkins = await sql<{ label: string; value: number }>`
        select status as label, count(*)::int as value from checkin where closes_at > ${weekAgo} group by status`.execute(db);
      const post = await pace('post');
      const update = await pace('update');
      readings = { queue: queue.rows, checkins: checkins.rows, pace: post.rows, updatePace: update.rows, reachable: true };
    } catch {
      readings = { ...readings, reachable: false };
    }
    // A database that does not answer is asked again after the same wait, not at every scrape.
    readAt = now();
    return readings;
  };
  return () => {
    if (now() - readAt < refreshMs) return Promise.resolve(readings);
    inFlight ??= read().finally(() => (inFlight = undefined));
    return inFlight;
  };
}

/**
 * The figures /metrics serves, declared one after another. Long on purpose: it is a table (a name, its help
 * text, its labels, where its value comes from), read top to bottom like the page it produces.
 */
export function createMetrics(db: Kysely<Database>, options: MetricsOptions = { teamLabels: false }): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'cascade_process_' });
  const teamLabel = options.teamLabels ? (['team'] as const) : ([] as const);
  const byTeam = (teamId: string) => (options.teamLabels ? { team: teamId } : {});
  const deliveries = new Counter({
    name: 'cascade_deliveries_total',
    help: 'Deliveries the outbox handled, by kind and outcome (sent, cancelled, retried, failed).',
    labelNames: ['kind', 'outcome'] as const,
    registers: [registry],
  });
  const sent = new Counter({
    name: 'cascade_slack_sent_total',
    help: 'Messages sent to Slack (its send rate is the rate of this).',
    labelNames: teamLabel,
    registers: [registry],
  });
  const limited = new Counter({
    name: 'cascade_slack_rate_limited_total',
    help: "Slack's 429 answers.",
    labelNames: teamLabel,
    registers: [registry],
  });
  const lateness = new Histogram({
    name: 'cascade_prompt_lateness_seconds',
    help: 'How late a prompt went out: sent at minus due at.',
    buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600],
    registers: [registry],
  });
  const tick = new Histogram({
    name: 'cascade_tick_duration_seconds',
    help: 'How long one scheduler tick took (plan, close, remind, send).',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
    registers: [registry],
  });

  const summaries = new Counter({
    name: 'cascade_llm_summaries_total',
    help: 'Written summaries asked of the language model (CASCADE_LLM_*), by outcome: written, or fallback (timed out, failed, refused).',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const tokens = new Counter({
    name: 'cascade_llm_tokens_total',
    help: 'Tokens the language model reported using for summaries, by kind (prompt, completion).',
    labelNames: ['kind'] as const,
    registers: [registry],
  });

  const readings = databaseReader(db, options);
  const fromDatabase = (name: string, help: string, label: string | null, pick: (r: Readings) => { label: string; value: number }[]) =>
    new Gauge({
      name,
      help,
      labelNames: label ? [label] : [],
      registers: [registry],
      async collect() {
        const rows = pick(await readings());
        this.reset();
        for (const r of rows) {
          if (label) this.set({ [label]: r.label }, r.value);
          else this.set(r.value);
        }
      },
    });
  fromDatabase('cascade_outbox_queue_depth', 'Deliveries waiting in the outbox and already due, by kind.', 'kind', (r) => r.queue);
  fromDatabase(
    'cascade_checkins',
    "Check-ins whose answer window closes in the last 7 days or later, by status (answered, missed, skipped, sent, scheduled): answered / (answered + missed) is the week's participation.",
    'status',
    (r) => r.checkins,
  );
  fromDatabase(
    'cascade_slack_pace_per_minute',
    options.teamLabels
      ? 'The pace Cascade has learned for each workspace (Slack calls a minute it allows itself to post).'
      : 'The lowest pace Cascade has learned for posting, over all workspaces.',
    options.teamLabels ? 'team' : null,
    (r) => r.pace,
  );
  fromDatabase(
    'cascade_slack_update_pace_per_minute',
    options.teamLabels
      ? 'The pace Cascade has learned for each workspace’s message edits (chat.update, limited apart).'
      : 'The lowest pace Cascade has learned for message edits, over all workspaces.',
    options.teamLabels ? 'team' : null,
    (r) => r.updatePace,
  );
  fromDatabase(
    'cascade_database_reachable',
    'Whether the database answered the last reading of the figures above (1) or not (0).',
    null,
    (r) => [{ label: '', value: r.reachable ? 1 : 0 }],
  );

  return {
    registry,
    scheduler: {
      delivered(teamId, kind, outcome) {
        deliveries.inc({ kind, outcome });
        if (outcome === 'sent') sent.inc(byTeam(teamId));
      },
      rateLimited: (teamId) => limited.inc(byTeam(teamId)),
      promptLateness: (seconds) => lateness.observe(seconds),
      tickDuration: (seconds) => tick.observe(seconds),
      summary(outcome, promptTokens, completionTokens) {
        summaries.inc({ outcome });
        tokens.inc({ kind: 'prompt' }, promptTokens);
        tokens.inc({ kind: 'completion' }, completionTokens);
      },
    },
    async serve(req, res) {
      if (options.token !== undefined && !bearerMatches(req.headers.authorization, options.token)) {
        res.writeHead(401, { 'Content-Type': 'text/plain', 'WWW-Authenticate': 'Bearer' });
        res.end('metrics need "Authorization: Bearer <METRICS_TOKEN>"\n');
        return;
      }
      try {
        const body = await registry.metrics();
        res.writeHead(200, { 'Content-Type': registry.contentType });
        res.end(body);
      } catch {
        res.writeHead(503, { 'Content-Type': 'text/plain' });
        res.end('metrics unavailable\n');
      }
    },
  };
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(/^Bearer (.+)$/.exec(header ?? '')?.[1] ?? '');
  const wanted = Buffer.from(token);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

/**
 * `/metrics` on a port of its own (METRICS_PORT), apart from the port Slack reaches: anything else there is a 404.
 * Resolves to the server once it listens.
 */
export async function startMetricsServer(metrics: Metrics, port: number, host: string): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method === 'GET' && path === '/metrics') {
      void metrics.serve(req, res);
      return;
    }
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}
