import { tick } from '../../src/scheduler/tick';
import { IDS } from '../../src/slack/ids';
import { pressButton, viewSubmission, type TestApp } from '../support/app';
import { tickDeps, useFixture } from '../support/cascade';
import type { TestDb } from '../support/db';
import type { SlackStandIn } from '../../src/slack/stand-in/slack';
import { PEOPLE } from '../support/org-fixture';

let db: TestDb;
let slack: SlackStandIn;
let app: TestApp;
const now = { current: new Date('2026-11-23T00:00:00Z') };

const step = async (iso: string) => {
  now.current = new Date(iso);
  return tick(tickDeps(db, slack, app.log), now.current);
};

const f = useFixture({ now });

beforeAll(async () => {
  ({ db, slack, app } = f);
});

async function promptOf(userId: string) {
  const [prompt] = await slack.waitFor('chat.postMessage', { where: (c) => c.args.channel === `D${userId}` && !c.args.thread_ts });
  return Number(JSON.stringify(prompt!.args.blocks).match(/"value":"(\d+)"/)![1]);
}

function press(userId: string, actionId: string, checkinId: number) {
  return pressButton(app, slack, { userId, actionId, value: String(checkinId), id: `${actionId}-${userId}` });
}

const threadPosts = (userId: string) =>
  slack.callsTo('chat.postMessage').filter((c) => c.args.channel === `D${userId}` && c.args.thread_ts);
const status = async (checkinId: number) =>
  db.db.selectFrom('checkin').select(['status', 'skip_reason', 'snoozed_until']).where('id', '=', checkinId).executeTakeFirstOrThrow();

describe('Snooze and Skip on a prompt', () => {
  test('When Mia skips without a reason, then the modal asks for one; with "out of office", then she is skipped, her DM says so and no reminder comes', async () => {
    await step('2026-11-23T10:00:00Z');
    const checkinId = await promptOf(PEOPLE.mia.id);
    now.current = new Date('2026-11-23T12:00:00Z');
    await press(PEOPLE.mia.id, IDS.prompt.skip, checkinId);
    const [open] = await slack.waitFor('views.open', { where: (c) => c.args.trigger_id === `trigger-${IDS.prompt.skip}-${PEOPLE.mia.id}` });
    const view = open!.args.view;
    expect(view.callback_id).toBe(IDS.skip.callbackId);
    expect(JSON.stringify(view.blocks)).toContain('No longer my leader');

    const none = await app.interaction(
      viewSubmission(app, PEOPLE.mia.id, { callback_id: IDS.skip.callbackId, private_metadata: view.private_metadata, values: {} }),
    );
    expect(((await none.json()) as any).errors).toEqual({ [IDS.skip.reasonBlock]: 'Pick a reason.' });
    expect((await status(checkinId)).status).toBe('sent');

    const values = {
      [IDS.skip.reasonBlock]: { [IDS.skip.reasonInput]: { type: 'radio_buttons', selected_option: { value: 'out_of_office' } } },
      [IDS.skip.noteBlock]: { [IDS.skip.noteInput]: { type: 'plain_text_input', value: 'customer offsite' } },
    };
    const ok = await app.interaction(
      viewSubmission(app, PEOPLE.mia.id, { callback_id: IDS.skip.callbackId, private_metadata: view.private_metadata, values }),
    );
    expect(ok.status).toBe(200);
    expect(await status(checkinId)).toMatchObject({ status: 'skipped', skip_reason: 'out of office: customer offsite' });
    const [edit] = await slack.waitFor('chat.update', { where: (c) => c.args.channel === `D${PEOPLE.mia.id}` });
    expect(edit!.args.text).toBe('Your check-in with Ann Lee was skipped (out of office: customer offsite).');
    expect(JSON.stringify(edit!.args.blocks)).not.toContain(IDS.prompt.answer);

    // Ann's live message stops waiting for Mia as soon as the next pass sends its edit.
    await step('2026-11-23T12:01:00Z');
    const live = slack
      .callsTo('chat.update')
      .filter((c) => c.args.channel === `D${PEOPLE.ann.id}`)
      .at(-1)!;
    expect(JSON.stringify(live.args.blocks)).toContain('Mia Wong: skipped');
    expect(JSON.stringify(live.args.blocks)).not.toContain('Waiting for Mia');

    // Halfway through Mia's window is Tue 10:00 UTC.
    await step('2026-11-24T10:00:00Z');
    await step('2026-11-24T10:30:00Z');
    expect(threadPosts(PEOPLE.mia.id)).toHaveLength(0);
    expect((await status(checkinId)).status).toBe('skipped');
  });
  test('When a check-in closes before tomorrow, then Snooze is refused with a reason and nothing changes', async () => {
    // Raj (Kolkata) was due Mon 04:30 UTC and closes Wed 04:30 UTC.
    const checkinId = await promptOf(PEOPLE.raj.id);
    now.current = new Date('2026-11-24T10:40:00Z');
    await press(PEOPLE.raj.id, IDS.prompt.snooze, checkinId);
    const [reply] = await slack.waitFor('response_url', { where: (c) => c.args.id === `${IDS.prompt.snooze}-${PEOPLE.raj.id}` });
    expect(reply!.args.text).toBe('This check-in closes before tomorrow, so it cannot be snoozed: answer it now, or skip it.');
    expect((await status(checkinId)).snoozed_until).toBeNull();
  });

  test('When Leo snoozes, then his DM says until when, the halfway reminder waits for the snooze, and comes once, in the thread', async () => {
    // Leo (Los Angeles) was due Mon 18:00 UTC; the prompt went out late, with Tuesday's first tick.
    const checkinId = await promptOf(PEOPLE.leo.id);
    now.current = new Date('2026-11-24T10:35:00Z');
    expect((await press(PEOPLE.leo.id, IDS.prompt.snooze, checkinId)).status).toBe(200);
    const [edit] = await slack.waitFor('chat.update', { where: (c) => c.args.channel === `D${PEOPLE.leo.id}` });
    expect(edit!.args.text).toBe(
      "Snoozed: I'll nudge you Wed 25 Nov, 02:35 about your check-in with Bob Stone. Answer by Wed 25 Nov, 10:00.",
    );
    expect(JSON.stringify(edit!.args.blocks)).not.toContain(IDS.prompt.snooze);
    expect((await status(checkinId)).snoozed_until?.toISOString()).toBe('2026-11-25T10:35:00.000Z');

    // Bob's live message says Leo snoozed.
    await step('2026-11-24T10:36:00Z');
    const live = slack
      .callsTo('chat.update')
      .filter((c) => c.args.channel === `D${PEOPLE.bob.id}`)
      .at(-1)!;
    expect(JSON.stringify(live.args.blocks)).toContain('Waiting for Leo Park (snoozed).');

    // Halfway through the window is Tue 18:00 UTC: still snoozed, so no reminder yet.
    await step('2026-11-24T18:00:00Z');
    expect(threadPosts(PEOPLE.leo.id)).toHaveLength(0);
    await step('2026-11-25T10:35:00Z');
    await step('2026-11-25T11:00:00Z');
    expect(threadPosts(PEOPLE.leo.id)).toHaveLength(1);
    expect(threadPosts(PEOPLE.leo.id)[0]!.args.text).toContain('closes Wed 25 Nov, 10:00');
  });
});
