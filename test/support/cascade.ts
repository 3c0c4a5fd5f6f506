import { webApi } from '@slack/bolt';
import type { Log } from '../../src/log';
import { importOrgChart } from '../../src/org/import';
import type { TickDeps } from '../../src/scheduler/tick';
import { slackDirectory } from '../../src/slack/directory';
import { slackMessenger } from '../../src/slack/messenger';
import type { TestDb } from './db';
import type { FakeSlack } from './fake-slack';
import { ORG_CSV } from './org-fixture';

/** A WebClient on the fake Slack that does not retry, and lets 429s through to the outbox. */
export function fakeClient(slack: FakeSlack): webApi.WebClient {
  return new webApi.WebClient('xoxb-test', { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });
}

/** What `tick` needs, sending through the fake Slack. */
export function tickDeps(db: TestDb, slack: FakeSlack, log: Log): TickDeps {
  return { db: db.db, messenger: slackMessenger(fakeClient(slack)), log };
}

/** Loads the fixture org (org-fixture.ts) into a workspace, names and zones from the fake Slack. */
export async function importFixtureOrg(db: TestDb, slack: FakeSlack, teamId: string, now: Date): Promise<void> {
  const outcome = await importOrgChart({ db: db.db, directory: slackDirectory(fakeClient(slack)), now }, teamId, ORG_CSV, { dryRun: false });
  if (!outcome.ok) throw new Error(`the fixture org did not import: ${JSON.stringify(outcome.errors)}`);
}
