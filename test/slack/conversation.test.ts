import { tick } from '../../src/scheduler/tick';
import { buildDigest } from '../../src/digests/figures';
import { heardBelow } from '../../src/checkins/briefs';
import { digestMessage } from '../../src/slack/blocks/digest';
import { IDS } from '../../src/slack/ids';
import { pressButton, viewSubmission } from '../support/app';
import { tickDeps, useFixture } from '../support/cascade';
import { PEOPLE } from '../support/org-fixture';

/**
 * The loop closed, end to end over signed HTTP against the fake Slack: Raj answers; Ann's live message for
 * the round shows it before the round closes; Ann replies with the button and with `/cascade reply`, and
 * says "Got it"; Raj gets all three in the thread of his prompt and answers once; both add a topic to their
 * 1:1 agenda; Ann marks the 1:1 held with a shared and a private note. Raj sees the shared note and never the
 * private one; Pat (above) sees both; Mia and Bob (peers) see none of it.
 */
const now = { current: new Date('2026-11-23T04:00:00Z') };
const fixture = useFixture({ now });

const at = async (iso: string) => {
  now.current = new Date(iso);
  await tick(tickDeps(fixture.db, fixture.slack, fixture.app.log), now.current);
};
const say = async (userId: string, text: string) => {
  const { res, responseId } = await fixture.app.command(userId, text);
  expect(res.status).toBe(200);
  return fixture.app.reply(responseId);
};
const posts = (channel: string) => fixture.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === channel);
const ANN_DM = `D${PEOPLE.ann.id}`;
const RAJ_DM = `D${PEOPLE.raj.id}`;

let rajCheckin = 0;
let rajPromptTs = '';
let liveTs = '';

/** Raj answers through the window his Answer button opens, every question filled in. */
async function rajAnswers(): Promise<void> {
  await pressButton(fixture.app, fixture.slack, {
    userId: PEOPLE.raj.id,
    actionId: IDS.prompt.answer,
    value: String(rajCheckin),
    id: 'raj-answer',
  });
  const [open] = await fixture.slack.waitFor('views.open', { where: (c) => c.args.trigger_id === 'trigger-raj-answer' });
  const view = open!.args.view;
  const values: Record<string, Record<string, unknown>> = {};
  for (const block of view.blocks.filter((b: any) => b.type === 'input' && b.block_id.startsWith(IDS.answer.blockPrefix))) {
    const el = block.element;
    const value =
      el.type === 'plain_text_input'
        ? { type: el.type, value: block.label.text.includes('commit') ? '' : 'Multi-threading into the CFO early' }
        : el.type === 'number_input'
          ? { type: el.type, value: '7' }
          : { type: el.type, selected_option: { value: el.options[Math.min(3, el.options.length - 1)].value } };
    values[block.block_id] = { [el.action_id]: value };
  }
  const ok = await fixture.app.interaction(
    viewSubmission(fixture.app, PEOPLE.raj.id, { callback_id: IDS.answer.callbackId, private_metadata: view.private_metadata, values }),
  );
  expect(ok.status).toBe(200);
  expect(await ok.text()).toBe('');
}

async function submitText(userId: string, trigger: string, text: string): Promise<Response> {
  const [open] = await fixture.slack.waitFor('views.open', { where: (c) => c.args.trigger_id === `trigger-${trigger}` });
  const view = open!.args.view;
  return fixture.app.interaction(
    viewSubmission(fixture.app, userId, {
      callback_id: view.callback_id,
      private_metadata: view.private_metadata,
      values: { [IDS.conversation.textBlock]: { [IDS.conversation.textInput]: { type: 'plain_text_input', value: text } } },
    }),
  );
}

describe('Conversations that come back down', () => {
  test('When the round opens, then Ann gets one live message with Raj’s prompt; when Raj answers, the message shows that he did, with the headline, before the round closes', async () => {
    await at('2026-11-23T04:30:00Z');
    const [prompt] = posts(RAJ_DM);
    rajCheckin = Number(JSON.stringify(prompt!.args.blocks).match(/"value":"(\d+)"/)![1]);
    rajPromptTs = (await fixture.db.db.selectFrom('checkin').select('message_ts').where('id', '=', rajCheckin).executeTakeFirstOrThrow())
      .message_ts!;
    const live = posts(ANN_DM);
    expect(live).toHaveLength(1);
    expect(live[0]!.args.text).toContain('Your round: Manager ↔ each rep, weekly (23 Nov) — 0 of 2 answered so far');
    liveTs = (await fixture.db.db.selectFrom('round').select('live_ts').where('leader_id', '=', PEOPLE.ann.id).executeTakeFirstOrThrow())
      .live_ts!;

    await rajAnswers();
    await at('2026-11-23T04:31:00Z');
    const edits = fixture.slack.callsTo('chat.update').filter((c) => c.args.channel === ANN_DM && c.args.ts === liveTs);
    expect(edits).toHaveLength(1);
    expect(edits[0]!.args.text).toContain('1 of 2 answered so far');
    // Who answered, and the headline: the answers in full are read once, in the brief's thread (or the agenda).
    expect(JSON.stringify(edits[0]!.args.blocks)).toContain('*Raj Patel* — answered · confidence');
    expect(JSON.stringify(edits[0]!.args.blocks)).not.toContain('Multi-threading into the CFO early');
    const round = await fixture.db.db.selectFrom('round').select('status').where('leader_id', '=', PEOPLE.ann.id).executeTakeFirstOrThrow();
    expect(round.status).toBe('open');
    // Still one message for the round, however many answers come: quiet by default.
    expect(posts(ANN_DM)).toHaveLength(1);
  });

  test('When Ann replies with the button and with /cascade reply, and says Got it, then Raj gets each in the thread of his prompt, once', async () => {
    const live = fixture.slack
      .callsTo('chat.update')
      .filter((c) => c.args.ts === liveTs)
      .at(-1)!;
    const buttons = JSON.stringify(live.args.blocks);
    expect(buttons).toContain(`"value":"r${rajCheckin}"`);

    await pressButton(fixture.app, fixture.slack, {
      userId: PEOPLE.ann.id,
      actionId: IDS.conversation.reply,
      value: `r${rajCheckin}`,
      id: 'ann-reply',
    });
    const sent = await submitText(PEOPLE.ann.id, 'ann-reply', 'Great thinking on the CFO — bring the org chart to our 1:1');
    expect(await sent.text()).toBe('');
    expect((await say(PEOPLE.ann.id, `reply <@${PEOPLE.raj.id}> "And thank you for the Acme notes"`)).text).toContain(
      `Sent to <@${PEOPLE.raj.id}>, in the thread of their check-in of 23 Nov`,
    );
    await pressButton(fixture.app, fixture.slack, {
      userId: PEOPLE.ann.id,
      actionId: IDS.conversation.ack,
      value: `r${rajCheckin}`,
      id: 'ann-ack',
    });
    await pressButton(fixture.app, fixture.slack, {
      userId: PEOPLE.ann.id,
      actionId: IDS.conversation.ack,
      value: `r${rajCheckin}`,
      id: 'ann-ack-2',
    });
    await at('2026-11-23T04:32:00Z');
    await at('2026-11-23T04:33:00Z');

    // Queued in the same minute, they go out together (the dispatcher sends several at once), each once.
    const thread = posts(RAJ_DM).filter((c) => c.args.thread_ts === rajPromptTs);
    expect(thread.map((c) => c.args.text).sort()).toEqual([
      'Ann Lee read your check-in.',
      'Ann Lee replied: And thank you for the Acme notes',
      'Ann Lee replied: Great thinking on the CFO — bring the org chart to our 1:1',
    ]);
    const latest = fixture.slack
      .callsTo('chat.update')
      .filter((c) => c.args.ts === liveTs)
      .at(-1)!;
    expect(JSON.stringify(latest.args.blocks)).toContain(':speech_balloon: You replied');
    expect(JSON.stringify(latest.args.blocks)).not.toContain(`"action_id":"${IDS.conversation.ack}"`);
  });

  test('When Raj answers a reply from its thread, then Ann gets it in the thread of her live message, and a second answer is refused', async () => {
    const replyMessage = posts(RAJ_DM).find((c) => c.args.thread_ts === rajPromptTs && String(c.args.text).includes('Great thinking'))!;
    const value = JSON.stringify(replyMessage.args.blocks).match(/"value":"(a\d+)"/)![1]!;
    await pressButton(fixture.app, fixture.slack, {
      userId: PEOPLE.raj.id,
      actionId: IDS.conversation.answerReply,
      value,
      id: 'raj-answer-reply',
    });
    expect(await (await submitText(PEOPLE.raj.id, 'raj-answer-reply', 'Will do — I have a draft already')).text()).toBe('');
    await at('2026-11-23T04:34:00Z');
    const back = posts(ANN_DM).filter((c) => c.args.thread_ts === liveTs);
    expect(back.map((c) => c.args.text)).toEqual(['Raj Patel answered your reply: Will do — I have a draft already']);
    // The reply in Raj's thread now shows his answer, and its Answer button is gone.
    const replyTs = (
      await fixture.db.db
        .selectFrom('delivery')
        .select('ts')
        .where('kind', '=', 'reply')
        .where('payload', '@>', JSON.stringify({ replyId: Number(value.slice(1)) }) as never)
        .executeTakeFirstOrThrow()
    ).ts;
    const edited = fixture.slack.callsTo('chat.update').filter((c) => c.args.channel === RAJ_DM && c.args.ts === replyTs);
    expect(edited).toHaveLength(1);
    expect(JSON.stringify(edited[0]!.args.blocks)).toContain('You answered:');
    expect(JSON.stringify(edited[0]!.args.blocks)).toContain('Will do — I have a draft already');
    expect(JSON.stringify(edited[0]!.args.blocks)).not.toContain(IDS.conversation.answerReply);

    // Mia cannot answer Raj's reply; Raj cannot answer it twice.
    await pressButton(fixture.app, fixture.slack, {
      userId: PEOPLE.mia.id,
      actionId: IDS.conversation.answerReply,
      value,
      id: 'mia-answer-reply',
    });
    const [miaRefused] = await fixture.slack.waitFor('response_url', { where: (c) => c.args.id === 'mia-answer-reply' });
    expect(miaRefused!.args.text).toBe('That reply was not written to you, or no longer exists.');
    // Answer again: it says so, instead of opening a window for an answer that cannot be kept.
    await pressButton(fixture.app, fixture.slack, {
      userId: PEOPLE.raj.id,
      actionId: IDS.conversation.answerReply,
      value,
      id: 'raj-answer-reply-2',
    });
    const [said] = await fixture.slack.waitFor('response_url', { where: (c) => c.args.id === 'raj-answer-reply-2' });
    expect(said!.args.text).toContain('You have already answered this reply');
    expect(fixture.slack.callsTo('views.open').filter((c) => c.args.trigger_id === 'trigger-raj-answer-reply-2')).toEqual([]);
  });

  test('When both add a topic and Ann marks the 1:1 held, then Raj sees the topics and the shared note but never the private note or his flag; Pat sees everything; peers see nothing', async () => {
    await fixture.db.db
      .insertInto('flag')
      .values({ team_id: fixture.app.teamId, person_id: PEOPLE.raj.id, rule: 'confidence_falling', detail: 'confidence fell from 4 to 2' })
      .execute();
    expect((await say(PEOPLE.raj.id, 'agenda add "Territory split for Q1"')).text).toContain('Territory split for Q1');
    expect((await say(PEOPLE.ann.id, `agenda add <@${PEOPLE.raj.id}> "Pricing approvals"`)).text).toContain('Pricing approvals');
    expect((await say(PEOPLE.mia.id, `agenda add <@${PEOPLE.raj.id}> "Gossip"`)).text).toContain('is not below you');
    expect(
      (
        await say(
          PEOPLE.ann.id,
          `held <@${PEOPLE.raj.id}> "Try the CFO intro on Acme" private "Watch his confidence; talk to Pat about territory"`,
        )
      ).text,
    ).toContain('Marked held');
    expect((await say(PEOPLE.raj.id, `held <@${PEOPLE.raj.id}> "self"`)).text).toContain('Only <@UMGR0001>');

    const rajView = JSON.stringify(await say(PEOPLE.raj.id, 'agenda'));
    expect(rajView).toContain('Territory split for Q1');
    expect(rajView).toContain('Pricing approvals');
    expect(rajView).toContain('Try the CFO intro on Acme');
    expect(rajView).toContain('Great thinking on the CFO');
    expect(rajView).not.toContain('Watch his confidence');
    expect(rajView).not.toContain('confidence fell');

    const annView = JSON.stringify(await say(PEOPLE.ann.id, `agenda <@${PEOPLE.raj.id}>`));
    expect(annView).toContain('Watch his confidence');
    expect(annView).toContain('confidence fell from 4 to 2');
    expect(JSON.stringify(await say(PEOPLE.president.id, `agenda <@${PEOPLE.raj.id}>`))).toContain('Watch his confidence');

    for (const peer of [PEOPLE.mia.id, PEOPLE.bob.id, PEOPLE.leo.id]) {
      const text = JSON.stringify(await say(peer, `agenda <@${PEOPLE.raj.id}>`));
      expect(text).toContain('is not below you');
      expect(text).not.toContain('Try the CFO');
      expect((await say(peer, `reply <@${PEOPLE.raj.id}> "hi"`)).text).toContain('is not below you');
    }
    // The replies and notes are kept with the check-in and shown in /cascade team @person, to the member and the chain above.
    const annTeam = JSON.stringify(await say(PEOPLE.ann.id, `team <@${PEOPLE.raj.id}>`));
    expect(annTeam).toContain('Great thinking on the CFO');
    expect(annTeam).toContain('Watch his confidence');
    const rajTeam = JSON.stringify(await say(PEOPLE.raj.id, `team <@${PEOPLE.raj.id}>`));
    expect(rajTeam).toContain('Try the CFO intro on Acme');
    expect(rajTeam).not.toContain('Watch his confidence');
    expect(JSON.stringify(await say(PEOPLE.mia.id, `team <@${PEOPLE.raj.id}>`))).not.toContain('Great thinking');
    const held = await fixture.db.db
      .selectFrom('checkin')
      .select(['held_at', 'held_by', 'shared_note', 'private_note'])
      .where('id', '=', rajCheckin)
      .executeTakeFirstOrThrow();
    expect(held).toMatchObject({ held_by: PEOPLE.ann.id, shared_note: 'Try the CFO intro on Acme' });
    expect(held.held_at).toEqual(now.current);
  });

  test('When Ann marks the 1:1 held with a shared note, then Raj gets it in the thread of that check-in; held again adds to the note and says so, and the same note is never sent twice', async () => {
    await at('2026-11-23T04:40:00Z');
    const notes = () => posts(RAJ_DM).filter((c) => c.args.thread_ts === rajPromptTs && String(c.args.text).includes('marked your 1:1'));
    expect(notes().map((c) => c.args.text)).toEqual(['Ann Lee marked your 1:1 of 23 Nov held: Try the CFO intro on Acme']);

    const again = (
      await say(PEOPLE.ann.id, `held <@${PEOPLE.raj.id}> "Send me the Globex plan by Friday" private "He took the territory news well"`)
    ).text!;
    expect(again).toContain('added to the note already there');
    expect(again).toContain('Try the CFO intro on Acme\n\nSend me the Globex plan by Friday');
    expect(again).toContain('Watch his confidence; talk to Pat about territory\n\nHe took the territory news well');
    const kept = await fixture.db.db
      .selectFrom('checkin')
      .select(['shared_note', 'private_note', 'held_at'])
      .where('id', '=', rajCheckin)
      .executeTakeFirstOrThrow();
    expect(kept.shared_note).toBe('Try the CFO intro on Acme\n\nSend me the Globex plan by Friday');
    expect(kept.private_note).toBe('Watch his confidence; talk to Pat about territory\n\nHe took the territory news well');
    // The same note once more changes nothing and sends nothing.
    expect((await say(PEOPLE.ann.id, `held <@${PEOPLE.raj.id}> "Send me the Globex plan by Friday"`)).text).not.toContain('added to');
    await at('2026-11-23T04:41:00Z');
    expect(notes()).toHaveLength(2);
    expect(notes()[1]!.args.text).toContain('Try the CFO intro on Acme');
    expect(notes()[1]!.args.text).toContain('Send me the Globex plan by Friday');
    expect(JSON.stringify(notes())).not.toContain('territory news');
  });

  test('When the next 1:1 comes, then a topic not ticked off is still on its agenda, until one of them presses Done; a topic can be added from the agenda window itself', async () => {
    await at('2026-11-30T04:30:00Z');
    const next = JSON.stringify(await say(PEOPLE.raj.id, 'agenda'));
    expect(next).toContain('30 Nov');
    expect(next).toContain('Territory split for Q1');
    expect(next).toContain('from 23 Nov');
    const reply = await say(PEOPLE.raj.id, 'agenda');
    const done = JSON.stringify(reply.blocks)
      .match(/"value":"(t\d+)"/g)!
      .map((v) => v.slice(9, -1));
    expect(done).toHaveLength(2);
    // Mia is not one of the two: refused. Raj ticks the first off, from the message.
    await pressButton(fixture.app, fixture.slack, {
      userId: PEOPLE.mia.id,
      actionId: IDS.conversation.topicDone,
      value: done[0]!,
      id: 'mia-done',
    });
    expect((await fixture.slack.waitFor('response_url', { where: (c) => c.args.id === 'mia-done' }))[0]!.args.text).toContain(
      'not on a 1:1 of yours',
    );
    await pressButton(fixture.app, fixture.slack, {
      userId: PEOPLE.raj.id,
      actionId: IDS.conversation.topicDone,
      value: done[0]!,
      id: 'raj-done',
    });
    const [redrawn] = await fixture.slack.waitFor('response_url', { where: (c) => c.args.id === 'raj-done' });
    expect(redrawn!.args.replace_original).toBe(true);
    expect(JSON.stringify(redrawn!.args.blocks)).not.toContain('Territory split for Q1');
    expect(JSON.stringify(redrawn!.args.blocks)).toContain('Pricing approvals');
    expect(JSON.stringify(await say(PEOPLE.ann.id, `agenda <@${PEOPLE.raj.id}>`))).not.toContain('Territory split for Q1');

    // Ann opens the agenda from her live message and adds a topic in the window; the window shows it.
    const round = await fixture.db.db
      .selectFrom('checkin')
      .select('id')
      .where('person_id', '=', PEOPLE.raj.id)
      .orderBy('due_at', 'desc')
      .executeTakeFirstOrThrow();
    await pressButton(fixture.app, fixture.slack, {
      userId: PEOPLE.ann.id,
      actionId: IDS.conversation.agenda,
      value: `r${round.id}`,
      id: 'ann-agenda',
    });
    const [open] = await fixture.slack.waitFor('views.open', { where: (c) => c.args.trigger_id === 'trigger-ann-agenda' });
    const view = open!.args.view;
    expect(view.callback_id).toBe(IDS.conversation.agendaView);
    expect(JSON.stringify(view.blocks)).toContain('Pricing approvals');
    const empty = await fixture.app.interaction(
      viewSubmission(fixture.app, PEOPLE.ann.id, {
        callback_id: view.callback_id,
        private_metadata: view.private_metadata,
        values: { [IDS.conversation.topicBlock]: { [IDS.conversation.textInput]: { type: 'plain_text_input', value: '  ' } } },
      }),
    );
    expect(JSON.parse(await empty.text())).toMatchObject({ response_action: 'errors' });
    const added = await fixture.app.interaction(
      viewSubmission(fixture.app, PEOPLE.ann.id, {
        callback_id: view.callback_id,
        private_metadata: view.private_metadata,
        values: {
          [IDS.conversation.topicBlock]: { [IDS.conversation.textInput]: { type: 'plain_text_input', value: 'Globex next steps' } },
        },
      }),
    );
    const body = JSON.parse(await added.text());
    expect(body.response_action).toBe('update');
    expect(JSON.stringify(body.view.blocks)).toContain('Globex next steps');
    expect(JSON.stringify(await say(PEOPLE.raj.id, 'agenda'))).toContain('Globex next steps');
  });

  test('When a 1:1 is marked held, then the digest counts it per level against the period before, and the brief above rolls it up', async () => {
    const d = await buildDigest(fixture.db.db, {
      teamId: fixture.app.teamId,
      scope: 'org',
      current: { start: '2026-11-23', end: '2026-11-29' },
      previous: { start: '2026-11-16', end: '2026-11-22' },
    });
    expect(d.levels.find((l) => l.label === 'Manager ↔ reps')).toMatchObject({ conversations: { now: 1, before: 0 } });
    expect(JSON.stringify(digestMessage(d))).toContain('1 (+1) 1:1s held');
    // Pat's brief hears it one level down: Ann's round, with its 1:1 held.
    const below = await heardBelow(fixture.db.db, fixture.app.teamId, PEOPLE.president.id, 1, '2026-11-16', '2026-11-29');
    expect(below).toEqual([expect.objectContaining({ label: 'Manager ↔ reps', held: 1, heldBefore: 0 })]);
  });
});
