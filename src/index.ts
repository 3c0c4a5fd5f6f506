import type { Server } from 'node:http';
import { webApi, type App, type CustomRoute } from '@slack/bolt';
import { deliveryHandlers } from './slack/deliveries';
import cron, { type ScheduledTask } from 'node-cron';
import type { Config } from './config';
import { createMetrics, startMetricsServer, type Metrics } from './metrics';
import { llmSummarizer, type LlmConfig, type Summarizer } from './llm/summaries';
import { openDatabase, type Db } from './db/connect';
import { migrateToLatest } from './db/migrate';
import { boltLogger, type Log } from './log';
import { refreshProfiles } from './org/service';
import { createSlackApp, DEFAULT_SLACK_OPTIONS, portOf, webClientOptions, type SlackAppOptions } from './slack/app';
import { slackDirectory } from './slack/directory';
import { slackMessenger } from './slack/messenger';
import { openWorkspace } from './checkins/cadences';
import { tick } from './scheduler/tick';
import { dispatchDue } from './scheduler/dispatch';
import { outboxWorker } from './scheduler/worker';
import { OUTBOX_CHANNEL } from './outbox/vocabulary';
import type { Messenger } from './scheduler/messenger';
import { type Clock, systemClock } from './time/clock';
import { crmSettings, type CrmSettings } from './crm/connections';
import { syncDue } from './crm/sync';
import { markInstalled } from './db/retention';
import { SECOND_MS } from './time/durations';
import { postgresInstallations, type Installations } from './slack/installations';
import { secretBox } from './secrets';
import type { MessengerOf } from './scheduler/dispatch';
import type { Directory } from './org/directory';

/** The outbox retries by itself, so its client does not: a 429 comes back at once with Retry-After. */
export function messengerFor(config: Config, log: Log, token = config.slack.botToken): Messenger {
  return slackMessenger(
    new webApi.WebClient(token, {
      ...webClientOptions(config, { retries: 0, timeoutMs: 10_000 }),
      rejectRateLimitedCalls: true,
      logger: boltLogger(log),
    }),
  );
}

/** How long a workspace's token is reused without asking the database (a rotated token stays valid for hours). */
const TOKEN_REUSE_MS = 30 * SECOND_MS;

/**
 * Many workspaces: each delivery goes with its workspace's own token. A pass sends many deliveries of one
 * workspace, so its token (and client) is read once per 30 seconds, not once per delivery; what an uninstall stops
 * is cancelled in the outbox itself.
 */
export function messengersOf(config: Config, log: Log, installations: Installations): MessengerOf {
  const byTeam = new Map<string, { messenger: Messenger | null; until: number }>();
  return async (teamId) => {
    const now = Date.now();
    const kept = byTeam.get(teamId);
    if (kept && kept.until > now) return kept.messenger;
    const token = await installations.tokenOf(teamId);
    const messenger = token ? messengerFor(config, log, token) : null;
    // Workspaces come and go; the map never outgrows the installs by much.
    if (byTeam.size > 10_000) byTeam.clear();
    byTeam.set(teamId, { messenger, until: now + TOKEN_REUSE_MS });
    return messenger;
  };
}

/** The Slack directory of each installed workspace, with its own token (one workspace: SLACK_BOT_TOKEN's). */
type Directories = () => Promise<{ teamId: string; directory: Directory }[]>;

function directoriesOf(config: Config, app: App, installations: Installations | undefined, teamId: string | undefined): Directories {
  if (!installations) return async () => (teamId ? [{ teamId, directory: slackDirectory(app.client) }] : []);
  return async () => {
    const found: { teamId: string; directory: Directory }[] = [];
    for (const team of await installations.installed()) {
      const token = await installations.tokenOf(team);
      if (token)
        found.push({
          teamId: team,
          directory: slackDirectory(new webApi.WebClient(token, webClientOptions(config, DEFAULT_SLACK_OPTIONS))),
        });
    }
    return found;
  };
}

/** A failure to start that one clear line can explain (bad token, Slack unreachable, database refused). */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupError';
  }
}

interface StartOptions {
  readonly log: Log;
  readonly clock?: Clock;
  readonly slack?: SlackAppOptions;
  /** An open database to use instead of opening one from the config (tests). */
  readonly db?: Db;
  /** Start the background schedules (node-cron); tests drive time themselves. */
  readonly schedules?: boolean;
  /**
   * Send what a person's action queued at once, woken by the database (`LISTEN`/`NOTIFY`); on by default with the
   * schedules. A test turns it on alone to show that a reply goes out with no schedule running.
   */
  readonly wake?: boolean;
  /** Listen on this address only (the sandbox: 127.0.0.1); all addresses by default. */
  readonly host?: string;
  /** More HTTP routes on the same server (the sandbox's pages). */
  readonly routes?: readonly CustomRoute[];
}

export interface RunningCascade {
  readonly port: number;
  /** The port /metrics listens on alone, when METRICS_PORT is set. */
  readonly metricsPort?: number;
  /** SLACK_BOT_TOKEN's workspace; none with installs by OAuth (each install names its own). */
  readonly teamId?: string;
  readonly db: Db;
  stop(): Promise<void>;
}

/** Explains a Web API failure in one line a person can act on. */
export function describeSlackFailure(
  err: unknown,
  config: Config,
  token: 'SLACK_BOT_TOKEN' | 'SLACK_APP_TOKEN' = 'SLACK_BOT_TOKEN',
): string {
  const e = err as { code?: string; data?: { error?: string }; statusCode?: number; original?: unknown };
  const where = config.slack.apiUrl ?? 'https://slack.com/api/';
  if (e.code === 'slack_webapi_platform_error') {
    const reason = e.data?.error ?? 'unknown_error';
    const where =
      token === 'SLACK_BOT_TOKEN'
        ? 'the Bot User OAuth Token from your app\'s "OAuth & Permissions" page'
        : 'an App-Level Token with connections:write from "Basic Information"';
    return `Slack rejected ${token} (${reason}): copy ${where} again.`;
  }
  if (e.code === 'slack_webapi_http_error') return `Slack's Web API at ${where} answered HTTP ${e.statusCode ?? '?'}; try again later.`;
  const original = e.original as { code?: string; message?: string; cause?: { code?: string } } | undefined;
  const cause = original?.cause?.code ?? original?.code ?? original?.message ?? (err instanceof Error ? err.message : String(err));
  return `Could not reach Slack's Web API at ${where} (${cause}): check the network or SLACK_API_URL.`;
}

/** How long start-up waits for each of its two tries of `auth.test`. */
export const PREFLIGHT_TIMEOUT_MS = 3000;

/** Asks Slack who we are before anything slow, so a wrong token fails in a second, with one line. */
async function whoWeAre(config: Config, log: Log): Promise<{ teamId: string; teamName: string }> {
  // Its retries would each log a warning; the one line that matters is the outcome.
  const preflight = new webApi.WebClient(config.slack.botToken, {
    // Two tries of at most 3 s each: a wrong token or a Slack that does not answer ends start-up well within 10 s.
    ...webClientOptions(config, { retries: 1, timeoutMs: PREFLIGHT_TIMEOUT_MS }),
    logger: boltLogger(log.child({}, { level: 'error' })),
  });
  try {
    const auth = await preflight.auth.test();
    if (!auth.team_id) throw new StartupError('Slack did not say which workspace SLACK_BOT_TOKEN belongs to.');
    return { teamId: auth.team_id, teamName: auth.team ?? '' };
  } catch (err) {
    if (err instanceof StartupError) throw err;
    throw new StartupError(describeSlackFailure(err, config));
  }
}

/** The database for a long run: a dropped connection is replaced, and what ran on it fails to its caller, who says so. */
function openCascadeDatabase(config: Config, log: Log): Promise<Db> {
  return openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    longRunning: true,
    onConnectionError: (err) =>
      log.warn(
        { err: { message: err.message, code: (err as { code?: string }).code } },
        'the database dropped a connection; the next request gets a new one',
      ),
  });
}

/** Starts the Slack side: HTTP mode listens on PORT; Socket Mode connects here (apps.connections.open with the app token). */
async function listen(app: App, config: Config, host: string | undefined): Promise<unknown> {
  try {
    return await app.start(host ? { port: config.port, host } : config.port);
  } catch (err) {
    if ((err as { code?: string }).code === 'EADDRINUSE')
      throw new StartupError(`PORT ${config.port} is already in use by another program.`);
    throw new StartupError(describeSlackFailure(err, config, config.slack.mode === 'socket' ? 'SLACK_APP_TOKEN' : 'SLACK_BOT_TOKEN'));
  }
}

/** Summaries from the configured endpoint, counted in /metrics; a failure is logged by its kind, never with the text sent or the key. */
function summarizerFor(llm: LlmConfig, metrics: Metrics, log: Log): Summarizer {
  return llmSummarizer(llm, {
    onUsage: (u) => metrics.scheduler.summary(u.outcome, u.promptTokens, u.completionTokens),
    onError: (err) =>
      log.warn(
        { error: err instanceof Error ? err.name : 'unknown', status: (err as { status?: number }).status },
        'no written summary this time (the endpoint failed, timed out or refused); the message went without one',
      ),
  });
}

async function serveMetricsAlone(metrics: Metrics, port: number, host: string): Promise<Server> {
  try {
    return await startMetricsServer(metrics, port, host);
  } catch (err) {
    if ((err as { code?: string }).code === 'EADDRINUSE')
      throw new StartupError(`METRICS_PORT ${port} is already in use by another program.`);
    throw err;
  }
}

/**
 * What runs by the clock: the minute's tick (plan, remind, close, send); the outbox woken every 10 seconds between
 * ticks, so that a workspace's pace is spread over its minute instead of sent in one burst; profiles read from
 * Slack each hour. None overlaps itself; a failure is logged and the next run tries again.
 */
function schedules(s: {
  scheduler: Parameters<typeof tick>[0];
  outbox: { wake(): unknown };
  clock: Clock;
  log: Log;
  directories: Directories;
  crm: CrmSettings;
}): ScheduledTask[] {
  const { scheduler, clock, log } = s;
  return [
    cron.schedule(
      '* * * * *',
      async () => {
        try {
          const report = await tick(scheduler, clock.now());
          if (report.rounds || report.sent || report.failed || report.missed) log.info({ ...report }, 'tick');
        } catch (err) {
          log.error({ err }, 'tick failed; the next one tries again');
        }
      },
      { name: 'tick', noOverlap: true },
    ),
    cron.schedule('5,15,25,35,45,55 * * * * *', () => s.outbox.wake(), { name: 'dispatch', noOverlap: true }),
    cron.schedule(
      '17 * * * *',
      async () => {
        for (const { teamId, directory } of await s.directories().catch(() => [])) {
          try {
            const n = await refreshProfiles({ db: scheduler.db, directory, clock }, teamId, { limit: 1000 });
            if (n) log.info({ teamId, refreshed: n }, 'profiles refreshed from Slack');
          } catch (err) {
            log.warn({ err, teamId }, 'profile refresh failed; it will be tried again next hour');
          }
        }
      },
      { name: 'refresh-profiles', noOverlap: true },
    ),
    // The CRM's numbers, every hour for each workspace with a CRM (a workspace synced less than an hour ago waits).
    cron.schedule(
      '41 * * * *',
      async () => {
        try {
          for (const r of await syncDue({ db: scheduler.db, now: () => clock.now(), log, settings: s.crm }))
            if (r.outcome === 'synced') log.info({ teamId: r.teamId, deals: r.deals, deleted: r.deleted, goals: r.goals }, 'CRM synced');
        } catch (err) {
          log.warn({ err }, 'CRM sync failed; it will be tried again next hour');
        }
      },
      { name: 'crm-sync', noOverlap: true },
    ),
  ];
}

/** Composition root: log → Slack identity → database → migrations → Slack app → schedules. */
export async function startCascade(config: Config, options: StartOptions): Promise<RunningCascade> {
  const { log } = options;
  const clock = options.clock ?? systemClock;
  const slackOptions = options.slack ?? DEFAULT_SLACK_OPTIONS;

  // One workspace: who its token says we are. Many: each install says which workspace it is.
  const single = config.slack.oauth ? undefined : await whoWeAre(config, log);
  const teamId = single?.teamId;

  const db = options.db ?? (await openCascadeDatabase(config, log));
  const stops: (() => Promise<void> | void)[] = [];
  try {
    const { applied } = await migrateToLatest(db.db);
    if (applied.length) log.info({ applied }, 'database migrated');
    if (single) {
      await openWorkspace(db.db, single.teamId, single.teamName, clock.now());
      // Started with a token that works: the app is installed (again), and the workspace's data stays.
      await markInstalled(db.db, single.teamId);
    }
    const installations = config.slack.oauth
      ? postgresInstallations({
          db: db.db,
          box: secretBox(Buffer.from(config.encryptionKey!, 'hex')),
          clientId: config.slack.oauth.clientId,
          clientSecret: config.slack.oauth.clientSecret,
          clientOptions: webClientOptions(config, { retries: 1, timeoutMs: 10_000 }),
          clock,
        })
      : undefined;

    const crm = crmSettings(config.crm, config.encryptionKey);
    const deps = { db: db.db, log, clock, admins: config.admins, crm };
    const metrics = createMetrics(db.background, {
      teamLabels: config.metrics.teamLabels,
      now: () => clock.now().getTime(),
      ...(config.metrics.token ? { token: config.metrics.token } : {}),
    });
    // /metrics on a port of its own (loopback by default), or on Slack's port behind a token, or not at all.
    const metricsRoute: CustomRoute[] =
      config.metrics.port === undefined && config.metrics.token
        ? [{ path: '/metrics', method: 'GET', handler: (req, res) => void metrics.serve(req, res) }]
        : [];
    const app = createSlackApp(config, deps, slackOptions, [...(options.routes ?? []), ...metricsRoute], installations);
    try {
      await app.init();
    } catch (err) {
      throw new StartupError(describeSlackFailure(err, config));
    }
    const server = await listen(app, config, options.host);
    stops.push(async () => {
      await app.stop();
    });
    const port = config.slack.mode === 'http' ? portOf(server, config.port) : config.port;
    let metricsPort: number | undefined;
    if (config.metrics.port !== undefined) {
      const metricsServer = await serveMetricsAlone(metrics, config.metrics.port, config.metrics.host);
      stops.push(() => new Promise<void>((resolve) => metricsServer.close(() => resolve())));
      metricsPort = portOf(metricsServer, config.metrics.port);
    }

    const tasks: ScheduledTask[] = [];
    const messenger = installations ? messengersOf(config, log, installations) : messengerFor(config, log);
    const scheduler = {
      db: db.background,
      messenger,
      log,
      awayStatus: config.awayStatus,
      handlers: deliveryHandlers,
      metrics: metrics.scheduler,
      retention: config.retention,
      ...(config.llm ? { summarizer: summarizerFor(config.llm, metrics, log) } : {}),
    };
    // Every outbox pass of this process, scheduled or woken, goes through one worker: never two at once.
    const outbox = outboxWorker(
      async () => void (await dispatchDue(scheduler, clock.now())),
      (err) => log.error({ err }, 'sending failed; the next pass tries again'),
    );
    if (options.wake ?? options.schedules !== false) {
      const unlisten = await db.listen(OUTBOX_CHANNEL, () => void outbox.wake());
      stops.unshift(unlisten);
    }
    if (options.schedules !== false)
      tasks.push(...schedules({ scheduler, outbox, clock, log, directories: directoriesOf(config, app, installations, teamId), crm }));
    stops.unshift(() => {
      for (const t of tasks) t.stop();
    });
    const metricsAt =
      metricsPort !== undefined
        ? `http://${config.metrics.host}:${metricsPort}/metrics`
        : config.metrics.token
          ? `port ${port}, with METRICS_TOKEN`
          : 'off';
    log.info({ mode: config.slack.mode, port, team: teamId, database: db.kind, metrics: metricsAt }, 'Cascade is running');

    let stopped: Promise<void> | undefined;
    return {
      port,
      ...(metricsPort !== undefined ? { metricsPort } : {}),
      ...(teamId ? { teamId } : {}),
      db,
      stop: () =>
        (stopped ??= (async () => {
          for (const stop of stops) await stop();
          if (!options.db) await db.close();
        })()),
    };
  } catch (err) {
    for (const stop of stops) await Promise.resolve(stop()).catch(() => undefined);
    if (!options.db) await db.close().catch(() => undefined);
    throw err;
  }
}
