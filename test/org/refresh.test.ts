import { webApi } from '@slack/bolt';
import { importOrgChart } from '../../src/org/import';
import { listPeople } from '../../src/org/people';
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

test('When a day has passed since import and someone moved time zone in Slack, then the refresh picks it up, once a day', async () => {
  const directory = slackDirectory(new webApi.WebClient('xoxb-test', { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } }));
  const imported = new Date('2026-11-20T03:00:00Z');
  expect((await importOrgChart({ db: db.db, directory, now: imported }, TEAM, ORG_CSV, { dryRun: false })).ok).toBe(true);
  slack.addUser({ ...PEOPLE.mia, tz: 'Australia/Sydney', name: 'Mia Wong-Hart' });

  const sameDay = { now: () => new Date('2026-11-20T20:00:00Z') };
  expect(await refreshProfiles({ db: db.db, directory, clock: sameDay }, TEAM, { limit: 100 })).toBe(0);

  const nextDay = { now: () => new Date('2026-11-21T04:00:00Z') };
  expect(await refreshProfiles({ db: db.db, directory, clock: nextDay }, TEAM, { limit: 100 })).toBe(7);
  const mia = (await listPeople(db.db, TEAM)).find((p) => p.slack_user_id === PEOPLE.mia.id);
  expect(mia).toMatchObject({ tz: 'Australia/Sydney', name: 'Mia Wong-Hart' });
  expect(await refreshProfiles({ db: db.db, directory, clock: nextDay }, TEAM, { limit: 100 })).toBe(0);
});
