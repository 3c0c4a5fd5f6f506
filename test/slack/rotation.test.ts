import { randomBytes } from 'node:crypto';
import { openDatabase, type Db } from '../../src/db/connect';
import { SlackStandIn } from '../../src/slack/stand-in/slack';
import { startTestApp, type TestApp } from '../support/app';
import { createTestDb, type TestDb } from '../support/db';
import { addToSlack, oauthEnv, registerApp } from '../support/installs';

/*
 * Token rotation (`token_rotation_enabled`): a bot token that expires within hours is refreshed before Slack
 * refuses it, once per install however many replicas need it at the same moment (a row lock), and every replica
 * then uses the new one. On a Postgres server the replicas have connections of their own; on PGlite they share one.
 */
const ACME = 'T0ACME001';
const KEY = randomBytes(32).toString('hex');

let db: TestDb;
const handles: Db[] = [];
let slack: SlackStandIn;
const replicas: TestApp[] = [];

beforeAll(async () => {
  db = await createTestDb();
  slack = await new SlackStandIn().addUser({ id: 'UINSTALL1', name: 'Acme Ops' }).start();
  slack.oauth.workspaces.set(ACME, { teamId: ACME, name: 'Acme' });
  for (let i = 0; i < 3; i++) {
    const handle = db.url && i > 0 ? await openDatabase({ databaseUrl: db.url, dataDir: 'memory://' }) : db;
    if (handle !== db) handles.push(handle);
    replicas.push(await startTestApp({ db: handle as TestDb, slack, env: oauthEnv(KEY) }));
  }
  registerApp(slack, replicas[0]!);
});

afterAll(async () => {
  for (const r of replicas) await r.stop();
  for (const h of handles) await h.close();
  await slack?.stop();
  await db?.close();
});

describe('Token rotation under three replicas', () => {
  test('When the bot token is an hour from expiry and three replicas need it at once, then it is refreshed once and all three use the new one', async () => {
    // Installed with rotation on: this token expires in an hour (Slack's last 12; Cascade refreshes 3 hours ahead).
    const installed = await addToSlack(replicas[0]!, slack, { teamId: ACME, userId: 'UINSTALL1', expiresIn: 3600 });
    expect(installed.status).toBe(200);
    const [exchange] = slack.callsTo('oauth.v2.access');
    const first = await db.db.selectFrom('slack_installation').select(['expires_at', 'refresh_token']).executeTakeFirstOrThrow();
    expect(first.refresh_token).not.toMatch(/xoxe-/);
    expect(first.expires_at!.getTime() - Date.now()).toBeLessThan(3600 * 1000 + 5000);
    expect(slack.oauth.refreshes).toBe(0);
    const before = slack.calls.length;

    await Promise.all(replicas.map((r) => r.event({ type: 'app_home_opened', user: 'UINSTALL1', tab: 'home' }, { teamId: ACME })));
    const published = await slack.waitFor('views.publish', { count: 3 });

    expect(slack.oauth.refreshes).toBe(1);
    const refresh = slack.calls.slice(before).filter((c) => c.method === 'oauth.v2.access');
    expect(refresh).toHaveLength(1);
    expect(refresh[0]!.args.grant_type).toBe('refresh_token');
    // Every replica published with the new token, none with the one about to expire.
    const tokens = new Set(published.map((c) => c.token));
    expect(tokens.size).toBe(1);
    expect(exchange).toBeDefined();
    expect(slack.oauth.refusal([...tokens][0])).toBeUndefined();
    const after = await db.db.selectFrom('slack_installation').select(['expires_at']).executeTakeFirstOrThrow();
    expect(after.expires_at!.getTime() - Date.now()).toBeGreaterThan(11 * 3600 * 1000);

    // The next requests find a fresh token: nothing more is refreshed.
    await Promise.all(replicas.map((r) => r.event({ type: 'app_home_opened', user: 'UINSTALL1', tab: 'home' }, { teamId: ACME })));
    await slack.waitFor('views.publish', { count: 6 });
    expect(slack.oauth.refreshes).toBe(1);
  });
});
