import { randomBytes } from 'node:crypto';
import { webApi } from '@slack/bolt';
import { importOrgChart } from '../../src/org/import';
import { messengersOf } from '../../src/index';
import { createLog } from '../../src/log';
import { tick } from '../../src/scheduler/tick';
import { deliveryHandlers } from '../../src/slack/deliveries';
import { postgresInstallations } from '../../src/slack/installations';
import { SlackStandIn, type RecordedCall } from '../../src/slack/stand-in/slack';
import { secretBox } from '../../src/secrets';
import { rotateSecrets } from '../../src/db/sealed';
import { days } from '../../src/time/durations';
import { LogCapture, startTestApp, type TestApp } from '../support/app';
import { workAroundTheClock } from '../support/cascade';
import { createTestDb, rowsOfTeam, type TestDb } from '../support/db';
import { addToSlack, CLIENT_ID, CLIENT_SECRET, oauthEnv, registerApp } from '../support/installs';

/*
 * Many workspaces on one deployment, installed by "Add to Slack" (OAuth v2 through Bolt's installer) against the
 * stand-in, over signed HTTP: each install kept sealed in Postgres, each request authorised from it, each
 * delivery sent with its own workspace's token, and nothing of one workspace seen from another.
 */
const ACME = 'T0ACME001';
const GLOBEX = 'T0GLOBEX1';
const KEY = randomBytes(32).toString('hex');
const now = { current: new Date('2026-11-22T12:00:00Z') };

/** A small org per workspace: a CEO, a President, a manager and two reps, on UTC. */
const orgOf = (p: string) =>
  [
    'slack_user_id,name,role,manager',
    `U${p}CEO,${p} Chief,ceo,`,
    `U${p}PRES,${p} President,president,U${p}CEO`,
    `U${p}MGR,${p} Manager,manager,U${p}PRES`,
    `U${p}REP1,${p} Rep One,rep,U${p}MGR`,
    `U${p}REP2,${p} Rep Two,rep,U${p}MGR`,
  ].join('\n');

let db: TestDb;
let slack: SlackStandIn;
let app: TestApp;

beforeAll(async () => {
  db = await createTestDb();
  slack = await new SlackStandIn().start();
  slack.oauth.workspaces.set(ACME, { teamId: ACME, name: 'Acme' });
  slack.oauth.workspaces.set(GLOBEX, { teamId: GLOBEX, name: 'Globex' });
  for (const p of ['ACME', 'GLOBEX'])
    for (const line of orgOf(p).split('\n').slice(1)) slack.addUser({ id: line.split(',')[0]!, name: line.split(',')[1]! });
  slack.addUser({ id: 'UACMEINST', name: 'Acme Ops' }, { id: 'UGLOBEXINST', name: 'Globex Ops' });
  app = await startTestApp({ db, slack, env: oauthEnv(KEY), clock: { now: () => now.current }, wake: true });
  registerApp(slack, app);
});

afterAll(async () => {
  await app?.stop();
  await slack?.stop();
  await db?.close();
});

const tokenTeam = (c: RecordedCall) => slack.oauth.installOf(c.token)?.teamId;
const dmsTo = (userId: string) => slack.callsTo('chat.postMessage').filter((c) => c.args.to_user === userId);

const installationsWith = (key: Buffer) =>
  postgresInstallations({
    db: db.db,
    box: secretBox(key),
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    clientOptions: { slackApiUrl: slack.apiUrl },
  });

function tickDeps() {
  const log = createLog({ level: 'warn', destination: new LogCapture() });
  const installations = installationsWith(Buffer.from(KEY, 'hex'));
  return { db: db.db, messenger: messengersOf(app.config, log, installations), log, handlers: deliveryHandlers };
}

describe('Installs by OAuth, many workspaces', () => {
  test('When two workspaces press "Add to Slack", then each install is kept with its tokens sealed and each installer gets the first-run DM with their own workspace’s token', async () => {
    const acme = await addToSlack(app, slack, { teamId: ACME, userId: 'UACMEINST' });
    const globex = await addToSlack(app, slack, { teamId: GLOBEX, userId: 'UGLOBEXINST' });
    expect(acme.status).toBe(200);
    expect(globex.status).toBe(200);
    // The code was exchanged with the app's own id and secret.
    const exchanges = slack.callsTo('oauth.v2.access');
    expect(exchanges).toHaveLength(2);
    expect(exchanges.every((c) => c.args.client_id === CLIENT_ID && c.args.code)).toBe(true);

    const rows = await db.db.selectFrom('slack_installation').selectAll().orderBy('team_id').execute();
    expect(rows.map((r) => [r.team_id, r.installer_user_id])).toEqual([
      [ACME, 'UACMEINST'],
      [GLOBEX, 'UGLOBEXINST'],
    ]);
    // No token in clear anywhere in the table.
    expect(JSON.stringify(rows)).not.toMatch(/xox[bpe]-/);
    expect(await db.db.selectFrom('workspace').select('name').where('team_id', 'in', [ACME, GLOBEX]).orderBy('name').execute()).toEqual([
      { name: 'Acme' },
      { name: 'Globex' },
    ]);

    await slack.waitFor('chat.postMessage', { count: 2, where: (c) => /Cascade is installed/.test(String(c.args.text)) });
    const [toAcme] = dmsTo('UACMEINST');
    const [toGlobex] = dmsTo('UGLOBEXINST');
    expect(toAcme!.args.text).toContain('Cascade is installed');
    expect(JSON.stringify(toAcme!.args.blocks)).toContain('/cascade org import');
    expect(tokenTeam(toAcme!)).toBe(ACME);
    expect(tokenTeam(toGlobex!)).toBe(GLOBEX);
  });

  test('When the installer opens App Home, then they are the admin of their workspace and see the first steps; someone else there is not an admin', async () => {
    await app.event({ type: 'app_home_opened', user: 'UACMEINST', tab: 'home' }, { teamId: ACME });
    const [home] = await slack.waitFor('views.publish', { where: (c) => c.args.user_id === 'UACMEINST' });
    expect(JSON.stringify(home!.args.view)).toContain('Getting started');
    expect(tokenTeam(home!)).toBe(ACME);

    const { responseId } = await app.command('UACMEREP1', 'digest channel org <#C0DIGEST1|digests>', { teamId: ACME });
    expect((await app.reply(responseId)).text).toMatch(/Only Cascade admins/);
    // Globex's installer is nobody in Acme.
    const other = await app.command('UGLOBEXINST', 'digest channel org <#C0DIGEST1|digests>', { teamId: ACME });
    expect((await app.reply(other.responseId)).text).toMatch(/Only Cascade admins/);
    const installer = await app.command('UACMEINST', 'digest channel org <#C0DIGEST1|digests>', { teamId: ACME });
    expect((await app.reply(installer.responseId)).text).not.toMatch(/Only Cascade admins/);
  });

  test('When both run their cascade, then each workspace gets its own prompts with its own token, and neither sees the other', async () => {
    for (const [team, p] of [
      [ACME, 'ACME'],
      [GLOBEX, 'GLOBEX'],
    ] as const) {
      const imported = await importOrgChart({ db: db.db, directory: null, now: now.current }, team, orgOf(p), { dryRun: false });
      expect(imported.ok).toBe(true);
      await workAroundTheClock(db, team);
    }
    const deps = tickDeps();
    now.current = new Date('2026-11-23T10:00:00Z');
    await tick(deps, now.current);
    now.current = new Date('2026-11-23T10:01:00Z');
    await tick(deps, now.current);

    for (const [team, p] of [
      [ACME, 'ACME'],
      [GLOBEX, 'GLOBEX'],
    ] as const) {
      for (const rep of [`U${p}REP1`, `U${p}REP2`]) {
        const prompts = dmsTo(rep);
        expect(prompts.length).toBeGreaterThanOrEqual(1);
        expect(prompts.every((c) => tokenTeam(c) === team)).toBe(true);
      }
    }
    // Every message of the pass went with the token of the workspace of its recipient.
    for (const c of slack.callsTo('chat.postMessage')) {
      const to = String(c.args.to_user ?? '');
      if (/^UACME/.test(to)) expect(tokenTeam(c)).toBe(ACME);
      if (/^UGLOBEX/.test(to)) expect(tokenTeam(c)).toBe(GLOBEX);
    }

    // A leader in one workspace asks about a person of the other: Cascade does not know them there.
    const { responseId } = await app.command('UACMECEO', 'org show <@UGLOBEXREP1|globex>', { teamId: ACME });
    const reply = await app.reply(responseId);
    expect(reply.text).not.toContain('GLOBEX Rep One');
    const mine = await app.command('UACMECEO', 'org show <@UACMEREP1|acme>', { teamId: ACME });
    expect((await app.reply(mine.responseId)).text).toContain('ACME Rep One');
  });

  test('When a workspace that never installed Cascade sends a request, then no listener runs and nothing is answered for it', async () => {
    const before = slack.calls.length;
    const { res } = await app.command('UNOBODY1', 'help', { teamId: 'T0NOTHERE' });
    expect(res.status).toBeLessThan(500);
    await new Promise((r) => setTimeout(r, 200));
    expect(slack.calls.slice(before).filter((c) => c.method === 'response_url' && !c.args.inAck)).toEqual([]);
    expect(app.logs.lines.some((l) => /Authorization of incoming event did not succeed/.test(String(l.msg)))).toBe(true);
  });

  test('When the key is rotated, then every Slack token is sealed again with the new key, in one go, and opens only with it', async () => {
    const newKey = randomBytes(32);
    const before = await installationsWith(Buffer.from(KEY, 'hex')).tokenOf(ACME);
    expect(await rotateSecrets(db.db, secretBox(Buffer.from(KEY, 'hex')), secretBox(newKey))).toBe(2);
    expect(await installationsWith(newKey).tokenOf(ACME)).toBe(before);
    await expect(installationsWith(Buffer.from(KEY, 'hex')).tokenOf(ACME)).rejects.toThrow(/does not open/);
    // Back to the key the running app holds, for the tests that follow.
    expect(await rotateSecrets(db.db, secretBox(newKey), secretBox(Buffer.from(KEY, 'hex')))).toBe(2);
  });

  test('When one workspace removes the app, then its tokens go at once, the other goes on, and after the grace period nothing of it is left', async () => {
    // Globex's admin removes the app: Slack revokes its tokens (the stand-in's apps.uninstall), then tells Cascade.
    const globexToken = await installationsWith(Buffer.from(KEY, 'hex')).tokenOf(GLOBEX);
    const removed = await new webApi.WebClient(undefined, { slackApiUrl: slack.apiUrl }).apps.uninstall({
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      token: globexToken!,
    });
    expect(removed.ok).toBe(true);
    expect(slack.oauth.refusal(globexToken!)).toEqual({ ok: false, error: 'token_revoked' });
    await app.event({ type: 'app_uninstalled', event_ts: '1.5' }, { teamId: GLOBEX });
    for (let i = 0; i < 100; i++) {
      if (!(await db.db.selectFrom('slack_installation').select('team_id').where('team_id', '=', GLOBEX).executeTakeFirst())) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(await db.db.selectFrom('slack_installation').select('team_id').execute()).toEqual([{ team_id: ACME }]);

    const deps = { ...tickDeps(), retention: { retentionDays: 400, purgeAfterDays: 30 } };
    const sentBefore = slack.callsTo('chat.postMessage').length;
    now.current = new Date('2026-11-30T10:00:00Z');
    await tick(deps, now.current);
    const sent = slack.callsTo('chat.postMessage').slice(sentBefore);
    expect(sent.some((c) => /^UACME/.test(String(c.args.to_user)))).toBe(true);
    expect(sent.some((c) => /^UGLOBEX/.test(String(c.args.to_user)))).toBe(false);

    now.current = new Date(now.current.getTime() + days(31));
    await tick(deps, now.current);
    const left = await rowsOfTeam(db, GLOBEX);
    expect(Object.entries(left).filter(([, n]) => n > 0)).toEqual([]);
    expect((await rowsOfTeam(db, ACME)).person).toBe(5);
  });
});

describe('The install pages', () => {
  test('When someone opens /slack/install, then the page says what Cascade is, and its button goes to Slack’s authorisation with the app’s id and scopes', async () => {
    const res = await fetch(`${app.url}/slack/install`);
    const page = await res.text();
    expect(res.status).toBe(200);
    expect(page).toContain('Sales excellence as a habit');
    const href = new URL(/<a class="add" href="([^"]+)"/.exec(page)![1]!.replace(/&amp;/g, '&'));
    expect(href.pathname).toBe('/oauth/v2/authorize');
    expect(href.searchParams.get('client_id')).toBe(CLIENT_ID);
    expect(href.searchParams.get('scope')).toContain('chat:write');
    expect(href.searchParams.get('state')).toBeTruthy();
  });

  test('When Slack sends back a link without this browser’s state, then nothing is installed and the page says why', async () => {
    const before = await db.db.selectFrom('slack_installation').select('team_id').execute();
    const res = await fetch(`${app.url}/slack/oauth_redirect?code=code-forged&state=not-ours`);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('Cascade was not installed');
    expect(await db.db.selectFrom('slack_installation').select('team_id').execute()).toEqual(before);
  });
});
