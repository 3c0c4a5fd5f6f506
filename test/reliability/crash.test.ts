import { openWorkspace } from '../../src/checkins/cadences';
import { signedHeaders, slashCommandBody } from '../../src/slack/stand-in/requests';
import { SlackStandIn } from '../../src/slack/stand-in/slack';
import { importFixtureOrg, importWaveOrg, tickDeps } from '../support/cascade';
import { tick } from '../../src/scheduler/tick';
import { createLog } from '../../src/log';
import { LogCapture } from '../support/app';
import { cascade, freePort, waitForHttp } from '../support/cli';
import { createTestDb, serverUrl, type TestDb } from '../support/db';
import { ALL_USERS, PEOPLE } from '../support/org-fixture';

/**
 * A Cascade process killed in the middle of a burst of commands: whatever it acknowledged to Slack must be
 * kept. Needs a Postgres server (a killed process must not be the one holding the database).
 */
const onServer = serverUrl() ? describe : describe.skip;
const SECRET = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const TEAM = 'T0CASCADE';

onServer('When the process dies mid-burst', () => {
  let db: TestDb;
  let slack: SlackStandIn;

  beforeAll(async () => {
    db = await createTestDb();
    slack = await new SlackStandIn().addUser(...ALL_USERS).start();
    await openWorkspace(db.db, TEAM, 'Cascade Test', new Date());
    await importFixtureOrg(db, slack, TEAM, new Date());
  });

  afterAll(async () => {
    await slack?.stop();
    await db?.close();
  });

  test('When 60 commands arrive at once and the process is killed after answering some, then every command it acknowledged is stored', async () => {
    const port = await freePort();
    const run = cascade(['start'], {
      SLACK_BOT_TOKEN: 'xoxb-good-token',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: slack.apiUrl,
      PORT: String(port),
      DATABASE_URL: db.url!,
      LOG_LEVEL: 'warn',
    });
    const acknowledged: string[] = [];
    try {
      await waitForHttp(`http://127.0.0.1:${port}/readyz`, 60_000);
      const people = [PEOPLE.raj, PEOPLE.mia, PEOPLE.leo, PEOPLE.ann, PEOPLE.bob];
      let killed = false;
      const send = async (n: number) => {
        const text = `burst commitment number ${n}`;
        const body = slashCommandBody({
          teamId: TEAM,
          userId: people[n % people.length]!.id,
          text: `commit ${text}`,
          responseUrl: slack.responseUrl(`c${n}`),
          triggerId: `t${n}`,
        });
        try {
          const res = await fetch(`http://127.0.0.1:${port}/slack/events`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded', ...signedHeaders(SECRET, body) },
            body,
          });
          await res.text();
          if (res.status === 200 && !killed) {
            acknowledged.push(text);
            // Killed as soon as a third of the burst is acknowledged: the rest is in flight.
            if (acknowledged.length === 20) {
              killed = true;
              run.child.kill('SIGKILL');
            }
          }
        } catch {
          // The connection died with the process: Slack would tell the person the command failed.
        }
      };
      await Promise.all(Array.from({ length: 60 }, (_, n) => send(n)));
      await run.exit;
      expect(killed).toBe(true);
      const stored = new Set(
        (await db.db.selectFrom('commitment').select('text').where('text', 'like', 'burst commitment number %').execute()).map(
          (r) => r.text,
        ),
      );
      const lost = acknowledged.filter((t) => !stored.has(t));
      expect(acknowledged.length).toBeGreaterThanOrEqual(20);
      expect(lost).toEqual([]);
    } finally {
      run.child.kill('SIGKILL');
    }
  }, 120_000);

  test('When the process sending a wave of prompts is killed mid-pass, then what it had not sent goes out a minute later, and only what was in flight can go twice', async () => {
    const wave = await createTestDb();
    const waveSlack = await new SlackStandIn().start();
    try {
      await importWaveOrg(wave, waveSlack, TEAM, 3, 20);
      // Slack takes a while per message: the pass is still sending when the process dies.
      waveSlack.onEvery('chat.postMessage', { delayMs: 120 });
      const due = '2026-11-30T10:00:00Z';
      const run = cascade(['tick', '--at', due], {
        SLACK_BOT_TOKEN: 'xoxb-good-token',
        SLACK_API_URL: waveSlack.apiUrl,
        DATABASE_URL: wave.url!,
        LOG_LEVEL: 'warn',
      });
      const prompts = () =>
        waveSlack.callsTo('chat.postMessage').filter((c) => String(c.args.channel).startsWith('DUR') && !c.args.thread_ts);
      const deadline = Date.now() + 60_000;
      while (prompts().length < 15 && Date.now() < deadline && run.child.exitCode === null) await new Promise((r) => setTimeout(r, 10));
      run.child.kill('SIGKILL');
      await run.exit;
      const atKill = prompts().length;
      expect(atKill).toBeGreaterThanOrEqual(15);
      expect(atKill).toBeLessThan(60);
      waveSlack.onEvery('chat.postMessage', undefined);
      // Within the claim's lease nobody takes over; a minute and a half later another worker sends the rest.
      const deps = { ...tickDeps(wave, waveSlack, createLog({ level: 'silent', destination: new LogCapture() })) };
      await tick(deps, new Date(Date.parse(due) + 90_000));
      await tick(deps, new Date(Date.parse(due) + 150_000));
      const perRep = new Map<string, number>();
      for (const c of prompts()) perRep.set(String(c.args.channel), (perRep.get(String(c.args.channel)) ?? 0) + 1);
      expect(perRep.size).toBe(60);
      const twice = [...perRep.values()].filter((n) => n > 1).length;
      // At most the sends in flight when it died (the dispatcher sends eight at a time).
      expect(twice).toBeLessThanOrEqual(8);
    } finally {
      await waveSlack.stop();
      await wave.close();
    }
  }, 180_000);
});
