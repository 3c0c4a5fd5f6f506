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
const CHANNEL = 'CLEADERS1';
const now = { current: new Date('2026-11-24T00:00:00Z') };

const step = async (iso: string) => {
  now.current = new Date(iso);
  return tick(tickDeps(db, slack, app.log), now.current);
};

const f = useFixture({ now });

beforeAll(async () => {
  ({ db, slack, app } = f);
});

const inChannel = () => slack.callsTo('chat.postMessage').filter((c) => c.args.channel === CHANNEL);
/** The round's channel message, as recorded when it was posted. */
const threadTs = async () =>
  (await db.db.selectFrom('round').select('thread_ts').where('thread_ts', 'is not', null).executeTakeFirstOrThrow()).thread_ts!;

function pressAnswer(userId: string, value: string) {
  return pressButton(app, slack, {
    userId,
    actionId: IDS.prompt.answer,
    value,
    id: `team-${userId}`,
    channelId: CHANNEL,
    blockId: 'team_round_actions',
  });
}

describe('A team round in a channel thread', () => {
  test('When an admin turns the team cadence on with a channel, then the President and managers meet there every other Wednesday', async () => {
    const { responseId } = await app.command(PEOPLE.admin.id, `cadence set president_managers_team team <#${CHANNEL}|sales-leaders> on`);
    const reply = await app.reply(responseId);
    expect(reply.text).toContain(`every other Wednesday at 09:00, each person's local time · team, in <#${CHANNEL}>`);

    // Pat is in Chicago: 09:00 on Wednesday 25 November is 15:00 UTC. One message for the whole round.
    await step('2026-11-25T14:59:00Z');
    expect(inChannel()).toHaveLength(0);
    await step('2026-11-25T15:00:00Z');
    await step('2026-11-25T15:01:00Z');
    expect(inChannel()).toHaveLength(1);
    const post = inChannel()[0]!;
    expect(post.args.text).toContain(
      `It's time for President ↔ managers, as a team with <@${PEOPLE.president.id}>. <@${PEOPLE.ann.id}> <@${PEOPLE.bob.id}>: please answer by`,
    );
    expect(post.args.thread_ts).toBeUndefined();
    expect(
      slack.callsTo('chat.postMessage').filter((c) => c.args.channel === `D${PEOPLE.ann.id}` && String(c.args.text).includes('as a team')),
    ).toHaveLength(0);
  });

  test('When Ann answers from the channel and shares one answer, then only that answer is posted in the thread', async () => {
    const post = inChannel()[0]!;
    const value = JSON.stringify(post.args.blocks).match(/"value":"(round:\d+)"/)![1]!;
    await pressAnswer(PEOPLE.ann.id, value);
    const [open] = await slack.waitFor('views.open', { where: (c) => c.args.trigger_id === `trigger-team-${PEOPLE.ann.id}` });
    const view = open!.args.view;
    expect(JSON.stringify(view.blocks)).toContain('Share with the team (posted in the round’s thread)');
    const [worked, confidence] = (JSON.parse(view.private_metadata) as { questionIds: number[] }).questionIds;
    const values = {
      [`${IDS.answer.blockPrefix}${worked}`]: {
        value: { type: 'plain_text_input', value: 'Pairing new reps with a buddy for their first ten calls' },
      },
      [`${IDS.answer.blockPrefix}${confidence}`]: { value: { type: 'radio_buttons', selected_option: { value: '2' } } },
      [IDS.answer.shareBlock]: { [IDS.answer.shareInput]: { type: 'checkboxes', selected_options: [{ value: String(worked) }] } },
    };
    const res = await app.interaction(
      viewSubmission(app, PEOPLE.ann.id, { callback_id: IDS.answer.callbackId, private_metadata: view.private_metadata, values }),
    );
    expect(res.status).toBe(200);

    await step('2026-11-25T15:10:00Z');
    await step('2026-11-25T15:11:00Z');
    // The round's message counts Ann's answer at once, not only when the round closes.
    const counted = slack.callsTo('chat.update').filter((c) => c.args.channel === CHANNEL);
    expect(counted).toHaveLength(1);
    expect(JSON.stringify(counted[0]!.args.blocks)).toContain('1 of 2 answered');
    const ts = await threadTs();
    const thread = inChannel().filter((c) => c.args.thread_ts === ts);
    expect(thread).toHaveLength(1);
    expect(thread[0]!.args.text).toContain('Ann Lee shared with the team:');
    expect(JSON.stringify(thread[0]!.args.blocks)).toContain('Pairing new reps with a buddy');
    expect(JSON.stringify(thread[0]!.args.blocks)).not.toContain('confident');
  });

  test('When someone outside the round presses its Answer button, then they are told it is not theirs', async () => {
    const value = JSON.stringify(inChannel()[0]!.args.blocks).match(/"value":"(round:\d+)"/)![1]!;
    await pressAnswer(PEOPLE.mia.id, value);
    const [reply] = await slack.waitFor('response_url', { where: (c) => c.args.id === `team-${PEOPLE.mia.id}` });
    expect(reply!.args.text).toBe('This round is for the people of its team; you have no check-in in it.');
  });

  test('When the window is half gone, then one reminder in the thread names who has not answered; when it closes, the message says so and Pat gets the brief', async () => {
    const ts = await threadTs();
    // Bob (Los Angeles) was due Wed 17:00 UTC and closes Fri 17:00 UTC; halfway is Thu 17:00 UTC.
    await step('2026-11-26T17:00:00Z');
    await step('2026-11-26T18:00:00Z');
    const reminders = inChannel().filter((c) => c.args.thread_ts === ts && String(c.args.text).startsWith('A reminder'));
    expect(reminders).toHaveLength(1);
    expect(reminders[0]!.args.text).toContain(`<@${PEOPLE.bob.id}>`);
    expect(reminders[0]!.args.text).not.toContain(PEOPLE.ann.id);

    await step('2026-11-27T17:00:00Z');
    await step('2026-11-27T17:01:00Z');
    const edits = slack.callsTo('chat.update').filter((c) => c.args.channel === CHANNEL && c.args.ts === ts);
    // Ann's answer, then the close.
    expect(edits).toHaveLength(2);
    expect(edits[1]!.args.text).toBe(`President ↔ managers, as a team with <@${PEOPLE.president.id}> has closed: 1 of 2 answered.`);
    const brief = slack
      .callsTo('chat.postMessage')
      .find(
        (c) =>
          c.args.channel === `D${PEOPLE.president.id}` && String(c.args.text).startsWith('Your brief for President ↔ managers, as a team'),
      );
    const blocks = JSON.stringify(brief!.args.blocks);
    // One line per person in the brief; the answers in full once, in its thread.
    expect(blocks).not.toContain('Pairing new reps with a buddy');
    const full = slack
      .callsTo('chat.postMessage')
      .filter((c) => c.args.channel === `D${PEOPLE.president.id}` && c.args.thread_ts && String(c.args.text).startsWith('Answers in full'));
    expect(full).toHaveLength(1);
    expect(JSON.stringify(full[0]!.args.blocks)).toContain('Pairing new reps with a buddy');
    expect(blocks).toContain('• *Bob Stone* — missed');
    expect(blocks).toContain('Ann rated their confidence 2 of 5');
    expect(inChannel().filter((c) => String(c.args.text).includes('missed'))).toHaveLength(0);
  });
});
