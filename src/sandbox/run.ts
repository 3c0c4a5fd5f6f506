import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { systemClock } from '../time/clock';
import { instantOf, localDate } from '../time/calendar';
import { deliveryHandlers } from '../slack/deliveries';
import { join } from 'node:path';
import type { Config } from '../config';
import { openDatabase } from '../db/connect';
import { migrateToLatest } from '../db/migrate';
import { messengerFor, startCascade } from '../index';
import type { Log } from '../log';
import { openWorkspace } from '../checkins/cadences';
import { tick } from '../scheduler/tick';
import { slackDirectory } from '../slack/directory';
import { SlackStandIn } from '../slack/stand-in/slack';
import { webApi } from '@slack/bolt';
import { clockTarget, SandboxClock } from './clock';
import { DEMO_ADMIN, DEMO_CHANNELS, DEMO_PEOPLE } from './demo-org';
import { sandboxRoutes, type SandboxPages } from './page';
import { demoOwners, DemoPeople, SANDBOX_DISPATCH, seedDemoOrg, simulate } from './seed';

/** The demo CRM's private-app token: the stand-in's own, on loopback. */
const SANDBOX_HUBSPOT_TOKEN = 'pat-sandbox-demo';
import { after, DAY_MS, HOUR_MS, MINUTE_MS } from '../time/durations';
import { HubSpotStandIn } from '../crm/stand-in/hubspot';
import { crmSettings } from '../crm/connections';
import { syncWorkspace } from '../crm/sync';

const SANDBOX_TEAM = 'T0SANDBOX';
/** The scheduler's step through that history: every hour, as prompts fall due on the hour. */
const HISTORY_STEP_MS = HOUR_MS;

export interface RunningSandbox {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** Where a sandbox keeps its data: beside real data, never in it. */
function sandboxDir(config: Pick<Config, 'dataDir'>): string {
  return join(config.dataDir, 'sandbox');
}

/**
 * Where a new sandbox opens: the latest Monday at 16:00 in London, when the week's check-ins have gone out in
 * Asia, Europe and New York and some are answered — work in flight, not a Friday evening with nothing to do.
 */
export function openingMoment(now: Date): Date {
  const today = localDate(now, 'Europe/London');
  for (let back = 0; back < 8; back++) {
    const day = new Date(Date.parse(`${today}T00:00:00Z`) - back * DAY_MS).toISOString().slice(0, 10);
    if (new Date(`${day}T00:00:00Z`).getUTCDay() !== 1) continue;
    const at = instantOf(day, '16:00', 'Europe/London');
    if (at <= now) return at;
  }
  return now;
}

/** The moment an existing sandbox opened on (its story is told relative to it). */
function openedAt(dir: string): Date {
  const file = join(dir, 'opened');
  const at = existsSync(file) ? new Date(readFileSync(file, 'utf8').trim()) : new Date(NaN);
  return Number.isNaN(at.getTime()) ? systemClock.now() : at;
}

/** A steady step for the scheduler while the clock moves: fine for an hour, coarser for days. */
function stepFor(spanMs: number): number {
  return spanMs <= 2 * HOUR_MS ? 5 * MINUTE_MS : 30 * MINUTE_MS;
}

/**
 * The same Cascade — Bolt app, listeners, scheduler, outbox, database code — against the built-in Slack
 * stand-in, on 127.0.0.1 only, with the demo org seeded on first run. Its data lives under DATA_DIR/sandbox
 * (or SANDBOX_DATABASE_URL), apart from real data.
 * Long on purpose: it is a composition root, each step (database, stand-in, seed, clock, app, pages) one
 * paragraph in the order they must start, and what a step builds is used by the steps after it.
 */
export async function startSandbox(base: Config, options: { log: Log; reset?: boolean; start?: Date }): Promise<RunningSandbox> {
  const { log } = options;
  const dir = sandboxDir(base);
  if (options.reset) rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const firstRun = !existsSync(join(dir, 'clock.json'));
  const opensAt = firstRun
    ? new Date(Math.floor((options.start ?? openingMoment(systemClock.now())).getTime() / MINUTE_MS) * MINUTE_MS)
    : openedAt(dir);
  const clock = new SandboxClock(join(dir, 'clock.json'), opensAt);
  if (firstRun) writeFileSync(join(dir, 'opened'), opensAt.toISOString());

  // The sandbox runs for days: it keeps what people see (the surfaces), not a record of every call.
  const standIn = new SlackStandIn({ teamId: SANDBOX_TEAM, clock: () => clock.now().getTime(), keepCalls: false });
  standIn.addUser(...DEMO_PEOPLE, DEMO_ADMIN).addChannel(...DEMO_CHANNELS.map(({ members: _m, ...c }) => c));
  const surfacesFile = join(dir, 'slack.json');
  if (existsSync(surfacesFile)) standIn.surfaces.load(JSON.parse(readFileSync(surfacesFile, 'utf8')));
  await standIn.start();
  const saveSurfaces = () => writeFileSync(surfacesFile, JSON.stringify(standIn.surfaces.toJSON()));

  // The demo's CRM: a HubSpot stand-in whose deals the demo reps make and win; their goals follow it.
  const hubspot = new HubSpotStandIn({ token: SANDBOX_HUBSPOT_TOKEN, now: () => clock.now(), searchPerSecond: 50 });
  const crmFile = join(dir, 'crm.json');
  if (existsSync(crmFile)) hubspot.load(JSON.parse(readFileSync(crmFile, 'utf8')));
  else demoOwners(hubspot);
  await hubspot.start();
  const save = () => {
    saveSurfaces();
    writeFileSync(crmFile, JSON.stringify(hubspot.toJSON()));
  };

  const secret = SlackStandIn.secret();
  const config: Config = {
    ...base,
    slack: { botToken: 'xoxb-sandbox', signingSecret: secret, apiUrl: standIn.apiUrl, mode: 'http' },
    databaseUrl: base.sandboxDatabaseUrl,
    dataDir: join(dir, 'db'),
    admins: [DEMO_ADMIN.id],
    crm: { provider: 'hubspot', accessToken: SANDBOX_HUBSPOT_TOKEN, baseUrl: hubspot.url },
  };
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, longRunning: true });
  let stopped = false;
  try {
    await migrateToLatest(db.db);
    await openWorkspace(db.db, SANDBOX_TEAM, 'Cascade sandbox', clock.now());
    const messenger = messengerFor(config, log);
    const tickDeps = { db: db.background, messenger, log, awayStatus: config.awayStatus, handlers: deliveryHandlers };
    const client = new webApi.WebClient(config.slack.botToken, { slackApiUrl: standIn.apiUrl, retryConfig: { retries: 0 } });
    const crmDeps = { db: db.db, log, settings: crmSettings(config.crm, undefined) };
    const seedDeps = {
      db: db.db,
      directory: slackDirectory(client),
      messenger,
      log,
      // The sync of the day, a minute after the reps' day in the CRM.
      crm: { hubspot, sync: (at: Date) => syncWorkspace({ ...crmDeps, now: () => after(at, MINUTE_MS) }, SANDBOX_TEAM) },
    };
    // The demo people answer a day after a prompt at the earliest: a visitor has time to answer as them.
    const people = new DemoPeople(seedDeps, SANDBOX_TEAM, 'demo', opensAt);
    let moving: Promise<void> = Promise.resolve();
    const pages: { -readonly [K in keyof SandboxPages]: SandboxPages[K] } = {
      standIn,
      people: [
        ...DEMO_PEOPLE.map((p) => ({ id: p.id, name: p.name, title: p.title, tz: p.tz ?? 'UTC' })),
        { id: DEMO_ADMIN.id, name: DEMO_ADMIN.name, title: DEMO_ADMIN.title, tz: DEMO_ADMIN.tz ?? 'UTC' },
      ],
      channels: DEMO_CHANNELS,
      now: () => clock.now(),
      save,
      move: (to, tz) =>
        (moving = moving.then(async () => {
          const target = clockTarget(to, clock.now(), tz);
          if (!target) return;
          const step = stepFor(target.getTime() - clock.now().getTime());
          for (let t = clock.now().getTime() + step; t < target.getTime(); t += step) {
            clock.set(new Date(t));
            await tick(tickDeps, clock.now(), SANDBOX_DISPATCH);
            await people.act(clock.now());
          }
          clock.set(target);
          await tick(tickDeps, target, SANDBOX_DISPATCH);
          await people.act(target);
          await standIn.settle(50, 2000);
        })),
      flush: async () => undefined,
    };
    pages.flush = () =>
      (moving = moving.then(async () => {
        // The app answers Slack before it has finished (ack first): let it finish, send what it queued, let that land.
        await standIn.settle(50, 2000);
        await tick(tickDeps, clock.now(), SANDBOX_DISPATCH);
        await standIn.settle(50, 2000);
      }));
    const running = await startCascade(config, { log, clock, db, schedules: false, host: '127.0.0.1', routes: sandboxRoutes(pages) });
    standIn.connect(`http://127.0.0.1:${running.port}/slack/events`, secret);

    if (
      firstRun ||
      (await db.db.selectFrom('person').select('slack_user_id').where('team_id', '=', SANDBOX_TEAM).limit(1).execute()).length === 0
    ) {
      const end = clock.now();
      // Whole hours, so that the scheduler's steps fall on the hours prompts are due at.
      const from = new Date(Math.floor((end.getTime() - base.sandboxHistoryDays * DAY_MS) / HOUR_MS) * HOUR_MS);
      log.info({ from, to: end }, 'seeding the demo sales org with six weeks of history');
      clock.set(from);
      await seedDemoOrg(seedDeps, SANDBOX_TEAM, from);
      const started = Date.now();
      await simulate(seedDeps, { from, to: end, stepMs: HISTORY_STEP_MS }, people, (at) => clock.set(at));
      log.info({ ms: Date.now() - started }, 'demo history simulated');
      clock.set(end);
      await tick(tickDeps, end, SANDBOX_DISPATCH);
      await standIn.settle(50, 2000);
      save();
    }
    const url = `http://localhost:${running.port}/sandbox`;
    return {
      url,
      port: running.port,
      stop: async () => {
        if (stopped) return;
        stopped = true;
        await moving.catch(() => undefined);
        save();
        await running.stop();
        await db.close();
        await standIn.stop();
        await hubspot.stop();
      },
    };
  } catch (err) {
    if (!stopped) {
      await db.close().catch(() => undefined);
      await standIn.stop();
      await hubspot.stop();
    }
    throw err;
  }
}
