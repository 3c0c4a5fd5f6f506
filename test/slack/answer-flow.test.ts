import { tick } from '../../src/scheduler/tick';
import { IDS } from '../../src/slack/ids';
import { pressButton, viewSubmission, type TestApp } from '../support/app';
import { tickDeps as depsOf, useFixture } from '../support/cascade';
import type { TestDb } from '../support/db';
import type { SlackStandIn } from '../../src/slack/stand-in/slack';
import { PEOPLE } from '../support/org-fixture';

let db: TestDb;
let slack: SlackStandIn;
let app: TestApp;
const now = { current: new Date('2026-11-23T04:30:00Z') };

const f = useFixture({ now, admins: [] });

beforeAll(async () => {
  ({ db, slack, app } = f);
  await tick(tickDeps(), now.current);
});

function click(userId: string, checkinId: number) {
  return pressButton(app, slack, { userId, actionId: IDS.prompt.answer, value: String(checkinId), id: `answer-${userId}` });
}

describe('Answering a check-in over signed HTTP', () => {
  test('When Raj clicks Answer, fixes an invalid submission and sends, then his answers are stored once and his DM shows it', async () => {
    const [prompt] = await slack.waitFor('chat.postMessage', { where: (c) => c.args.channel === `D${PEOPLE.raj.id}` });
    const checkinId = Number(JSON.stringify(prompt!.args.blocks).match(/"value":"(\d+)"/)![1]);

    await click(PEOPLE.raj.id, checkinId);
    const [open] = await slack.waitFor('views.open', { where: (c) => c.args.trigger_id === `trigger-answer-${PEOPLE.raj.id}` });
    const view = open!.args.view;
    expect(view.callback_id).toBe(IDS.answer.callbackId);
    const questionBlocks = view.blocks.filter((b: any) => b.type === 'input' && b.block_id.startsWith(IDS.answer.blockPrefix));
    const labels: string[] = questionBlocks.map((b: any) => b.label.text);
    const share = view.blocks.find((b: any) => b.block_id === IDS.answer.shareBlock);
    expect(share.element.options.map((o: any) => o.text.text)).toContain('What worked this week, and why?');
    expect(labels.length).toBeLessThanOrEqual(5);
    expect(labels[0]).toBe('What worked this week, and why?');
    const meta = JSON.parse(view.private_metadata) as { questionIds: number[] };
    const [worked, confidence, ...rest] = meta.questionIds;
    const block = (id: number) => `${IDS.answer.blockPrefix}${id}`;

    const invalid = await app.interaction(
      viewSubmission(app, PEOPLE.raj.id, {
        callback_id: IDS.answer.callbackId,
        private_metadata: view.private_metadata,
        values: { [block(worked!)]: { value: { type: 'plain_text_input', value: '' } } },
      }),
    );
    const invalidBody = (await invalid.json()) as any;
    expect(invalidBody.response_action).toBe('errors');
    expect(invalidBody.errors[block(worked!)]).toBe('Please answer this one.');
    expect(invalidBody.errors[block(confidence!)]).toBe('Please answer this one.');
    expect(await db.db.selectFrom('answer').selectAll().execute()).toHaveLength(0);

    const values = {
      [block(worked!)]: { value: { type: 'plain_text_input', value: 'Multi-threading into the CFO early' } },
      [block(confidence!)]: { value: { type: 'radio_buttons', selected_option: { value: '4' } } },
      ...Object.fromEntries(rest.map((id) => [block(id), { value: { type: 'plain_text_input', value: null } }])),
      [IDS.answer.shareBlock]: { [IDS.answer.shareInput]: { type: 'checkboxes', selected_options: [{ value: String(worked) }] } },
    };
    const submission = viewSubmission(app, PEOPLE.raj.id, {
      callback_id: IDS.answer.callbackId,
      private_metadata: view.private_metadata,
      values,
    });
    const ok = await app.interaction(submission);
    expect(ok.status).toBe(200);
    await app.interaction(submission);
    const [update] = await slack.waitFor('chat.update', { where: (c) => c.args.channel === `D${PEOPLE.raj.id}` });
    expect(update!.args.text).toContain('your answers for your check-in with Ann Lee are in');

    const answers = await db.db.selectFrom('answer').selectAll().orderBy('position').execute();
    expect(answers.map((a) => [a.checkin_id, a.question_text, a.value_text, a.value_number, a.shared])).toEqual([
      [checkinId, 'What worked this week, and why?', 'Multi-threading into the CFO early', null, true],
      [checkinId, 'How confident are you in reaching your goal? (1 = not at all, 5 = fully)', null, 4, false],
    ]);
    const checkin = await db.db.selectFrom('checkin').selectAll().where('id', '=', checkinId).executeTakeFirstOrThrow();
    expect(checkin.status).toBe('answered');
  });

  test("When Mia clicks Answer on Raj's check-in, then no modal opens and she is told it is not hers", async () => {
    const checkin = await db.db.selectFrom('checkin').select('id').where('person_id', '=', PEOPLE.raj.id).executeTakeFirstOrThrow();
    const opened = slack.callsTo('views.open').length;
    await click(PEOPLE.mia.id, checkin.id);
    const [reply] = await slack.waitFor('response_url', { where: (c) => c.args.id === `answer-${PEOPLE.mia.id}` });
    expect(reply!.args.text).toBe('This check-in belongs to someone else.');
    expect(slack.callsTo('views.open')).toHaveLength(opened);
  });

  test("When the window closes, then Ann's brief carries Raj's and Mia's answers, Bob's brief carries neither, and Mia's status shows nothing of Raj's", async () => {
    now.current = new Date('2026-11-23T10:00:00Z');
    await tick(tickDeps(), now.current);
    await answerAsMember(PEOPLE.mia.id, 'Asking for referrals after every demo', '2');
    now.current = new Date('2026-11-23T18:00:00Z');
    await tick(tickDeps(), now.current);
    await answerAsMember(PEOPLE.leo.id, 'Short discovery calls on Fridays', '5');

    const { responseId } = await app.command(PEOPLE.mia.id, 'status');
    const status = await app.reply(responseId);
    expect(status.text).toContain('Answered, still editable');
    expect(JSON.stringify(status)).not.toContain('Multi-threading');

    // Every window of the round has closed by Wednesday 18:00 UTC (Leo, Los Angeles, 10:00 local).
    now.current = new Date('2026-11-25T18:00:00Z');
    await tick(tickDeps(), now.current);
    const briefTo = (userId: string) =>
      slack.callsTo('chat.postMessage').filter((c) => c.args.channel === `D${userId}` && String(c.args.text).startsWith('Your brief'));
    const [annBrief] = briefTo(PEOPLE.ann.id);
    const [bobBrief] = briefTo(PEOPLE.bob.id);
    expect(annBrief!.args.text).toBe('Your brief for Manager ↔ each rep, weekly (23 Nov 2026): 2 of 2 answered.');
    // The brief says it in a line each; the answers in full are in its thread, once.
    const fullTo = (userId: string) =>
      JSON.stringify(
        slack
          .callsTo('chat.postMessage')
          .filter((c) => c.args.channel === `D${userId}` && c.args.thread_ts && String(c.args.text).startsWith('Answers in full'))
          .map((c) => c.args.blocks),
      );
    const annBlocks = JSON.stringify(annBrief!.args.blocks);
    expect(annBlocks).toContain('• *Raj Patel* — answered');
    expect(annBlocks).not.toContain('Multi-threading into the CFO early');
    expect(fullTo(PEOPLE.ann.id)).toContain('Multi-threading into the CFO early');
    expect(fullTo(PEOPLE.ann.id)).toContain('Asking for referrals after every demo');
    expect(annBlocks).toContain('Mia rated their confidence 2 of 5');
    const bobBlocks = JSON.stringify(bobBrief!.args.blocks);
    expect(fullTo(PEOPLE.bob.id)).toContain('Short discovery calls on Fridays');
    expect(`${bobBlocks}${fullTo(PEOPLE.bob.id)}`).not.toContain('Multi-threading');
    expect(`${bobBlocks}${fullTo(PEOPLE.bob.id)}`).not.toContain('referrals');
    expect(briefTo(PEOPLE.raj.id)).toHaveLength(0);
    expect(briefTo(PEOPLE.mia.id)).toHaveLength(0);

    await tick(tickDeps(), new Date('2026-11-25T18:01:00Z'));
    expect(briefTo(PEOPLE.ann.id)).toHaveLength(1);

    // Raj's window has closed: his prompt no longer offers to edit what can no longer be edited, once.
    const edits = slack.callsTo('chat.update').filter((c) => c.args.channel === `D${PEOPLE.raj.id}`);
    const last = edits[edits.length - 1]!;
    expect(last.args.text).toBe('Thank you: your answers for your check-in with Ann Lee are in.');
    expect(JSON.stringify(last.args.blocks)).not.toContain('Edit answers');
    expect(edits.filter((c) => c.args.text === last.args.text)).toHaveLength(1);
  });
});

describe('/cascade team', () => {
  const say = async (userId: string, text: string) => app.reply((await app.command(userId, text)).responseId);

  test("When Ann opens Raj's check-ins, then she sees his answers; Mia (a peer) and Bob (another team's manager) are refused", async () => {
    const ann = await say(PEOPLE.ann.id, `team <@${PEOPLE.raj.id}|raj>`);
    expect(ann.text).toContain('*Raj Patel*');
    expect(ann.text).toContain('*Recent check-ins*');
    expect(ann.text).toContain('Multi-threading into the CFO early');
    const pat = await say(PEOPLE.president.id, `team <@${PEOPLE.raj.id}>`);
    expect(pat.text).toContain('Multi-threading into the CFO early');
    const own = await say(PEOPLE.raj.id, `team <@${PEOPLE.raj.id}>`);
    expect(own.text).toContain('Multi-threading into the CFO early');
    for (const outsider of [PEOPLE.mia.id, PEOPLE.bob.id, PEOPLE.leo.id]) {
      const refused = await say(outsider, `team <@${PEOPLE.raj.id}>`);
      expect(refused.text).toBe(
        `You can see your own check-ins and those of the people below you in the chain; <@${PEOPLE.raj.id}> is not below you.`,
      );
    }
  });

  test('When Ann asks for her team, then each direct report shows how many check-ins they answered', async () => {
    const reply = await say(PEOPLE.ann.id, 'team');
    expect(reply.text).toContain(`• <@${PEOPLE.mia.id}> — 1 of 1 answered (100%)`);
    expect(reply.text).toContain(`• <@${PEOPLE.raj.id}> — 1 of 1 answered (100%)`);
    expect(reply.text).not.toContain(PEOPLE.leo.id);
  });
});

function tickDeps() {
  return depsOf(db, slack, app.log);
}

/** Clicks Answer on the person's latest prompt and submits the two fixed questions. */
async function answerAsMember(userId: string, worked: string, confidence: string) {
  const prompts = await slack.waitFor('chat.postMessage', { where: (c) => c.args.channel === `D${userId}` && !c.args.thread_ts });
  const checkinId = Number(JSON.stringify(prompts[prompts.length - 1]!.args.blocks).match(/"value":"(\d+)"/)![1]);
  const before = slack.callsTo('views.open').length;
  await click(userId, checkinId);
  await slack.waitFor('views.open', { count: before + 1 });
  const view = slack.callsTo('views.open')[before]!.args.view;
  const [w, c] = (JSON.parse(view.private_metadata) as { questionIds: number[] }).questionIds;
  const values = {
    [`${IDS.answer.blockPrefix}${w}`]: { value: { type: 'plain_text_input', value: worked } },
    [`${IDS.answer.blockPrefix}${c}`]: { value: { type: 'radio_buttons', selected_option: { value: confidence } } },
  };
  const res = await app.interaction(
    viewSubmission(app, userId, { callback_id: IDS.answer.callbackId, private_metadata: view.private_metadata, values }),
  );
  expect(res.status).toBe(200);
}
