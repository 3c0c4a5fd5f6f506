import { questionsFor, submitAnswers } from '../../src/checkins/answers';
import { scopeOf } from '../../src/org/policy';
import { checkinContext } from '../../src/checkins/context';
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
const now = { current: new Date('2026-11-15T00:00:00Z') };

const step = async (iso: string) => {
  now.current = new Date(iso);
  return tick(tickDeps(db, slack, app.log), now.current);
};

const f = useFixture({ now });

beforeAll(async () => {
  ({ db, slack, app } = f);
});

/** The person's check-in of the weekly rep round on that Monday. */
async function checkinOf(userId: string, occurrence: string) {
  const row = await db.db
    .selectFrom('checkin as c')
    .innerJoin('round as r', 'r.id', 'c.round_id')
    .select('c.id')
    .where('c.person_id', '=', userId)
    .where('r.occurrence', '=', occurrence)
    .executeTakeFirstOrThrow();
  return (await checkinContext(db.db, row.id))!;
}

/** Answers every question; the commitment question with `promise` (or leaves it blank). */
async function answer(
  userId: string,
  occurrence: string,
  promise: string | null,
  reviews: { id: number; outcome: 'done' | 'partly' | 'not_yet' | null }[] = [],
) {
  const ctx = await checkinOf(userId, occurrence);
  const questions = await questionsFor(db.db, ctx);
  const raw = Object.fromEntries(
    questions.map((q) => [
      q.id,
      q.kind === 'commitment'
        ? (promise ?? '')
        : q.kind === 'rating_1_5'
          ? '3'
          : q.kind === 'number'
            ? '4'
            : q.kind === 'yes_no'
              ? 'yes'
              : 'Steady week',
    ]),
  );
  await submitAnswers(await scopeOf(db.db, app.teamId, userId, [], now.current), {
    checkinId: ctx.id,
    questions,
    raw,
    reviews: reviews.map((r) => ({ ...r, note: null })),
  });
}

const commitment = (text: string) => db.db.selectFrom('commitment').selectAll().where('text', '=', text).executeTakeFirstOrThrow();

describe('Commitments across weeks', () => {
  test('When reps answer in week 1, then their commitment question (always the last) becomes a commitment to their manager, due at the next check-in', async () => {
    await step('2026-11-16T04:30:00Z');
    const questions = await questionsFor(db.db, await checkinOf(PEOPLE.raj.id, '2026-11-16'));
    expect(questions[questions.length - 1]!.text).toBe('What will you commit to before our next conversation?');
    await answer(PEOPLE.raj.id, '2026-11-16', 'Book five demos with new logos');
    await step('2026-11-16T10:00:00Z');
    await answer(PEOPLE.mia.id, '2026-11-16', 'Clean up my pipeline');
    await step('2026-11-16T18:00:00Z');
    await answer(PEOPLE.leo.id, '2026-11-16', 'Call ten dormant accounts');
    expect(await commitment('Book five demos with new logos')).toMatchObject({
      owner_id: PEOPLE.raj.id,
      leader_id: PEOPLE.ann.id,
      status: 'open',
      due_date: '2026-11-23',
    });
    expect(await commitment('Call ten dormant accounts')).toMatchObject({
      owner_id: PEOPLE.leo.id,
      leader_id: PEOPLE.bob.id,
      status: 'open',
      due_date: '2026-11-23',
    });
  });

  test('When Raj opens week 2, then it asks about his commitment first, and "done" closes it', async () => {
    const made = await commitment('Book five demos with new logos');
    await step('2026-11-23T04:30:00Z');
    const ctx = await checkinOf(PEOPLE.raj.id, '2026-11-23');
    await pressButton(app, slack, { userId: PEOPLE.raj.id, actionId: IDS.prompt.answer, value: String(ctx.id), id: 'raj-week2' });
    const [open] = await slack.waitFor('views.open', { where: (c) => c.args.trigger_id === 'trigger-raj-week2' });
    const inputs = open!.args.view.blocks.filter((b: any) => b.type === 'input');
    expect(inputs[0].block_id).toBe(`${IDS.answer.reviewPrefix}${made.id}`);
    expect(inputs[0].label.text).toBe('Last time you committed to: “Book five demos with new logos”. How did it go?');
    expect(inputs[0].element.options.map((o: any) => o.text.text)).toEqual(['Done', 'Partly', 'Not yet: carry it on']);

    const meta = JSON.parse(open!.args.view.private_metadata) as { questionIds: number[]; commitmentIds: number[] };
    expect(meta.commitmentIds).toEqual([made.id]);
    const [worked, confidence] = meta.questionIds;
    const values = {
      [`${IDS.answer.reviewPrefix}${made.id}`]: { [IDS.answer.reviewInput]: { type: 'radio_buttons', selected_option: { value: 'done' } } },
      [`${IDS.answer.reviewNotePrefix}${made.id}`]: { [IDS.answer.reviewInput]: { type: 'plain_text_input', value: 'Six, in fact' } },
      [`${IDS.answer.blockPrefix}${worked}`]: { value: { type: 'plain_text_input', value: 'Demos' } },
      [`${IDS.answer.blockPrefix}${confidence}`]: { value: { type: 'radio_buttons', selected_option: { value: '4' } } },
    };
    const res = await app.interaction(
      viewSubmission(app, PEOPLE.raj.id, {
        callback_id: IDS.answer.callbackId,
        private_metadata: open!.args.view.private_metadata,
        values,
      }),
    );
    expect(res.status).toBe(200);
    expect(await commitment('Book five demos with new logos')).toMatchObject({ status: 'done', note: 'Six, in fact', slips: 0 });
    // What the review said travels: Ann's agenda for their 1:1 has the outcome and Raj's note.
    const { responseId } = await app.command(PEOPLE.ann.id, `agenda <@${PEOPLE.raj.id}>`);
    expect(JSON.stringify(await app.reply(responseId))).toContain('“Book five demos with new logos” — done: “Six, in fact”');
  });

  test('When Mia answers week 2 without reviewing hers, then it stays open until that window closes, and then it is missed', async () => {
    await step('2026-11-23T10:00:00Z');
    await answer(PEOPLE.mia.id, '2026-11-23', null);
    // Leo says "not yet" in week 2 (the first slip), before the windows close.
    await step('2026-11-23T18:00:00Z');
    const leo = await commitment('Call ten dormant accounts');
    await answer(PEOPLE.leo.id, '2026-11-23', null, [{ id: leo.id, outcome: 'not_yet' }]);
    expect(await commitment('Call ten dormant accounts')).toMatchObject({
      status: 'open',
      slips: 1,
      due_date: '2026-11-30',
      escalated_at: null,
    });

    // Mia's week 2 window (London) closes on Wednesday 25 November at 10:00 UTC.
    await step('2026-11-25T09:59:00Z');
    expect((await commitment('Clean up my pipeline')).status).toBe('open');
    await step('2026-11-25T10:00:00Z');
    expect(await commitment('Clean up my pipeline')).toMatchObject({ status: 'missed', slips: 1, escalated_at: null });
    expect((await commitment('Call ten dormant accounts')).status).toBe('open');
  });

  test('When Raj has a commitment due at his week-3 check-in, it is made to Ann like any other', async () => {
    await db.db
      .insertInto('commitment')
      .values({
        team_id: app.teamId,
        owner_id: PEOPLE.raj.id,
        leader_id: PEOPLE.ann.id,
        text: 'Send the Acme proposal',
        due_date: '2026-11-30',
        status: 'open',
        source_checkin_id: null,
        note: null,
        last_reviewed_checkin_id: null,
        escalated_at: null,
        closed_at: null,
      })
      .execute();
    expect(await commitment('Send the Acme proposal')).toMatchObject({ status: 'open', slips: 0 });
  });

  test('When a commitment slips twice, then it reaches the brief of the leader one level up, and no other brief', async () => {
    const made = await commitment('Call ten dormant accounts');
    await step('2026-11-30T18:00:00Z');
    await answer(PEOPLE.leo.id, '2026-11-30', null, [{ id: made.id, outcome: 'not_yet' }]);
    const slipped = await commitment('Call ten dormant accounts');
    expect(slipped).toMatchObject({ status: 'open', slips: 2 });
    expect(slipped.escalated_at).not.toBeNull();

    // Pat meets the managers on Thursday 3 December; that round closes on Monday the 7th (Bob's window, 17:00 UTC).
    for (const at of [
      '2026-12-02T18:00:00Z',
      '2026-12-03T09:00:00Z',
      '2026-12-03T15:00:00Z',
      '2026-12-03T17:00:00Z',
      '2026-12-07T17:00:00Z',
      '2026-12-07T17:01:00Z',
    ])
      await step(at);
    const briefs = slack.callsTo('chat.postMessage').filter((c) => String(c.args.text).startsWith('Your brief'));
    const pat = briefs.filter((c) => c.args.channel === `D${PEOPLE.president.id}`);
    expect(pat).toHaveLength(1);
    const blocks = JSON.stringify(pat[0]!.args.blocks);
    expect(blocks).toContain('*Escalated to you* (slipped twice)');
    expect(blocks).toContain("Leo Park's commitment to Bob Stone: “Call ten dormant accounts” — slipped 2 times");
    const others = briefs.filter((c) => c.args.channel !== `D${PEOPLE.president.id}`);
    expect(others.length).toBeGreaterThan(3);
    for (const b of others) expect(JSON.stringify(b.args.blocks)).not.toContain('Escalated to you');
    // Bob's own brief still shows Leo's commitment, as his leader, without the escalation.
    expect(
      others.some((b) => b.args.channel === `D${PEOPLE.bob.id}` && JSON.stringify(b.args.blocks).includes('Call ten dormant accounts')),
    ).toBe(true);
  });

  test('When Raj misses his week-3 check-in altogether, then the commitment it was to review stays open, unreviewed: a miss reviews nothing', async () => {
    expect((await checkinOf(PEOPLE.raj.id, '2026-11-30')).status).toBe('missed');
    expect(await commitment('Send the Acme proposal')).toMatchObject({ status: 'open', slips: 0, closed_at: null });
    await db.db.deleteFrom('commitment').where('text', '=', 'Send the Acme proposal').execute();
  });
});

describe('A commitment is made once', () => {
  test('When Raj writes in his check-in the commitment he still has open, then it carries on instead of a copy; a picked date is its due date, a past one comes back inline', async () => {
    now.current = new Date('2026-12-07T17:05:00Z');
    const say = async (userId: string, text: string) => app.reply((await app.command(userId, text)).responseId);
    expect((await say(PEOPLE.raj.id, 'commit Call every open opportunity')).text).toContain('due Mon 14 Dec');
    const ctx = await checkinOf(PEOPLE.raj.id, '2026-12-07');
    await pressButton(app, slack, { userId: PEOPLE.raj.id, actionId: IDS.prompt.answer, value: String(ctx.id), id: 'raj-once' });
    const [open] = await slack.waitFor('views.open', { where: (c) => c.args.trigger_id === 'trigger-raj-once' });
    const view = open!.args.view;
    const blocks = JSON.stringify(view.blocks);
    expect(blocks).toContain(
      'Still open: “Call every open opportunity” (due Mon 14 Dec). It carries on by itself: write a commitment below only for something new.',
    );
    const picker = view.blocks.find((b: any) => b.block_id === IDS.answer.dueBlock);
    expect(picker.element.type).toBe('datepicker');
    expect(picker.optional).toBe(true);

    const meta = JSON.parse(view.private_metadata) as { questionIds: number[] };
    const questions = await db.db.selectFrom('question').selectAll().where('id', 'in', meta.questionIds).execute();
    const promise = questions.find((q) => q.kind === 'commitment')!;
    const values = (text: string, due?: string) => ({
      ...Object.fromEntries(
        questions.map((q) => [
          `${IDS.answer.blockPrefix}${q.id}`,
          {
            value:
              q.kind === 'rating_1_5'
                ? { type: 'radio_buttons', selected_option: { value: '4' } }
                : { type: 'plain_text_input', value: q.id === promise.id ? text : 'Steady' },
          },
        ]),
      ),
      ...(due ? { [IDS.answer.dueBlock]: { [IDS.answer.dueInput]: { type: 'datepicker', selected_date: due } } } : {}),
    });
    const submit = (text: string, due?: string) =>
      app.interaction(
        viewSubmission(app, PEOPLE.raj.id, {
          callback_id: IDS.answer.callbackId,
          private_metadata: view.private_metadata,
          values: values(text, due),
        }),
      );
    const copies = async () =>
      await db.db
        .selectFrom('commitment')
        .select(['text', 'due_date', 'status'])
        .where('owner_id', '=', PEOPLE.raj.id)
        .where('status', '=', 'open')
        .orderBy('id')
        .execute();

    expect((await submit('call every  OPEN opportunity')).status).toBe(200);
    expect(await copies()).toEqual([{ text: 'Call every open opportunity', due_date: '2026-12-14', status: 'open' }]);

    const refused = (await (await submit('Send three proposals', '2026-12-01')).json()) as any;
    expect(refused).toEqual({
      response_action: 'errors',
      errors: { [IDS.answer.dueBlock]: '2026-12-01 has already passed: give today or a later day.' },
    });

    expect((await submit('Send three proposals', '2026-12-11')).status).toBe(200);
    expect(await copies()).toEqual([
      { text: 'Call every open opportunity', due_date: '2026-12-14', status: 'open' },
      { text: 'Send three proposals', due_date: '2026-12-11', status: 'open' },
    ]);
  });
});

describe('/cascade commit, commitments and done', () => {
  const say = async (userId: string, text: string) => app.reply((await app.command(userId, text)).responseId);

  test('When Ann commits to Pat with a date, lists, and closes it, then each step is stored, named by what it is, never by a database id; bad input changes nothing', async () => {
    now.current = new Date('2026-12-08T12:00:00Z');
    const made = await say(PEOPLE.ann.id, 'commit run a pipeline review with each rep by 2026-12-18');
    expect(made.text).toMatch(/^Committed to <@UPRES001>: “run a pipeline review with each rep”, due Fri 18 Dec\./);
    const listed = await say(PEOPLE.ann.id, 'commitments');
    expect(listed.text).toContain('1. “run a pipeline review with each rep” to Pat Rivera — due Fri 18 Dec');
    // Each open one has its Done button (the button carries the id; the text never does).
    const id = (
      await db.db.selectFrom('commitment').select('id').where('text', '=', 'run a pipeline review with each rep').executeTakeFirstOrThrow()
    ).id;
    expect(JSON.stringify(listed.blocks)).toContain(
      `"action_id":"${IDS.commitments.done}","text":{"type":"plain_text","text":"Done"},"value":"c${id}"`,
    );
    expect(`${made.text}${listed.text}`).not.toContain(String(id));
    expect((await say(PEOPLE.ann.id, 'commit something by 2026-12-01')).text).toBe(
      '2026-12-01 has already passed: give today or a later day.',
    );
    expect((await say(PEOPLE.ann.id, 'commit')).text).toContain('Say what you commit to');
    expect((await say(PEOPLE.ann.id, 'done twelve')).text).toContain('Give the commitment’s number');
    expect((await say(PEOPLE.mia.id, 'done 1')).text).toBe('There is no open commitment in your list.');
    expect((await say(PEOPLE.ann.id, 'done 2')).text).toBe(
      'There is no commitment 2 in your list: it has 1 open, numbered as `/cascade commitments` shows them.',
    );
    expect((await say(PEOPLE.ann.id, 'done 1')).text).toBe('Done: “run a pipeline review with each rep”.');
    expect((await say(PEOPLE.ann.id, 'done 1')).text).toBe('There is no open commitment in your list.');
    const count = await db.db
      .selectFrom('commitment')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('owner_id', '=', PEOPLE.ann.id)
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(1);
  });

  test('When Raj presses Done beside a commitment, then it is done, and pressing it again says so; Mia pressing it forged changes nothing', async () => {
    const m = await db.db
      .insertInto('commitment')
      .values({
        team_id: app.teamId,
        owner_id: PEOPLE.raj.id,
        leader_id: PEOPLE.ann.id,
        text: 'Follow up with Initech',
        due_date: '2026-12-14',
        status: 'open',
        source_checkin_id: null,
        note: null,
        last_reviewed_checkin_id: null,
        escalated_at: null,
        closed_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await pressButton(app, slack, { userId: PEOPLE.mia.id, actionId: IDS.commitments.done, value: `c${m.id}`, id: 'mia-done' });
    expect((await slack.waitFor('response_url', { where: (c) => c.args.id === 'mia-done' }))[0]!.args.text).toContain(
      'not yours, nor of anyone below you',
    );
    await pressButton(app, slack, { userId: PEOPLE.raj.id, actionId: IDS.commitments.done, value: `c${m.id}`, id: 'raj-done' });
    expect((await slack.waitFor('response_url', { where: (c) => c.args.id === 'raj-done' }))[0]!.args.text).toBe(
      'Done: “Follow up with Initech”.',
    );
    await pressButton(app, slack, { userId: PEOPLE.raj.id, actionId: IDS.commitments.done, value: `c${m.id}`, id: 'raj-done-again' });
    expect((await slack.waitFor('response_url', { where: (c) => c.args.id === 'raj-done-again' }))[0]!.args.text).toContain(
      '“Follow up with Initech” is already done.',
    );
  });

  test('When Mia commits "by friday" or "by next week", then the day is read as she means it and kept out of the text; "by Acme" stays in it', async () => {
    // Wednesday 9 December, 10:00 in Mia's zone.
    now.current = new Date('2026-12-09T10:00:00Z');
    const said = async (text: string) => (await app.reply((await app.command(PEOPLE.mia.id, text)).responseId)).text!;
    expect(await said('commit Send Globex the proposal by friday')).toContain('Send Globex the proposal');
    expect(await commitment('Send Globex the proposal')).toMatchObject({ due_date: '2026-12-11' });
    await said('commit Book the Initech QBR by next week');
    expect(await commitment('Book the Initech QBR')).toMatchObject({ due_date: '2026-12-14' });
    await said('commit Close the loop with the team at Acme by end of month');
    expect(await commitment('Close the loop with the team at Acme')).toMatchObject({ due_date: '2026-12-31' });
    await said('commit Get a reference by Acme');
    expect((await commitment('Get a reference by Acme')).due_date).not.toBe('2026-12-09');
    expect(await said('commit Call them by 2026-12-01')).toContain('2026-12-01 has already passed');
  });

  test('When the CEO commits, then it is a commitment to the organisation, due at the CEO’s next reflection', async () => {
    const made = await say(PEOPLE.ceo.id, 'commit weekly coaching hour for every manager');
    expect(made.text).toMatch(/^Committed to the organisation: “weekly coaching hour for every manager”, due Mon 4 Jan\./);
  });

  test("When people list someone else's commitments, then only the people above them in the chain may", async () => {
    expect((await say(PEOPLE.ann.id, `commitments <@${PEOPLE.raj.id}>`)).text).toContain('Book five demos with new logos');
    expect((await say(PEOPLE.president.id, `commitments <@${PEOPLE.leo.id}>`)).text).toContain('Call ten dormant accounts');
    expect((await say(PEOPLE.mia.id, `commitments <@${PEOPLE.raj.id}>`)).text).toContain('is not below you');
    expect((await say(PEOPLE.bob.id, `commitments <@${PEOPLE.raj.id}>`)).text).toContain('is not below you');
    expect((await say(PEOPLE.raj.id, `commitments <@${PEOPLE.ann.id}>`)).text).toContain('is not below you');
  });
});
