import { webApi } from '@slack/bolt';
import { deliveryHandlers } from '../../src/slack/deliveries';
import { openDatabase, type Db } from '../../src/db/connect';
import { createLog } from '../../src/log';
import { dispatchDue, DEFAULT_DISPATCH } from '../../src/scheduler/dispatch';
import { tick } from '../../src/scheduler/tick';
import { slackMessenger } from '../../src/slack/messenger';
import { LogCapture } from '../support/app';
import { importWaveOrg } from '../support/cascade';
import { createTestDb, serverUrl, type TestDb } from '../support/db';
import { SlackStandIn } from '../../src/slack/stand-in/slack';

/**
 * Several replicas against one Postgres server: real concurrent connections, which embedded PGlite
 * (one connection) cannot give. Runs when TEST_DATABASE_URL names a server, as CI does.
 */
const onServer = serverUrl() ? describe : describe.skip;
const TEAM = 'T0REPLICA';
const MANAGERS = 12;
const REPS = 25;

let db: TestDb;
let second: Db;
let slack: SlackStandIn;

onServer('Two replicas on one Postgres', () => {
  beforeAll(async () => {
    db = await createTestDb();
    second = await openDatabase({ databaseUrl: db.url!, dataDir: 'memory://' });
    slack = await new SlackStandIn().start();
    // Without a Slack directory the import leaves everyone on UTC: all reps are due at 10:00 UTC.
    await importWaveOrg(db, slack, TEAM, MANAGERS, REPS);
  });

  afterAll(async () => {
    await second?.close();
    await slack?.stop();
    await db?.close();
  });

  const depsOf = (handle: Db) => {
    const client = new webApi.WebClient('xoxb-test', {
      slackApiUrl: slack.apiUrl,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
    });
    return {
      db: handle.db,
      messenger: slackMessenger(client),
      log: createLog({ level: 'warn', destination: new LogCapture() }),
      handlers: deliveryHandlers,
    };
  };

  const promptsPerRep = () => {
    const counts = new Map<string, number>();
    for (const c of slack.callsTo('chat.postMessage'))
      if (!c.args.thread_ts && String(c.args.channel).startsWith('DUR')) counts.set(c.args.channel, (counts.get(c.args.channel) ?? 0) + 1);
    return counts;
  };

  test('When two replicas tick at the same instants, planning and sending in small passes, then every rep gets exactly one prompt', async () => {
    slack.onEvery('chat.postMessage', { delayMs: 3 });
    const a = depsOf(db);
    const b = depsOf(second);
    const small = { ...DEFAULT_DISPATCH, limit: 40, concurrency: 3 };
    // Monday 30 November, 10:00: all 300 reps are due at once.
    const due = new Date('2026-11-30T10:00:00Z');
    for (let i = 0; i < 6; i++) {
      const at = new Date(due.getTime() + i * 60_000);
      await Promise.all([tick(a, at, small), tick(b, at, small), tick(a, at, small)]);
    }
    const counts = promptsPerRep();
    expect(counts.size).toBe(MANAGERS * REPS);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    const statuses = await db.db
      .selectFrom('delivery')
      .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
      .where('kind', '=', 'prompt')
      .groupBy('status')
      .execute();
    expect(statuses.map((s) => [s.status, Number(s.n)])).toEqual([['sent', MANAGERS * REPS]]);
  });

  test('When two dispatchers drain one queue at once, then each delivery is sent by exactly one of them, at most 200 a minute for the workspace in each lane', async () => {
    // Last week's round closes (its missed marks and briefs go out) before next Monday's is planned
    // without sending, and then drained by two dispatchers racing.
    await tick(depsOf(db), new Date('2026-12-03T00:00:00Z'), { ...DEFAULT_DISPATCH, limit: 1000 });
    slack.reset();
    slack.onEvery('chat.postMessage', { delayMs: 2 });
    const planned = new Date('2026-12-07T10:00:00Z');
    await tick(depsOf(db), planned, { ...DEFAULT_DISPATCH, limit: 0 });
    const queued = await db.db
      .selectFrom('delivery')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '=', 'queued')
      .where('not_before', '<=', planned)
      .executeTakeFirstOrThrow();
    expect(Number(queued.n)).toBeGreaterThanOrEqual(MANAGERS * REPS);
    const options = { ...DEFAULT_DISPATCH, limit: 60, concurrency: 2, fixedPace: 200 };
    const reports = [];
    // Within one minute both replicas together stay within the workspace's posting budget (200 a minute;
    // edits of last week's prompts have a budget of their own).
    for (let pass = 0; pass < 6; pass++) {
      reports.push(...(await Promise.all([dispatchDue(depsOf(db), planned, options), dispatchDue(depsOf(second), planned, options)])));
    }
    const perLane = await db.db
      .selectFrom('delivery')
      .select(['lane', (eb) => eb.fn.countAll<number>().as('n')])
      .where('status', '=', 'sent')
      .where('claimed_at', '=', planned)
      .groupBy('lane')
      .execute();
    const firstMinute = (lane: string) => Number(perLane.find((r) => r.lane === lane)?.n ?? 0);
    expect(firstMinute('post')).toBeGreaterThanOrEqual(options.fixedPace);
    expect(firstMinute('post')).toBeLessThanOrEqual(options.fixedPace + options.limit);
    expect(firstMinute('update')).toBeGreaterThan(0);
    expect(firstMinute('update')).toBeLessThanOrEqual(options.fixedPace + options.limit);
    for (let minute = 1; minute <= 4; minute++) {
      for (let pass = 0; pass < 6; pass++) {
        const at = new Date(planned.getTime() + minute * 60_000 + pass * 1000);
        reports.push(...(await Promise.all([dispatchDue(depsOf(db), at, options), dispatchDue(depsOf(second), at, options)])));
      }
    }
    const sent = reports.reduce((n, r) => n + r.sent, 0);
    expect(sent).toBe(Number(queued.n));
    expect(reports.filter((r) => r.sent > 0).length).toBeGreaterThan(8);
    const counts = promptsPerRep();
    expect(counts.size).toBe(MANAGERS * REPS);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
  });
});
