import { webApi } from '@slack/bolt';
import { deliveryHandlers } from '../../src/slack/deliveries';
import type { Log } from '../../src/log';
import { importOrgChart } from '../../src/org/import';
import { openWorkspace } from '../../src/checkins/cadences';
import type { TickDeps } from '../../src/scheduler/tick';
import { slackDirectory } from '../../src/slack/directory';
import { slackMessenger } from '../../src/slack/messenger';
import { startTestApp, type TestApp } from './app';
import { createTestDb, type TestDb } from './db';
import { SlackStandIn, type StandInUser } from '../../src/slack/stand-in/slack';
import { ALL_USERS, ORG_CSV, PEOPLE } from './org-fixture';

/** A WebClient on the fake Slack that does not retry, and lets 429s through to the outbox. */
export function fakeClient(slack: SlackStandIn): webApi.WebClient {
  return new webApi.WebClient('xoxb-test', { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });
}

/** What `tick` needs, sending through the fake Slack. */
export function tickDeps(db: TestDb, slack: SlackStandIn, log: Log): TickDeps {
  return { db: db.db, messenger: slackMessenger(fakeClient(slack)), log, handlers: deliveryHandlers };
}

/** Loads the fixture org (org-fixture.ts) into a workspace, names and zones from the fake Slack. */
export async function importFixtureOrg(db: TestDb, slack: SlackStandIn, teamId: string, now: Date): Promise<void> {
  const outcome = await importOrgChart({ db: db.db, directory: slackDirectory(fakeClient(slack)), now }, teamId, ORG_CSV, {
    dryRun: false,
  });
  if (!outcome.ok) throw new Error(`the fixture org did not import: ${JSON.stringify(outcome.errors)}`);
}

/**
 * A wave org: a CEO, a President, `managers` managers with `reps` reps each, all on UTC (imported without a
 * Slack directory), known to the stand-in by name; every rep is due at the same 10:00.
 */
export async function importWaveOrg(db: TestDb, slack: SlackStandIn, teamId: string, managers: number, reps: number): Promise<void> {
  const lines = ['slack_user_id,name,role,manager', 'UCEO,Casey,ceo,', 'UPRES,Pat,president,UCEO'];
  for (let m = 0; m < managers; m++) {
    lines.push(`UM${m},Manager ${m},manager,UPRES`);
    for (let r = 0; r < reps; r++) lines.push(`UR${m}X${r},Rep ${m}-${r},rep,UM${m}`);
  }
  for (const line of lines.slice(1)) {
    const [id, name] = line.split(',');
    slack.addUser({ id: id!, name: name! });
  }
  await openWorkspace(db.db, teamId, teamId, new Date('2026-10-01T00:00:00Z'));
  const outcome = await importOrgChart({ db: db.db, directory: null, now: new Date('2026-11-01T00:00:00Z') }, teamId, lines.join('\n'), {
    dryRun: false,
  });
  if (!outcome.ok) throw new Error(`the wave org did not import: ${JSON.stringify(outcome.errors)}`);
}

export interface Fixture {
  readonly db: TestDb;
  readonly slack: SlackStandIn;
  readonly app: TestApp;
  stop(): Promise<void>;
}

export interface FixtureOptions {
  /** The clock the test moves; without one, the app reads the system clock. */
  readonly now?: { current: Date };
  readonly admins?: string[];
  readonly env?: Record<string, string>;
  readonly workingHours?: 'default' | 'always';
  /** The outbox woken at once by what a request queues (`LISTEN`/`NOTIFY`), as in production; off, a test sends with `tick`. */
  readonly wake?: boolean;
  /** Who the Slack stand-in knows: the fixture org's people by default. */
  readonly users?: readonly StandInUser[];
  /** The org chart at start: the fixture org (default), imported as of `importedAt` (default: now), or none. */
  readonly org?: 'fixture' | 'none';
  readonly importedAt?: Date;
}

/**
 * A migrated database, the fake Slack with the fixture org's users, the real app over HTTP on a clock the
 * test moves, and the fixture org imported: what every end-to-end test file starts from (`useFixture`).
 */
async function startFixture(options: FixtureOptions): Promise<Fixture> {
  const db = await createTestDb();
  const slack = await new SlackStandIn().addUser(...(options.users ?? ALL_USERS)).start();
  const now = options.now;
  const app = await startTestApp({
    db,
    slack,
    admins: options.admins ?? [PEOPLE.admin.id],
    ...(now ? { clock: { now: () => now.current } } : {}),
    ...(options.env ? { env: options.env } : {}),
    ...(options.wake ? { wake: true } : {}),
  });
  if (options.org !== 'none') await importFixtureOrg(db, slack, app.teamId, options.importedAt ?? now?.current ?? new Date());
  if (options.workingHours !== 'default') await workAroundTheClock(db, app.teamId);
  return {
    db,
    slack,
    app,
    async stop() {
      await app.stop();
      await slack.stop();
      await db.close();
    },
  };
}

/**
 * The fixture for a whole test file: registers its start (beforeAll) and stop (afterAll), and answers with
 * an object whose `db`, `slack` and `app` are the running fixture's once the tests run.
 */
export function useFixture(options: FixtureOptions): Fixture {
  let running: Fixture | undefined;
  beforeAll(async () => {
    running = await startFixture(options);
  });
  afterAll(() => running?.stop());
  const get = () => {
    if (!running) throw new Error('the fixture is used before it started (outside a test?)');
    return running;
  };
  return {
    get db() {
      return get().db;
    },
    get slack() {
      return get().slack;
    },
    get app() {
      return get().app;
    },
    stop: () => get().stop(),
  };
}

/**
 * A workspace that works around the clock, every day: the tests of other features send at whatever instant
 * they test. Working hours have tests of their own (test/scheduler/hours.test.ts), and the month walk runs
 * with the default hours.
 */
export async function workAroundTheClock(db: TestDb, teamId: string): Promise<void> {
  await db.db
    .updateTable('workspace')
    .set({ work_days: [0, 1, 2, 3, 4, 5, 6], work_start: '00:00', work_end: '23:59' })
    .where('team_id', '=', teamId)
    .execute();
}
