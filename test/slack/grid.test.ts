import { randomBytes } from 'node:crypto';
import { messengersOf } from '../../src/index';
import { createLog } from '../../src/log';
import { importOrgChart } from '../../src/org/import';
import { tick } from '../../src/scheduler/tick';
import { deliveryHandlers } from '../../src/slack/deliveries';
import { postgresInstallations } from '../../src/slack/installations';
import { SlackStandIn, type RecordedCall } from '../../src/slack/stand-in/slack';
import { secretBox } from '../../src/secrets';
import { LogCapture, startTestApp, type TestApp } from '../support/app';
import { workAroundTheClock } from '../support/cascade';
import { createTestDb, type TestDb } from '../support/db';
import { addToSlack, CLIENT_ID, CLIENT_SECRET, oauthEnv, registerApp } from '../support/installs';

/*
 * Enterprise Grid: one org-wide install serves every workspace of the enterprise with one cascade. People are
 * keyed by their enterprise user ids (W…), so a manager in one workspace leads reps in another; every request,
 * from whichever workspace, reads and writes the one org chart, and prompts go with the org-wide token.
 */
const ENTERPRISE = 'E0GRID001';
const SALES_EMEA = 'T0GRIDEMEA';
const SALES_US = 'T0GRIDUS01';
const KEY = randomBytes(32).toString('hex');
const now = { current: new Date('2026-11-22T12:00:00Z') };

/** The chart across the two workspaces: the CEO, the President and one rep in EMEA; the manager and a rep in the US. */
const CHART = [
  'slack_user_id,name,role,manager',
  'WCEO00001,Grace Chief,ceo,',
  'WPRES0001,Pat President,president,WCEO00001',
  'WMGR00001,Morgan Manager,manager,WPRES0001',
  'WREPUS001,Uma Rep,rep,WMGR00001',
  'WREPEU001,Emil Rep,rep,WMGR00001',
].join('\n');
const WORKSPACE_OF: Record<string, string> = {
  WCEO00001: SALES_EMEA,
  WPRES0001: SALES_EMEA,
  WMGR00001: SALES_US,
  WREPUS001: SALES_US,
  WREPEU001: SALES_EMEA,
};

let db: TestDb;
let slack: SlackStandIn;
let app: TestApp;

beforeAll(async () => {
  db = await createTestDb();
  slack = await new SlackStandIn().start();
  slack.oauth.workspaces.set(SALES_EMEA, {
    teamId: SALES_EMEA,
    name: 'Sales EMEA',
    enterpriseId: ENTERPRISE,
    enterpriseName: 'Globex Group',
  });
  slack.oauth.workspaces.set(SALES_US, { teamId: SALES_US, name: 'Sales US', enterpriseId: ENTERPRISE, enterpriseName: 'Globex Group' });
  for (const line of CHART.split('\n').slice(1)) slack.addUser({ id: line.split(',')[0]!, name: line.split(',')[1]! });
  slack.addUser({ id: 'WADMIN001', name: 'Grid Admin' });
  app = await startTestApp({ db, slack, env: oauthEnv(KEY), clock: { now: () => now.current } });
  registerApp(slack, app);
});

afterAll(async () => {
  await app?.stop();
  await slack?.stop();
  await db?.close();
});

/** A slash command from a person, in their own workspace of the enterprise, as Slack sends it for an org-wide app. */
async function command(userId: string, text: string): Promise<string> {
  const { responseId } = await app.command(userId, text, {
    teamId: WORKSPACE_OF[userId] ?? SALES_EMEA,
    enterpriseId: ENTERPRISE,
    orgWide: true,
  });
  return (await app.reply(responseId)).text;
}

const orgWide = (c: RecordedCall) => slack.oauth.installOf(c.token);

describe('Enterprise Grid: one cascade across workspaces', () => {
  test('When an org admin installs Cascade org-wide, then one install keyed by the enterprise serves both workspaces', async () => {
    const installed = await addToSlack(app, slack, { teamId: SALES_EMEA, userId: 'WADMIN001', orgWide: true });
    expect(installed.status).toBe(200);
    const rows = await db.db.selectFrom('slack_installation').select(['team_id', 'enterprise_id', 'is_enterprise_install']).execute();
    expect(rows).toEqual([{ team_id: ENTERPRISE, enterprise_id: ENTERPRISE, is_enterprise_install: true }]);
    expect((await db.db.selectFrom('workspace').select(['team_id', 'name']).execute()).map((w) => w.team_id)).toEqual([ENTERPRISE]);

    const imported = await importOrgChart({ db: db.db, directory: null, now: now.current }, ENTERPRISE, CHART, { dryRun: false });
    expect(imported.ok).toBe(true);
    await workAroundTheClock(db, ENTERPRISE);
  });

  test('When a rep in one workspace commits, then their manager in the other sees it, and a peer does not', async () => {
    expect(await command('WREPUS001', 'commit call every open opportunity by friday')).toMatch(/call every open opportunity/);
    // The manager sits in the US workspace, the CEO in EMEA: both above the rep, both see it.
    expect(await command('WMGR00001', 'commitments <@WREPUS001|uma>')).toMatch(/call every open opportunity/);
    expect(await command('WCEO00001', 'commitments <@WREPUS001|uma>')).toMatch(/call every open opportunity/);
    // A peer, in the other workspace, does not.
    const peer = await command('WREPEU001', 'commitments <@WREPUS001|uma>');
    expect(peer).not.toMatch(/call every open opportunity/);
    expect(peer).toMatch(/not below you/);
  });

  test('When the week’s check-ins go out, then every rep gets a prompt with the org-wide token, whichever workspace they are in', async () => {
    const log = createLog({ level: 'warn', destination: new LogCapture() });
    const installations = postgresInstallations({
      db: db.db,
      box: secretBox(Buffer.from(KEY, 'hex')),
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      clientOptions: { slackApiUrl: slack.apiUrl },
    });
    const deps = { db: db.db, messenger: messengersOf(app.config, log, installations), log, handlers: deliveryHandlers };
    now.current = new Date('2026-11-23T10:00:00Z');
    await tick(deps, now.current);
    for (const rep of ['WREPUS001', 'WREPEU001']) {
      const prompts = slack.callsTo('chat.postMessage').filter((c) => c.args.to_user === rep);
      expect(prompts.length).toBeGreaterThanOrEqual(1);
      expect(prompts.every((c) => orgWide(c)?.orgWide === true && orgWide(c)?.enterpriseId === ENTERPRISE)).toBe(true);
    }
  });

  test('When the manager opens App Home in either workspace, then it is the one enterprise’s cascade: her team across both', async () => {
    for (const team of [SALES_EMEA, SALES_US]) {
      const mine = (c: RecordedCall) => c.args.user_id === 'WMGR00001';
      const before = slack.callsTo('views.publish').filter(mine).length;
      await app.event(
        { type: 'app_home_opened', user: 'WMGR00001', tab: 'home' },
        { teamId: team, enterpriseId: ENTERPRISE, orgWide: true },
      );
      const published = await slack.waitFor('views.publish', { count: before + 1, where: mine });
      const view = JSON.stringify(published[published.length - 1]!.args.view);
      expect(view).toContain('<@WREPUS001>');
      expect(view).toContain('<@WREPEU001>');
    }
  });
});
