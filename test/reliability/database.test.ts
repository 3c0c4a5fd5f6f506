import { createServer, connect, type Server, type Socket } from 'node:net';
import pg from 'pg';
import { openWorkspace } from '../../src/checkins/cadences';
import { importFixtureOrg } from '../support/cascade';
import { cascade, freePort, waitForHttp, type CliRun } from '../support/cli';
import { createTestDb, serverUrl, type TestDb } from '../support/db';
import { ALL_USERS, PEOPLE } from '../support/org-fixture';
import { signedHeaders, slashCommandBody } from '../../src/slack/stand-in/requests';
import { SlackStandIn } from '../../src/slack/stand-in/slack';

/**
 * A Cascade process whose database goes away under load: its connections are terminated by the server
 * (`pg_terminate_backend`), and the server "fails over" (every connection cut, new ones refused for a while).
 * The process must stay up, answer what it can, say clearly what it cannot, and recover without a restart.
 * Needs a Postgres server (TEST_DATABASE_URL), as CI gives.
 */
const onServer = serverUrl() ? describe : describe.skip;
const SECRET = 'fedcba9876543210fedcba9876543210';
const TEAM = 'T0CASCADE';

/** A TCP hop between Cascade and Postgres that a test can cut: every connection dropped, new ones refused. */
class Hop {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private down = false;
  port = 0;
  constructor(private readonly target: { host: string; port: number }) {}
  async start(): Promise<this> {
    this.server = createServer((client) => {
      if (this.down) return client.destroy();
      const upstream = connect(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
    return this;
  }
  /** The server goes away: what was connected is cut, and nothing connects until `up()`. */
  cut(): void {
    this.down = true;
    for (const s of this.sockets) s.destroy();
  }
  up(): void {
    this.down = false;
  }
  async stop(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}

onServer('When the database drops connections under load', () => {
  let db: TestDb;
  let slack: SlackStandIn;
  let hop: Hop;
  let run: CliRun;
  let base: string;
  let commands = 0;

  beforeAll(async () => {
    db = await createTestDb();
    slack = await new SlackStandIn().addUser(...ALL_USERS).start();
    await openWorkspace(db.db, TEAM, 'Cascade Test', new Date());
    await importFixtureOrg(db, slack, TEAM, new Date());
    const url = new URL(db.url!);
    hop = await new Hop({ host: url.hostname, port: Number(url.port || 5432) }).start();
    url.host = `127.0.0.1:${hop.port}`;
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    run = cascade(['start'], {
      SLACK_BOT_TOKEN: 'xoxb-good-token',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: slack.apiUrl,
      PORT: String(port),
      DATABASE_URL: url.toString(),
      LOG_LEVEL: 'warn',
    });
    await waitForHttp(`${base}/readyz`, 60_000);
  }, 90_000);

  afterAll(async () => {
    run?.child.kill('SIGKILL');
    await run?.exit;
    await hop?.stop();
    await slack?.stop();
    await db?.close();
  });

  /** `/cascade status` as Raj, signed as Slack signs it: the HTTP status, and the answer when it came in the response. */
  const answers: string[] = [];
  const status = async (): Promise<number> => {
    const id = `db${++commands}`;
    const body = slashCommandBody({
      teamId: TEAM,
      userId: PEOPLE.raj.id,
      text: 'status',
      responseUrl: slack.responseUrl(id),
      triggerId: `t-${id}`,
    });
    try {
      const res = await fetch(`${base}/slack/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...signedHeaders(SECRET, body) },
        body,
        signal: AbortSignal.timeout(10_000),
      });
      answers.push(await res.text());
      return res.status;
    } catch {
      return 0;
    }
  };
  const ready = async (): Promise<number> => {
    try {
      return (await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(10_000) })).status;
    } catch {
      return 0;
    }
  };

  /** Three loops of `/cascade status` and one of `/readyz`, until `stop` is set. */
  const load = (stop: { done: boolean }) => {
    const loop = async (fn: () => Promise<number>, seen: number[]) => {
      while (!stop.done) seen.push(await fn());
    };
    const statuses: number[] = [];
    const readiness: number[] = [];
    return {
      statuses,
      readiness,
      running: Promise.all([loop(status, statuses), loop(status, statuses), loop(status, statuses), loop(ready, readiness)]),
    };
  };

  const alive = () => run.child.exitCode === null && run.child.signalCode === null;

  test('When the server terminates its connections again and again, then the process stays up, and answers afterwards without a restart', async () => {
    const admin = new pg.Client({ connectionString: db.url! });
    await admin.connect();
    const stop = { done: false };
    const { statuses, running } = load(stop);
    try {
      for (let round = 0; round < 12; round++) {
        await new Promise((r) => setTimeout(r, 250));
        await admin.query(
          'select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
        );
      }
    } finally {
      stop.done = true;
      await running;
      await admin.end();
    }
    expect(alive()).toBe(true);
    expect(statuses.length).toBeGreaterThan(12);
    // What was in flight was either answered, or told plainly that the database did not answer; never a stack.
    // (An answer that took longer than Slack waits says so, and follows on the response_url.)
    const texts = answers.map((a) => (a ? (JSON.parse(a) as { text: string }).text : ''));
    const late = texts.filter((t) => t.startsWith('Working on it'));
    const followed = await slack
      .waitFor('response_url', { count: late.length, where: (c) => !c.args.inAck, timeoutMs: 10_000 })
      .catch(() => []);
    expect(followed.length).toBeGreaterThanOrEqual(late.length);
    const plain = /Commitments\*: |could not reach its database/;
    expect(
      [...texts.filter((t) => !t.startsWith('Working on it')), ...followed.map((c) => String(c.args.text))].filter((t) => !plain.test(t)),
    ).toEqual([]);
    // Afterwards: ready, and a command is answered, without a restart.
    await waitForHttp(`${base}/readyz`, 10_000);
    expect(await status()).toBe(200);
    expect(answers[answers.length - 1]).not.toContain('could not reach');
    expect(alive()).toBe(true);
    expect(run.stdout()).not.toContain('Unhandled');
  }, 120_000);

  test('When the server goes away for two seconds (a failover), then /readyz says so, and the process recovers by itself', async () => {
    const stop = { done: false };
    const { readiness, running } = load(stop);
    await new Promise((r) => setTimeout(r, 500));
    hop.cut();
    // While it is away, /readyz reports the outage (not ready), quickly.
    const during: number[] = [];
    for (let i = 0; i < 3; i++) during.push(await ready());
    await new Promise((r) => setTimeout(r, 2000));
    hop.up();
    await new Promise((r) => setTimeout(r, 1000));
    stop.done = true;
    await running;
    expect(alive()).toBe(true);
    expect(during).toContain(503);
    expect(readiness).toContain(503);
    await waitForHttp(`${base}/readyz`, 10_000);
    expect(await ready()).toBe(200);
    expect(await status()).toBe(200);
    expect(alive()).toBe(true);
  }, 120_000);
});
