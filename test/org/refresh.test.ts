import { webApi } from '@slack/bolt';
import { importOrgChart } from '../../src/org/import';
import { listPeople, STATUS_FRESH_MS } from '../../src/org/people';
import { openWorkspace } from '../../src/checkins/cadences';
import { refreshProfiles } from '../../src/org/service';
import { slackDirectory } from '../../src/slack/directory';
import { createTestDb, type TestDb } from '../support/db';
import { SlackStandIn } from '../../src/slack/stand-in/slack';
import { ALL_USERS, ORG_CSV, PEOPLE } from '../support/org-fixture';

const TEAM = 'T0CASCADE';
let db: TestDb;
let slack: SlackStandIn;

beforeAll(async () => {
  db = await createTestDb();
  slack = await new SlackStandIn().addUser(...ALL_USERS).start();
  await openWorkspace(db.db, TEAM, 'Cascade Test', new Date('2026-10-01T00:00:00Z'));
});

afterAll(async () => {
  await slack?.stop();
  await db?.close();
});

function client(retries = 0) {
  return new webApi.WebClient('xoxb-test', { slackApiUrl: slack.apiUrl, retryConfig: { retries } });
}

test('When someone moves time zone in Slack, then the refresh picks it up within two hours, and every status a prompt reads is younger than three hours, all day', async () => {
  const directory = slackDirectory(client());
  const imported = new Date('2026-11-20T03:00:00Z');
  expect((await importOrgChart({ db: db.db, directory, now: imported }, TEAM, ORG_CSV, { dryRun: false })).ok).toBe(true);
  slack.addUser({ ...PEOPLE.mia, tz: 'Australia/Sydney', name: 'Mia Wong-Hart' });
  slack.reset();
  const hour = (h: number) => ({ now: () => new Date(Date.parse('2026-11-20T04:17:00Z') + h * 3_600_000) });

  // The hourly job: an hour after the import nothing is stale; the next hour the whole org is read.
  expect(await refreshProfiles({ db: db.db, directory, clock: hour(0) }, TEAM, { limit: 100 })).toBe(0);
  expect(await refreshProfiles({ db: db.db, directory, clock: hour(1) }, TEAM, { limit: 100 })).toBe(7);
  const mia = (await listPeople(db.db, TEAM)).find((p) => p.slack_user_id === PEOPLE.mia.id);
  expect(mia).toMatchObject({ tz: 'Australia/Sydney', name: 'Mia Wong-Hart' });
  expect(await refreshProfiles({ db: db.db, directory, clock: hour(1) }, TEAM, { limit: 100 })).toBe(0);

  // A day of hourly jobs: a pass every second hour, and just before each job (when a prompt may fall due)
  // no kept status is old enough for a prompt to ask Slack again.
  for (let h = 2; h <= 25; h++) {
    const justBefore = new Date(hour(h).now().getTime() - 60_000);
    const people = await listPeople(db.db, TEAM, { activeOnly: true });
    for (const p of people) expect(justBefore.getTime() - p.status_read_at!.getTime()).toBeLessThan(STATUS_FRESH_MS);
    await refreshProfiles({ db: db.db, directory, clock: hour(h) }, TEAM, { limit: 100 });
  }
  // The whole org in one page of the directory each pass: 13 passes, no call per person.
  expect(slack.callsTo('users.list')).toHaveLength(13);
  expect(slack.callsTo('users.info')).toHaveLength(0);
});

test('When the workspace has more users than a page, then the refresh reads every page once, updates our people in one statement a page, and keeps those Slack no longer lists', async () => {
  // 450 Slack users who are not in the org, listed before ours: our people are on the third page.
  const strangers = Array.from({ length: 450 }, (_, i) => ({
    id: `UX${String(i).padStart(5, '0')}`,
    name: `Stranger ${i}`,
    email: `s${i}@example.com`,
    tz: 'Asia/Tokyo',
  }));
  const fresh = await new SlackStandIn().addUser(...strangers, ...ALL_USERS.filter((u) => u.id !== PEOPLE.mia.id)).start();
  try {
    slack.addUser({ ...PEOPLE.raj, statusText: 'On holiday', statusEmoji: ':palm_tree:' });
    fresh.addUser({ ...PEOPLE.raj, tz: 'America/Chicago', statusText: 'On holiday', statusEmoji: ':palm_tree:' });
    const directory = slackDirectory(new webApi.WebClient('xoxb-test', { slackApiUrl: fresh.apiUrl, retryConfig: { retries: 0 } }));
    const later = { now: () => new Date('2026-11-23T04:00:00Z') };
    const before = await listPeople(db.db, TEAM);
    expect(await refreshProfiles({ db: db.db, directory, clock: later }, TEAM, { limit: 100 })).toBe(7);

    const pages = fresh.callsTo('users.list');
    expect(pages).toHaveLength(3);
    expect(pages.map((c) => Number(c.args.limit))).toEqual([200, 200, 200]);
    expect(pages[0]!.args.cursor).toBeUndefined();
    expect(pages[1]!.args.cursor).toBeTruthy();
    expect(fresh.callsTo('users.info')).toHaveLength(0);

    const after = await listPeople(db.db, TEAM);
    expect(after).toHaveLength(before.length); // strangers are not added to the org
    const raj = after.find((p) => p.slack_user_id === PEOPLE.raj.id)!;
    expect(raj).toMatchObject({ tz: 'America/Chicago', status_text: 'On holiday', status_emoji: ':palm_tree:' });
    expect(raj.status_read_at).toEqual(later.now());
    // Mia is not listed any more: she keeps her last profile and is marked read, so the next hour lists nothing.
    const mia = after.find((p) => p.slack_user_id === PEOPLE.mia.id)!;
    expect(mia).toMatchObject({ tz: 'Australia/Sydney', name: 'Mia Wong-Hart' });
    expect(mia.profile_refreshed_at).toEqual(later.now());
    expect(
      await refreshProfiles({ db: db.db, directory, clock: { now: () => new Date('2026-11-23T05:00:00Z') } }, TEAM, { limit: 100 }),
    ).toBe(0);
    expect(fresh.callsTo('users.list')).toHaveLength(3);
  } finally {
    await fresh.stop();
  }
});

test('When Slack answers a page of users with 429, then the refresh waits for Retry-After and goes on from that page', async () => {
  slack.reset();
  slack.onNext('users.list', { status: 429, retryAfter: 1 });
  const directory = slackDirectory(client(2));
  const dayAfter = { now: () => new Date('2026-11-24T05:00:00Z') };
  expect(await refreshProfiles({ db: db.db, directory, clock: dayAfter }, TEAM, { limit: 100 })).toBe(7);
  expect(slack.callsTo('users.list')).toHaveLength(2);
});

test('When the directory cannot list users, then the refresh asks for people one at a time, at most the limit an hour', async () => {
  const listing = slackDirectory(client());
  const directory = { userById: listing.userById, userByEmail: listing.userByEmail };
  slack.reset();
  const twoDaysOn = { now: () => new Date('2026-11-26T05:00:00Z') };
  expect(await refreshProfiles({ db: db.db, directory, clock: twoDaysOn }, TEAM, { limit: 4 })).toBe(4);
  expect(await refreshProfiles({ db: db.db, directory, clock: twoDaysOn }, TEAM, { limit: 4 })).toBe(3);
  expect(slack.callsTo('users.info')).toHaveLength(7);
  expect(slack.callsTo('users.list')).toHaveLength(0);
});
