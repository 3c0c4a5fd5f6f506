import { webApi } from '@slack/bolt';
import { deliveryHandlers } from '../../src/slack/deliveries';
import { importOrgChart } from '../../src/org/import';
import { openWorkspace } from '../../src/checkins/cadences';
import { tick } from '../../src/scheduler/tick';
import { slackMessenger } from '../../src/slack/messenger';
import { slackDirectory } from '../../src/slack/directory';
import { createLog } from '../../src/log';
import { workAroundTheClock } from '../support/cascade';
import { createTestDb, type TestDb } from '../support/db';
import { SlackStandIn } from '../../src/slack/stand-in/slack';
import { ALL_USERS, ORG_CSV, PEOPLE } from '../support/org-fixture';
import { LogCapture } from '../support/app';

const TEAM = 'T0CASCADE';
let db: TestDb;
let slack: SlackStandIn;
let deps: Parameters<typeof tick>[0];

const at = (iso: string) => new Date(iso);
const promptsTo = (userId: string) =>
  slack
    .callsTo('chat.postMessage')
    .filter((c) => c.args.channel === `D${userId}` && !c.args.thread_ts && !String(c.args.text).startsWith('Your brief'));

beforeAll(async () => {
  db = await createTestDb();
  slack = await new SlackStandIn().addUser(...ALL_USERS).start();
  const client = new webApi.WebClient('xoxb-test', {
    slackApiUrl: slack.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
  });
  deps = {
    db: db.db,
    messenger: slackMessenger(client),
    log: createLog({ level: 'warn', destination: new LogCapture() }),
    handlers: deliveryHandlers,
  };
  await openWorkspace(db.db, TEAM, 'Cascade Test', new Date('2026-10-01T00:00:00Z'));
  const outcome = await importOrgChart({ db: db.db, directory: slackDirectory(client), now: at('2026-10-01T00:00:00Z') }, TEAM, ORG_CSV, {
    dryRun: false,
  });
  await workAroundTheClock(db, TEAM);
  expect(outcome.ok).toBe(true);
});

afterAll(async () => {
  await slack?.stop();
  await db?.close();
});

const dueAt = async (userId: string, occurrence: string) => {
  const row = await db.db
    .selectFrom('checkin as c')
    .innerJoin('round as r', 'r.id', 'c.round_id')
    .innerJoin('cadence as k', 'k.id', 'r.cadence_id')
    .select(['c.due_at', 'c.status', 'c.skip_reason'])
    .where('c.person_id', '=', userId)
    .where('r.occurrence', '=', occurrence)
    .where('k.key', '=', 'manager_reps')
    .executeTakeFirst();
  return row;
};

describe('The scheduler tick', () => {
  test('When a rep in Los Angeles is due on both sides of the November DST change, then 10:00 local is 17:00 then 18:00 UTC', async () => {
    await tick(deps, at('2026-10-25T12:00:00Z'));
    await tick(deps, at('2026-11-01T12:00:00Z'));
    expect((await dueAt(PEOPLE.leo.id, '2026-10-26'))?.due_at.toISOString()).toBe('2026-10-26T17:00:00.000Z');
    expect((await dueAt(PEOPLE.leo.id, '2026-11-02'))?.due_at.toISOString()).toBe('2026-11-02T18:00:00.000Z');
    // London left summer time on 25 October: 10:00 is 09:00 UTC before, 10:00 UTC after.
    expect((await dueAt(PEOPLE.mia.id, '2026-10-26'))?.due_at.toISOString()).toBe('2026-10-26T10:00:00.000Z');
    expect((await dueAt(PEOPLE.raj.id, '2026-10-26'))?.due_at.toISOString()).toBe('2026-10-26T04:30:00.000Z');
  });

  test('When ticks run through a Monday, then each rep gets one prompt at 10:00 in their own zone, and repeats send nothing twice', async () => {
    slack.reset();
    await tick(deps, at('2026-11-23T00:00:00Z'));
    expect(ALL_USERS.flatMap((u) => promptsTo(u.id))).toHaveLength(0);
    // The monthly packs of the CEO's conversation of 2 November, planned on 1 November and never sent (no tick
    // between): three weeks late, after the conversation, they are dropped with its check-in's close, not sent.
    const packs = await db.db.selectFrom('delivery').select('status').where('kind', '=', 'pack').execute();
    expect(packs).toEqual([{ status: 'cancelled' }, { status: 'cancelled' }]);

    await tick(deps, at('2026-11-23T04:30:00Z'));
    expect(promptsTo(PEOPLE.raj.id)).toHaveLength(1);
    expect(promptsTo(PEOPLE.mia.id)).toHaveLength(0);

    await tick(deps, at('2026-11-23T04:31:00Z'));
    await Promise.all([tick(deps, at('2026-11-23T10:00:00Z')), tick(deps, at('2026-11-23T10:00:00Z'))]);
    expect(promptsTo(PEOPLE.raj.id)).toHaveLength(1);
    expect(promptsTo(PEOPLE.mia.id)).toHaveLength(1);
    expect(promptsTo(PEOPLE.leo.id)).toHaveLength(0);

    await tick(deps, at('2026-11-23T18:00:00Z'));
    await tick(deps, at('2026-11-23T18:05:00Z'));
    expect(promptsTo(PEOPLE.leo.id)).toHaveLength(1);
    const prompt = promptsTo(PEOPLE.leo.id)[0]!;
    expect(prompt.args.text).toBe("It's time for your check-in with Bob Stone. Answer by Wed 25 Nov, 10:00.");
    expect(JSON.stringify(prompt.args.blocks)).toContain('checkin_answer');
    expect(prompt.token).toBe('xoxb-test');
  });

  test('When a rep is paused, then their check-in is skipped and they get no prompt', async () => {
    await db.db.updateTable('person').set({ paused_until: '2026-12-04' }).where('slack_user_id', '=', PEOPLE.mia.id).execute();
    slack.reset();
    await tick(deps, at('2026-11-30T10:00:00Z'));
    expect(promptsTo(PEOPLE.mia.id)).toHaveLength(0);
    expect(await dueAt(PEOPLE.mia.id, '2026-11-30')).toMatchObject({ status: 'skipped', skip_reason: 'paused until 2026-12-04' });
    expect(promptsTo(PEOPLE.raj.id)).toHaveLength(1);
  });

  test('When the window closes unanswered, then the check-in is missed and its message is edited in place; one reminder came before', async () => {
    slack.reset();
    // Raj's window: due Mon 30 Nov 04:30Z, closes Wed 2 Dec 04:30Z; the reminder is due halfway.
    await tick(deps, at('2026-12-01T04:30:00Z'));
    await tick(deps, at('2026-12-01T05:00:00Z'));
    const reminders = slack.callsTo('chat.postMessage').filter((c) => c.args.channel === `D${PEOPLE.raj.id}` && c.args.thread_ts);
    expect(reminders).toHaveLength(1);
    await tick(deps, at('2026-12-02T04:30:00Z'));
    expect((await dueAt(PEOPLE.raj.id, '2026-11-30'))?.status).toBe('missed');
    const updates = slack.callsTo('chat.update').filter((c) => c.args.channel === `D${PEOPLE.raj.id}`);
    expect(updates).toHaveLength(1);
    expect(updates[0]!.args.text).toContain('closed on Wed 2 Dec, 10:00 without an answer');
  });

  test('When prompts fell due while nothing ran, then they go out once, late, while their window is still open', async () => {
    slack.reset();
    // The President met the managers one by one on Thursday 3 December; no tick ran until Friday night.
    await tick(deps, at('2026-12-04T23:00:00Z'));
    expect(promptsTo(PEOPLE.ann.id)).toHaveLength(1);
    expect(promptsTo(PEOPLE.bob.id)).toHaveLength(1);
    expect(promptsTo(PEOPLE.ann.id)[0]!.args.text).toContain('your check-in with Pat Rivera');
    await tick(deps, at('2026-12-04T23:01:00Z'));
    expect(promptsTo(PEOPLE.ann.id)).toHaveLength(1);
  });

  test('When Slack answers 429 with Retry-After, then the prompt waits that long and is then delivered once', async () => {
    slack.reset();
    // Raj's prompt is the one Slack holds back (Ann's live message for the round goes out at the same time).
    slack.onNext('chat.postMessage', { status: 429, retryAfter: 30 }, (args) => args.to_user === PEOPLE.raj.id);
    await tick(deps, at('2026-12-07T04:30:00Z'));
    expect(promptsTo(PEOPLE.raj.id)).toHaveLength(1);
    await tick(deps, at('2026-12-07T04:30:20Z'));
    expect(promptsTo(PEOPLE.raj.id)).toHaveLength(1);
    const delivery = await db.db
      .selectFrom('delivery')
      .selectAll()
      .where('recipient', '=', PEOPLE.raj.id)
      .where('status', '=', 'queued')
      .executeTakeFirst();
    expect(delivery?.not_before.toISOString()).toBe('2026-12-07T04:30:30.000Z');
    await tick(deps, at('2026-12-07T04:30:30Z'));
    await tick(deps, at('2026-12-07T04:31:00Z'));
    expect(promptsTo(PEOPLE.raj.id)).toHaveLength(2);
    expect(promptsTo(PEOPLE.raj.id)[1]!.args.text).toContain('your check-in with Ann Lee');
  });

  test('When Slack answers a permanent error, then the delivery is marked failed and not retried', async () => {
    slack.reset();
    slack.onNext('chat.postMessage', { error: 'user_not_found' }, (args) => args.to_user === PEOPLE.mia.id);
    await tick(deps, at('2026-12-07T10:00:00Z'));
    await tick(deps, at('2026-12-07T11:00:00Z'));
    const failed = await db.db.selectFrom('delivery').selectAll().where('status', '=', 'failed').execute();
    expect(failed.map((d) => [d.recipient, d.last_error])).toEqual([[PEOPLE.mia.id, 'user_not_found']]);
    expect(slack.callsTo('chat.postMessage').filter((c) => c.args.to_user === PEOPLE.mia.id)).toHaveLength(1);

    // When the round closes, Ann's brief says Mia's prompt never reached her (not that Mia ignored it).
    await tick(deps, at('2026-12-09T10:00:00Z'));
    const brief = slack
      .callsTo('chat.postMessage')
      .find(
        (c) =>
          c.args.channel === `D${PEOPLE.ann.id}` &&
          String(c.args.text).startsWith('Your brief for Manager ↔ each rep, weekly (7 Dec 2026)'),
      );
    expect(JSON.stringify(brief?.args.blocks)).toContain('*Mia Wong* — prompt not delivered (user_not_found)');
  });
});
