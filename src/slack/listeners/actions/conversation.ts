import { acknowledge, answerableReply, answerReply, replyTarget, replyTo } from '../../../checkins/replies';
import { addAgendaTopic, agendaOfCheckin, memberOfCheckin, markHeld, tickOffTopic } from '../../../checkins/one-on-one';
import { readId } from '../../../errors';
import { agendaModal, agendaReply, answerReplyModal, heldReply, heldResultModal, replyModal } from '../../blocks/conversation';
import type { SlackDeps } from '../../deps';
import type { Scope } from '../../../org/policy';
import { IDS } from '../../ids';
import { submissionKey } from '../guard';
import { publishHome } from '../../home';
import { button, metadataOf, outOfDate, refuseOnField, scopeOfView, type Values, type ViewArgs } from './kit';

/** Buttons on the live message carry `r<check-in>`, the reply in a member's thread `a<reply>`, an agenda topic `t<topic>`. */
const idOf = (value: string | undefined, prefix: 'r' | 'a' | 't', what: string) =>
  readId(value?.startsWith(prefix) ? value.slice(1) : '', what);

/** A person's id in a window's metadata, as Cascade wrote it. */
const PERSON = /^[UW][A-Z0-9]+$/;

/** Reply, on the leader's live message: a small window for the reply, once the domain says whom it would reach. */
export const replyAction = button('reply', async (_deps, scope, { action, body, client }) => {
  const checkinId = idOf(action.value, 'r', 'check-in');
  const target = await replyTarget(scope, checkinId);
  await client.views.open({ trigger_id: body.trigger_id, view: replyModal(checkinId, target.memberName) });
});

/** Got it: the member sees that their leader read the check-in; the live message loses the button. */
export const ackAction = button('ack', async (deps, scope, { action, body, client, respond }) => {
  const checkinId = idOf(action.value, 'r', 'check-in');
  const { created } = await acknowledge(scope, checkinId);
  if (!created && body.container?.type === 'message')
    await respond({ response_type: 'ephemeral', replace_original: false, text: 'You already told them you read it.' });
  await publishHome(deps, client, scope.teamId, [body.user.id, ...(await memberOf(scope, checkinId))]);
});

/** Agenda, on the live message: the 1:1 agenda for that member, in a window. */
export const agendaAction = button('agenda', async (_deps, scope, { action, body, client }) => {
  const agenda = await agendaOfCheckin(scope, idOf(action.value, 'r', 'check-in'));
  await client.views.open({ trigger_id: body.trigger_id, view: agendaModal(agenda) });
});

/**
 * Done, on a topic of the agenda (window or message): ticked off, it no longer carries over; the agenda is drawn
 * again where it was pressed.
 */
export const topicDoneAction = button('topic_done', async (_deps, scope, { action, body, client, respond }) => {
  const agenda = await tickOffTopic(scope, idOf(action.value, 't', 'topic'));
  if (body.view?.id)
    await client.views.update({ view_id: body.view.id, ...(body.view.hash ? { hash: body.view.hash } : {}), view: agendaModal(agenda) });
  else await respond({ replace_original: true, ...agendaReply(agenda) });
});

/** Add topic, in the agenda window: kept, and the window shows the agenda with it (or why not, on the field). */
export const submitAgendaView = (deps: SlackDeps) => async (args: ViewArgs) => {
  const field = IDS.conversation.topicBlock;
  const text = (args.view.state?.values as Values | undefined)?.[field]?.[IDS.conversation.textInput]?.value ?? '';
  const p = metadataOf<{ personId?: unknown }>(args.view)?.personId;
  if (p === undefined || (p !== null && (typeof p !== 'string' || !PERSON.test(p)))) return outOfDate(args.ack, field);
  try {
    const agenda = await addAgendaTopic(await scopeOfView(deps, args), { ...(p ? { personId: p } : {}), text });
    await args.ack({ response_action: 'update', view: agendaModal(agenda) });
  } catch (err) {
    await refuseOnField(deps, args, field, err, 'agenda');
  }
};

/** Answer, on a reply in the member's thread: a window for their one answer (or a word that it was answered). */
export const answerReplyAction = button('answer_reply', async (_deps, scope, { action, body, client }) => {
  const replyId = idOf(action.value, 'a', 'reply');
  const { authorName } = await answerableReply(scope, replyId);
  await client.views.open({ trigger_id: body.trigger_id, view: answerReplyModal(replyId, authorName) });
});

function textOf(view: ViewArgs['view']): string {
  return (view.state.values as Values)[IDS.conversation.textBlock]?.[IDS.conversation.textInput]?.value ?? '';
}

/** The window's text goes through the domain; a refusal comes back on the text field, nothing is kept. */
async function submitText(
  deps: SlackDeps,
  args: ViewArgs,
  run: (metadata: Record<string, unknown>, text: string) => Promise<unknown>,
): Promise<boolean> {
  const field = IDS.conversation.textBlock;
  const metadata = metadataOf<Record<string, unknown>>(args.view);
  if (!metadata) {
    await outOfDate(args.ack, field);
    return false;
  }
  try {
    await run(metadata, textOf(args.view));
    await args.ack();
    return true;
  } catch (err) {
    await refuseOnField(deps, args, field, err, 'reply');
    return false;
  }
}

/** The member whose check-in it is: their App Home shows what came back to them. */
async function memberOf(scope: Scope, checkinId: number): Promise<string[]> {
  const member = await memberOfCheckin(scope, checkinId);
  return member ? [member] : [];
}

export const submitReplyView = (deps: SlackDeps) => async (args: ViewArgs) => {
  let checkinId = 0;
  let scope: Scope | undefined;
  const kept = await submitText(deps, args, async (metadata, text) => {
    checkinId = readId(metadata.checkinId, 'check-in');
    scope = await scopeOfView(deps, args);
    return replyTo(scope, { checkinId, text, once: submissionKey(args.view) });
  });
  if (kept && scope) await publishHome(deps, args.client, scope.teamId, [args.body.user.id, ...(await memberOf(scope, checkinId))]);
};

export const submitAnswerReplyView = (deps: SlackDeps) => async (args: ViewArgs) => {
  await submitText(deps, args, async (metadata, text) =>
    answerReply(await scopeOfView(deps, args), {
      replyId: readId(metadata.replyId, 'reply'),
      text,
      once: submissionKey(args.view),
    }),
  );
};

/** The held window: both notes in their own fields; the window then shows them as kept. */
export const submitHeldView = (deps: SlackDeps) => async (args: ViewArgs) => {
  const field = IDS.conversation.sharedBlock;
  const values = (args.view.state?.values ?? {}) as Values;
  const note = (block: string) => values[block]?.[IDS.conversation.textInput]?.value?.trim() || undefined;
  const sharedNote = note(IDS.conversation.sharedBlock);
  const privateNote = note(IDS.conversation.privateBlock);
  const personId = metadataOf<{ personId?: unknown }>(args.view)?.personId;
  if (typeof personId !== 'string' || !PERSON.test(personId)) return outOfDate(args.ack, field, 'type the command again');
  try {
    const held = await markHeld(await scopeOfView(deps, args), {
      personId,
      replace: true,
      ...(sharedNote ? { sharedNote } : {}),
      ...(privateNote ? { privateNote } : {}),
    });
    await args.ack({ response_action: 'update', view: heldResultModal(heldReply(held)) });
  } catch (err) {
    await refuseOnField(deps, args, field, err, 'held');
  }
};
