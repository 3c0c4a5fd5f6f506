import { openWorkspace } from '../../src/checkins/cadences';
import { signedHeaders, slashCommandBody } from '../../src/slack/stand-in/requests';
import { SlackStandIn } from '../../src/slack/stand-in/slack';
import { importFixtureOrg } from '../support/cascade';
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
    const run = cascade(['start'], { SLACK_BOT_TOKEN: 'xoxb-good-token', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: slack.apiUrl, PORT: String(port), DATABASE_URL: db.url!, LOG_LEVEL: 'warn' });
    const acknowledged: string[] = [];
    try {
      await waitForHttp(`http://127.0.0.1:${port}/readyz`, 60_000);
      const people = [PEOPLE.raj, PEOPLE.mia, PEOPLE.leo, PEOPLE.ann, PEOPLE.bob];
      let killed = false;
      const send = async (n: number) => {
        const text = `burst commitment number ${n}`;
        const body = slashCommandBody({ teamId: TEAM, userId: people[n % people.length]!.id, text: `commit ${text}`, responseUrl: slack.responseUrl(`c${n}`), triggerId: `t${n}` });
        try {
          const res = await fetch(`http://127.0.0.1:${port}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...signedHeaders(SECRET, body) }, body });
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
      const stored = new Set((await db.db.selectFrom('commitment').select('text').where('text', 'like', 'burst commitment number %').execute()).map((r) => r.text));
      const lost = acknowledged.filter((t) => !stored.has(t));
      expect(acknowledged.length).toBeGreaterThanOrEqual(20);
      expect(lost).toEqual([]);
    } finally {
      run.child.kill('SIGKILL');
    }
  }, 120_000);
});
