import { getWorkspace, listPeople } from '../../src/org/people';
import type { TestApp } from '../support/app';
import { useFixture } from '../support/cascade';
import { setDigestChannel } from '../../src/digests/settings';
import { scopeOf } from '../../src/org/policy';
import type { TestDb } from '../support/db';
import type { SlackStandIn } from '../../src/slack/stand-in/slack';
import { ALL_USERS, ORG_CSV, PEOPLE } from '../support/org-fixture';
import { importOrgChart } from '../../src/org/import';

let db: TestDb;
let slack: SlackStandIn;
let app: TestApp;

const f = useFixture({ org: 'none', workingHours: 'default' });

beforeAll(async () => {
  ({ db, slack, app } = f);
  const directory = {
    userById: async () => null,
    userByEmail: async (email: string) => {
      const u = ALL_USERS.find((x) => x.email === email);
      return u
        ? {
            id: u.id,
            name: u.name,
            email: u.email ?? null,
            tz: u.tz ?? 'UTC',
            deleted: false,
            isBot: false,
            statusText: '',
            statusEmoji: '',
          }
        : null;
    },
  };
  const outcome = await importOrgChart({ db: db.db, directory, now: new Date() }, app.teamId, ORG_CSV, { dryRun: false });
  expect(outcome.ok).toBe(true);
});

describe('Slack events', () => {
  test('When a manager opens App Home, then a home view with the core value, their leader and reports is published', async () => {
    const res = await app.event({ type: 'app_home_opened', user: PEOPLE.ann.id, channel: 'DANN', tab: 'home', event_ts: '1.2' });
    expect(res.status).toBe(200);
    const [publish] = await slack.waitFor('views.publish', { where: (c) => c.args.user_id === PEOPLE.ann.id });
    const view = publish!.args.view;
    expect(view.type).toBe('home');
    expect(view.blocks[0].text.text).toBe('Sales Excellence');
    const text = JSON.stringify(view.blocks);
    expect(text).toContain('Sales manager, reporting to <@UPRES001>');
    expect(text).toContain('<@UREP0001> — check-ins');
    expect(text).toContain('<@UREP0002> — check-ins');
    expect(text).not.toContain('*Admin*');
  });

  test('When an admin outside the chart opens App Home, then it says what to do next until it is done, then the admin section', async () => {
    await app.event({ type: 'app_home_opened', user: PEOPLE.admin.id, channel: 'DADM', tab: 'home', event_ts: '1.3' });
    const [publish] = await slack.waitFor('views.publish', { where: (c) => c.args.user_id === PEOPLE.admin.id });
    const text = JSON.stringify(publish!.args.view.blocks);
    expect(text).toContain('You are not in the org chart yet');
    expect(text).toContain('*Getting started*');
    expect(text).toContain('✅ Load the org chart');
    expect(text).toContain('7 people in it now');
    expect(text).toContain('2. Choose where the digests go');
    // The digests have a channel: the steps are done, the admin section is what stays.
    await setDigestChannel(await scopeOf(db.db, app.teamId, PEOPLE.admin.id, [PEOPLE.admin.id], new Date()), {
      scope: 'org',
      channelId: 'CLEADERS1',
    });
    await app.event(
      { type: 'app_home_opened', user: PEOPLE.admin.id, channel: 'DADM', tab: 'home', event_ts: '1.31' },
      { eventId: 'EvHOME0031' },
    );
    const later = await slack.waitFor('views.publish', { count: 2, where: (c) => c.args.user_id === PEOPLE.admin.id });
    const after = JSON.stringify(later[1]!.args.view.blocks);
    expect(after).not.toContain('Getting started');
    expect(after).toContain('7 people in the org chart');
  });

  test('When Slack reports a user_change, then that person’s name and time zone are updated', async () => {
    await app.event({
      type: 'user_change',
      user: { id: PEOPLE.raj.id, name: 'raj', real_name: 'Raj P. Patel', tz: 'Asia/Singapore', profile: { real_name: 'Raj P. Patel' } },
      event_ts: '1.4',
    });
    const deadline = Date.now() + 3000;
    let raj: Awaited<ReturnType<typeof listPeople>>[number] | undefined;
    do {
      raj = (await listPeople(db.db, app.teamId)).find((p) => p.slack_user_id === PEOPLE.raj.id);
      if (raj?.tz === 'Asia/Singapore') break;
      await new Promise((r) => setTimeout(r, 20));
    } while (Date.now() < deadline);
    expect(raj).toMatchObject({ tz: 'Asia/Singapore', name: 'Raj P. Patel', email: 'raj@example.com' });
  });

  test('When Slack retries an event (the same event_id again), then it is handled once', async () => {
    const first = await app.event(
      { type: 'app_home_opened', user: PEOPLE.bob.id, channel: 'DBOB', tab: 'home', event_ts: '1.6' },
      { eventId: 'EvRETRY0001' },
    );
    const retry = await app.post(
      JSON.stringify({
        token: 'legacy-verification-token',
        team_id: app.teamId,
        api_app_id: 'A0CASCADE',
        event: { type: 'app_home_opened', user: PEOPLE.bob.id, channel: 'DBOB', tab: 'home', event_ts: '1.6' },
        type: 'event_callback',
        event_id: 'EvRETRY0001',
        event_time: Math.floor(Date.now() / 1000),
        authorizations: [{ team_id: app.teamId, user_id: 'UBOT', is_bot: true }],
      }),
      'application/json',
      { headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } },
    );
    expect([first.status, retry.status]).toEqual([200, 200]);
    await slack.waitFor('views.publish', { where: (c) => c.args.user_id === PEOPLE.bob.id });
    // A new event after the retry is handled: once its publish is in, the retry has had its chance and made none.
    await app.event(
      { type: 'app_home_opened', user: PEOPLE.bob.id, channel: 'DBOB', tab: 'home', event_ts: '1.7' },
      { eventId: 'EvNEW0002' },
    );
    await slack.waitFor('views.publish', { count: 2, where: (c) => c.args.user_id === PEOPLE.bob.id });
    await app.event(
      { type: 'app_home_opened', user: PEOPLE.mia.id, channel: 'DMIA', tab: 'home', event_ts: '1.8' },
      { eventId: 'EvNEW0003' },
    );
    await slack.waitFor('views.publish', { where: (c) => c.args.user_id === PEOPLE.mia.id });
    expect(slack.callsTo('views.publish').filter((c) => c.args.user_id === PEOPLE.bob.id)).toHaveLength(2);
  });

  test('When the app is uninstalled, then the workspace is marked so and its data waits for the grace period', async () => {
    await app.event({ type: 'app_uninstalled', event_ts: '1.5' });
    const deadline = Date.now() + 3000;
    while (Date.now() < deadline && !(await getWorkspace(db.db, app.teamId))?.uninstalled_at) await new Promise((r) => setTimeout(r, 20));
    expect((await getWorkspace(db.db, app.teamId))?.uninstalled_at).toBeInstanceOf(Date);
    expect((await listPeople(db.db, app.teamId)).length).toBeGreaterThan(0);
  });
});
