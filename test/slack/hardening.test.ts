import { submitAnswers, questionsFor } from '../../src/checkins/answers';
import { checkinContext } from '../../src/checkins/context';
import { scopeOf } from '../../src/org/policy';
import { tick } from '../../src/scheduler/tick';
import { readHeldNotes } from '../../src/slack/commands/conversation';
import { tokenize } from '../../src/slack/commands/kit';
import { IDS } from '../../src/slack/ids';
import { interactionBody, viewSubmission as slackViewSubmission } from '../../src/slack/stand-in/requests';
import { pressButton, viewSubmission } from '../support/app';
import { tickDeps, useFixture } from '../support/cascade';
import { PEOPLE } from '../support/org-fixture';

/**
 * What an attack from outside found, each closed over signed HTTP: a private 1:1 note typed so that it read
 * as the shared one, a skip-level reply whose answer went to the wrong leader, windows opened for anyone who
 * forged a button, a topic cap that thirty requests at once went past, windows that read dates and amounts
 * less carefully than the commands, a replayed submission kept three times, a private note handed to a new
 * leader after a re-org, an agenda that pointed at a check-in not yet sent, and a window with no state.
 */
const now = { current: new Date('2026-11-23T04:00:00Z') };
const fixture = useFixture({ now });
const {
  raj: RAJ,
  ann: ANN,
  pat: PAT,
  mia: MIA,
  bob: BOB,
  admin: ADMIN,
} = { raj: PEOPLE.raj.id, ann: PEOPLE.ann.id, pat: PEOPLE.president.id, mia: PEOPLE.mia.id, bob: PEOPLE.bob.id, admin: PEOPLE.admin.id };

const say = async (userId: string, text: string) => {
  const { res, responseId } = await fixture.app.command(userId, text);
  expect(res.status).toBe(200);
  return (await fixture.app.reply(responseId)).text;
};
const press = (userId: string, actionId: string, value: string, id: string) =>
  pressButton(fixture.app, fixture.slack, { userId, actionId, value, id });
const opened = async (id: string) =>
  (await fixture.slack.waitFor('views.open', { where: (c) => c.args.trigger_id === `trigger-${id}` }))[0]!.args.view;
const answered = async (id: string) =>
  (await fixture.slack.waitFor('response_url', { where: (c) => c.args.id === id }))[0]!.args.text as string;
const submit = (userId: string, view: any, values: Record<string, Record<string, unknown>>) =>
  fixture.app.interaction(
    viewSubmission(fixture.app, userId, { callback_id: view.callback_id, private_metadata: view.private_metadata ?? '', values }),
  );
const text = (value: string) => ({ type: 'plain_text_input', value });
const tickAt = async (iso: string) => {
  now.current = new Date(iso);
  await tick(tickDeps(fixture.db, fixture.slack, fixture.app.log), now.current);
};

let rajCheckin = 0;

beforeAll(async () => {
  // Raj's weekly prompt (10:00 in Kolkata), answered.
  await tickAt('2026-11-23T04:30:00Z');
  const db = fixture.db.db;
  rajCheckin = (await db.selectFrom('checkin').select('id').where('person_id', '=', RAJ).executeTakeFirstOrThrow()).id;
  const ctx = (await checkinContext(db, rajCheckin))!;
  const questions = await questionsFor(db, ctx);
  await submitAnswers(await scopeOf(db, fixture.app.teamId, RAJ, [], now.current), {
    checkinId: rajCheckin,
    questions,
    raw: Object.fromEntries(
      questions.map((q) => [
        q.id,
        q.kind === 'rating_1_5'
          ? '4'
          : q.kind === 'number'
            ? '3'
            : q.kind === 'yes_no'
              ? 'yes'
              : q.kind === 'commitment'
                ? ''
                : 'Discovery calls are sharper',
      ]),
    ),
  });
  await tickAt('2026-11-23T04:31:00Z');
});

describe('A private 1:1 note never reads as the shared one', () => {
  test.each([
    ['"good call" private: "Raj is on a PIP"', { sharedNote: 'good call', privateNote: 'Raj is on a PIP' }],
    ['"good call" Private "Raj is on a PIP"', { sharedNote: 'good call', privateNote: 'Raj is on a PIP' }],
    ['"good call" private:"Raj is on a PIP"', { sharedNote: 'good call', privateNote: 'Raj is on a PIP' }],
    ['private "Raj is on a PIP"', { privateNote: 'Raj is on a PIP' }],
    ['good call today', { sharedNote: 'good call today' }],
    ['"good call"', { sharedNote: 'good call' }],
  ])('When the notes are written %s, then each lands where it was meant', (typed, expected) => {
    expect(readHeldNotes(tokenize(typed))).toEqual(expected);
  });

  test.each([
    ['good call private Raj is on a PIP'],
    ['"good call" private Raj is on a PIP'],
    ['"good call" private'],
    ['"good" "call"'],
    ['"a" private "b" private "c"'],
    ['"good call" private:PIP'],
    ['good call "and more" private "PIP"'],
  ])('When the notes are written %s, then Cascade cannot tell them apart and refuses', (typed) => {
    expect(readHeldNotes(tokenize(typed))).toEqual({ refused: expect.stringMatching(/quotes|one private note/) });
  });

  test('When Ann writes a shared and a private note with private:, then Raj sees only the shared one and the confirmation quotes both as kept', async () => {
    const reply = await say(ANN, `held <@${RAJ}> "good call" private: "Raj is on a PIP"`);
    expect(reply).toContain('*Shared note* (Raj gets it in the thread of that check-in): “good call”');
    expect(reply).toContain('*Private note* (you and the chain above you, never Raj): “Raj is on a PIP”');
    const rajSees = await say(RAJ, 'agenda');
    expect(rajSees).toContain('good call');
    expect(rajSees).not.toContain('PIP');
    expect(await say(PAT, `agenda <@${RAJ}>`)).toContain('Raj is on a PIP');
  });

  test('When the notes cannot be told apart, then nothing is kept and the usage says how to write them', async () => {
    const before = await fixture.db.db
      .selectFrom('checkin')
      .select(['shared_note', 'private_note'])
      .where('id', '=', rajCheckin)
      .executeTakeFirstOrThrow();
    expect(await say(ANN, `held <@${RAJ}> great call private Raj is struggling`)).toContain('in quotes');
    expect(
      await fixture.db.db
        .selectFrom('checkin')
        .select(['shared_note', 'private_note'])
        .where('id', '=', rajCheckin)
        .executeTakeFirstOrThrow(),
    ).toEqual(before);
  });

  test('When Ann types held with no note, then a window with the two notes in two fields opens, and what she submits is kept in each', async () => {
    const { responseId } = await fixture.app.command(ANN, `held <@${RAJ}>`, { triggerId: 'trigger-held-window' });
    void responseId;
    const view = await opened('held-window');
    expect(view.callback_id).toBe(IDS.conversation.heldView);
    const inputs = view.blocks.filter((b: any) => b.type === 'input').map((b: any) => b.block_id);
    expect(inputs).toEqual([IDS.conversation.sharedBlock, IDS.conversation.privateBlock]);
    // It starts from the notes kept so far.
    expect(JSON.stringify(view)).toContain('Raj is on a PIP');
    const res = await submit(ANN, view, {
      [IDS.conversation.sharedBlock]: { [IDS.conversation.textInput]: text('Bring the Acme org chart next week') },
      [IDS.conversation.privateBlock]: { [IDS.conversation.textInput]: text('Improving; keep the plan another month') },
    });
    const answer = (await res.json()) as any;
    expect(answer.response_action).toBe('update');
    expect(JSON.stringify(answer.view)).toContain('Bring the Acme org chart next week');
    expect(
      await fixture.db.db
        .selectFrom('checkin')
        .select(['shared_note', 'private_note'])
        .where('id', '=', rajCheckin)
        .executeTakeFirstOrThrow(),
    ).toEqual({
      shared_note: 'Bring the Acme org chart next week',
      private_note: 'Improving; keep the plan another month',
    });
    expect(await say(RAJ, 'agenda')).not.toContain('Improving');
  });
});

describe('Replies reach whom they are meant for', () => {
  test('When Pat (two levels up) replies to Raj and Raj answers, then the answer goes to Pat, not into Ann’s live message', async () => {
    expect(await say(PAT, `reply <@${RAJ}> "What would help you most with Acme?"`)).toContain('Sent to');
    await tickAt('2026-11-23T04:32:00Z');
    const patReply = await fixture.db.db
      .selectFrom('reply')
      .select('id')
      .where('author_id', '=', PAT)
      .where('kind', '=', 'reply')
      .executeTakeFirstOrThrow();
    await press(RAJ, IDS.conversation.answerReply, `a${patReply.id}`, 'raj-answers-pat');
    const view = await opened('raj-answers-pat');
    expect(
      await (
        await submit(RAJ, view, { [IDS.conversation.textBlock]: { [IDS.conversation.textInput]: text('An exec sponsor call') } })
      ).text(),
    ).toBe('');
    await tickAt('2026-11-23T04:33:00Z');
    const liveTs = (await fixture.db.db.selectFrom('round').select('live_ts').where('leader_id', '=', ANN).executeTakeFirstOrThrow())
      .live_ts;
    const posts = fixture.slack.callsTo('chat.postMessage');
    const toPat = posts.filter((c) => c.args.channel === `D${PAT}` && String(c.args.text).includes('An exec sponsor call'));
    expect(toPat).toHaveLength(1);
    expect(toPat[0]!.args.thread_ts).toBeUndefined();
    expect(JSON.stringify(toPat[0]!.args.blocks)).toContain('You: “What would help you most with Acme?”');
    expect(posts.filter((c) => c.args.thread_ts === liveTs && String(c.args.text).includes('An exec sponsor call'))).toEqual([]);
    // Ann's live message names Pat as the one who replied, not "You".
    const live = fixture.slack
      .callsTo('chat.update')
      .filter((c) => c.args.ts === liveTs)
      .at(-1)!;
    expect(JSON.stringify(live.args.blocks)).toContain(':speech_balloon: Pat replied · Raj answered');
  });

  test('When Mia forges the Reply button with Raj’s check-in, then no window opens and nothing of Raj is named to her', async () => {
    await press(MIA, IDS.conversation.reply, `r${rajCheckin}`, 'mia-forged-reply');
    expect(await answered('mia-forged-reply')).toContain('There is no check-in of someone below you');
    expect(fixture.slack.callsTo('views.open').filter((c) => c.args.trigger_id === 'trigger-mia-forged-reply')).toEqual([]);
    await press(PAT, IDS.conversation.reply, `r${rajCheckin}`, 'pat-reply');
    expect(JSON.stringify(await opened('pat-reply'))).toContain('Raj Patel');
  });

  test('When one signed Reply submission is replayed three times, then one reply is kept and sent', async () => {
    const before = (await fixture.db.db.selectFrom('reply').select('id').where('kind', '=', 'reply').execute()).length;
    const payload = slackViewSubmission({
      teamId: fixture.app.teamId,
      userId: ANN,
      triggerId: 'trigger-replayed',
      view: {
        id: 'VREPLAYED01',
        hash: '1700000000.abcd',
        callback_id: IDS.conversation.replyView,
        private_metadata: JSON.stringify({ checkinId: rajCheckin }),
      },
      values: { [IDS.conversation.textBlock]: { [IDS.conversation.textInput]: text('Replayed words') } },
    });
    for (let i = 0; i < 3; i++) expect((await fixture.app.interaction(payload)).status).toBe(200);
    const replies = await fixture.db.db.selectFrom('reply').select('text').where('kind', '=', 'reply').execute();
    expect(replies.length).toBe(before + 1);
    expect(replies.filter((r) => r.text === 'Replayed words')).toHaveLength(1);
    void interactionBody;
  });
});

describe('The 1:1 agenda', () => {
  test('When thirty topics are added at once, then the 1:1 stops at twenty and the rest are told why', async () => {
    const existing = (await fixture.db.db.selectFrom('agenda_item').select('id').where('checkin_id', '=', rajCheckin).execute()).length;
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => say(RAJ, `agenda add "Topic number ${i}"`)));
    const kept = (await fixture.db.db.selectFrom('agenda_item').select('id').where('checkin_id', '=', rajCheckin).execute()).length;
    expect(kept).toBe(20);
    expect(results.filter((r) => r.includes('already has 20 topics'))).toHaveLength(30 - (20 - existing));
  });

  test('When a check-in is planned for tomorrow but not sent, then the agenda and held stay with the one already sent', async () => {
    const db = fixture.db.db;
    const round = await db.selectFrom('round').selectAll().where('leader_id', '=', ANN).executeTakeFirstOrThrow();
    const tomorrow = await db
      .insertInto('round')
      .values({
        team_id: round.team_id,
        cadence_id: round.cadence_id,
        leader_id: ANN,
        occurrence: '2026-11-24',
        closes_at: new Date('2026-11-26T04:30:00Z'),
        closed_at: null,
        channel_id: null,
        thread_ts: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const next = await db
      .insertInto('checkin')
      .values({
        team_id: round.team_id,
        round_id: tomorrow.id,
        person_id: RAJ,
        status: 'scheduled',
        skip_reason: null,
        due_at: new Date('2026-11-24T04:30:00Z'),
        closes_at: new Date('2026-11-26T04:30:00Z'),
        snoozed_until: null,
        answered_at: null,
        reminded_at: null,
        channel_id: null,
        message_ts: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    expect(await say(ANN, `held <@${RAJ}> "Same week, same plan"`)).toContain('Marked held');
    const notes = await db
      .selectFrom('checkin')
      .select(['id', 'shared_note', 'held_at'])
      .where('id', 'in', [rajCheckin, next.id])
      .orderBy('id')
      .execute();
    // Added to the note already kept on the 1:1 already sent, never to tomorrow's.
    expect(notes).toEqual([
      expect.objectContaining({ id: rajCheckin, shared_note: expect.stringMatching(/\n\nSame week, same plan$/) }),
      { id: next.id, shared_note: null, held_at: null },
    ]);
    await db.deleteFrom('checkin').where('id', '=', next.id).execute();
    await db.deleteFrom('round').where('id', '=', tomorrow.id).execute();
  });
});

describe('Windows read dates and amounts as the commands do', () => {
  const commitWith = async (date: string, id: string) => {
    await press(RAJ, IDS.home.commit, 'commit', id);
    const view = await opened(id);
    const res = await submit(RAJ, view, {
      [IDS.home.textBlock]: { [IDS.home.textInput]: text(`Due on ${date.replace(/\W/g, '')}`) },
      [IDS.home.dueBlock]: { [IDS.home.dueInput]: { type: 'datepicker', selected_date: date } },
    });
    return res.status === 200 && (await res.text());
  };

  test.each([
    ['2101-01-01', 'is not a date between 2000 and 2100'],
    ['2026-02-30', 'is not a date between 2000 and 2100'],
    ['garbage', 'is not a day Cascade can read'],
    ['2026-12-0\u0000', 'is not a day Cascade can read'],
    ['2028-06-01', 'due within a year'],
  ])('When a commitment from Home is due %s, then the window says why, on the date, and nothing is kept', async (date, why) => {
    const answer = JSON.parse((await commitWith(date, `commit-${date.replace(/\W/g, '')}`)) as string);
    expect(answer.errors[IDS.home.dueBlock]).toContain(why);
    expect(
      await fixture.db.db
        .selectFrom('commitment')
        .select('id')
        .where('text', '=', `Due on ${date.replace(/\W/g, '')}`)
        .execute(),
    ).toEqual([]);
  });

  test('When a commitment from Home carries a NUL character, then the window says so and nothing reaches the database', async () => {
    await press(RAJ, IDS.home.commit, 'commit', 'commit-nul');
    const view = await opened('commit-nul');
    const res = await submit(RAJ, view, { [IDS.home.textBlock]: { [IDS.home.textInput]: text('Call Acme\u0000 back') } });
    expect(((await res.json()) as any).errors[IDS.home.textBlock]).toContain('NUL');
  });

  test.each([
    ['0x10', 'is not a number'],
    ['1,5', 'is not a number'],
    ['1e5', 'is not a number'],
    ['-3', 'cannot be negative'],
  ])('When progress from Home is %s, then it is refused as the command refuses it', async (value, why) => {
    await fixture.db.db
      .insertInto('goal')
      .values({
        team_id: fixture.app.teamId,
        owner_id: RAJ,
        scope: 'person',
        name: 'Pipeline',
        unit: 'USD',
        target: 100000,
        period: 'month',
        created_by: ANN,
      })
      .onConflict((oc) => oc.doNothing())
      .execute();
    const id = `progress-${value.replace(/\W/g, '')}`;
    await press(RAJ, IDS.home.progress, 'progress', id);
    const view = await opened(id);
    const res = await submit(RAJ, view, {
      [IDS.home.pickBlock]: { [IDS.home.pickInput]: { type: 'static_select', selected_option: { value: 'Pipeline' } } },
      [IDS.home.amountBlock]: { [IDS.home.amountInput]: { type: 'plain_text_input', value } },
    });
    expect(((await res.json()) as any).errors[IDS.home.amountBlock]).toContain(why);
    expect(await say(RAJ, `progress "Pipeline" ${value}`)).toContain(why);
    expect(await fixture.db.db.selectFrom('progress').select('value').where('person_id', '=', RAJ).execute()).toEqual([]);
  });

  test('When progress is written with thousands grouped, then it is read as written, in the window and in the command', async () => {
    await press(RAJ, IDS.home.progress, 'progress', 'progress-grouped');
    const view = await opened('progress-grouped');
    expect(
      await (
        await submit(RAJ, view, {
          [IDS.home.pickBlock]: { [IDS.home.pickInput]: { type: 'static_select', selected_option: { value: 'Pipeline' } } },
          [IDS.home.amountBlock]: { [IDS.home.amountInput]: { type: 'plain_text_input', value: '1,000' } },
        })
      ).text(),
    ).toBe('');
    expect(
      (await fixture.db.db.selectFrom('progress').select('value').where('person_id', '=', RAJ).execute()).map((p) => Number(p.value)),
    ).toEqual([1000]);
  });
});

describe('A re-org', () => {
  test('When Raj moves from Ann to Bob, then Bob never reads the private note Ann wrote; Ann and Pat, above her when she wrote it, still do', async () => {
    expect(await say(ANN, `held <@${RAJ}> private "Talk to Pat about his territory"`)).toContain('Marked held');
    expect(await say(ADMIN, `org set <@${RAJ}> rep reports-to <@${BOB}>`)).not.toContain('not');
    const bobSees = await say(BOB, `team <@${RAJ}>`);
    expect(bobSees).toContain('Raj');
    expect(bobSees).not.toContain('Talk to Pat about his territory');
    expect(await say(BOB, `agenda <@${RAJ}>`)).not.toContain('Talk to Pat about his territory');
    expect(await say(PAT, `agenda <@${RAJ}>`)).toContain('Talk to Pat about his territory');
    expect(await say(ADMIN, `org set <@${RAJ}> rep reports-to <@${ANN}>`)).not.toContain('not');
    expect(await say(ANN, `agenda <@${RAJ}>`)).toContain('Talk to Pat about his territory');
  });
});

describe('Every window is answered', () => {
  test('When a Skip window arrives without its state, then Slack gets a clear error in time, not a timeout', async () => {
    const payload = slackViewSubmission({
      teamId: fixture.app.teamId,
      userId: RAJ,
      triggerId: 't-nostate',
      view: {
        id: 'VNOSTATE01',
        callback_id: IDS.skip.callbackId,
        private_metadata: JSON.stringify({ checkinId: rajCheckin }),
        blocks: [{ type: 'input', block_id: IDS.skip.reasonBlock }],
      },
      values: {},
    });
    delete (payload.view as Record<string, unknown>).state;
    const res = await fixture.app.interaction(payload);
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    expect(body.response_action).toBe('errors');
    expect(Object.values(body.errors).join(' ')).toMatch(/Pick a reason|went wrong/);
  });
});
