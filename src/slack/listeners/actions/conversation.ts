import type {
  AllMiddlewareArgs,
  BlockButtonAction,
  SlackActionMiddlewareArgs,
  SlackViewMiddlewareArgs,
  ViewSubmitAction,
} from '@slack/bolt';
import { acknowledge, answerableReply, answerReply, replyTarget, replyTo } from '../../../checkins/replies';
import { addAgendaTopic, agendaOfCheckin, memberOfCheckin, markHeld, tickOffTopic } from '../../../checkins/one-on-one';
import { AlreadyTaken, readId, UserError } from '../../../errors';
import { agendaModal, agendaReply, answerReplyModal, heldReply, heldResultModal, replyModal } from '../../blocks/conversation';
import { slackText, truncate } from '../../blocks/text';
import { scopeFor, type SlackDeps } from '../../deps';
import type { Scope } from '../../../org/policy';
import { IDS } from '../../ids';
import { failureReply, ourFailure } from '../reply';
import { submissionKey } from '../guard';
import { publishHome } from '../../home';

type ButtonArgs = AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockButtonAction>;
type ViewArgs = AllMiddlewareArgs & SlackViewMiddlewareArgs<ViewSubmitAction>;

/** Buttons on the live message carry `r<check-in>`, the reply in a member's thread `a<reply>`, an agenda topic `t<topic>`. */
const idOf = (value: string | undefined, prefix: 'r' | 'a' | 't', what: string) =>
  readId(value?.startsWith(prefix) ? value.slice(1) : '', what);

async function refuse(deps: SlackDeps, err: unknown, respond: ButtonArgs['respond'], context: Record<string, unknown>): Promise<void> {
  const reply = failureReply(err, deps.log, context);
  await respond({ response_type: 'ephemeral', replace_original: false, text: reply.text });
}

/** Reply, on the leader's live message: a small window for the reply, once the domain says whom it would reach. */
export const replyAction =
  (deps: SlackDeps) =>
  async ({ ack, action, body, client, respond }: ButtonArgs) => {
    await ack();
    try {
      const checkinId = idOf(action.value, 'r', 'check-in');
      const target = await replyTarget(await scopeFor(deps, body.team?.id ?? '', body.user.id), checkinId);
      await client.views.open({ trigger_id: body.trigger_id, view: replyModal(checkinId, target.memberName) });
    } catch (err) {
      await refuse(deps, err, respond, { action: 'reply', user: body.user.id });
    }
  };

/** Got it: the member sees that their leader read the check-in; the live message loses the button. */
export const ackAction =
  (deps: SlackDeps) =>
  async ({ ack, action, body, client, respond }: ButtonArgs) => {
    await ack();
    try {
      const scope = await scopeFor(deps, body.team?.id ?? '', body.user.id);
      const checkinId = idOf(action.value, 'r', 'check-in');
      const { created } = await acknowledge(scope, checkinId);
      if (!created && body.container?.type === 'message')
        await respond({ response_type: 'ephemeral', replace_original: false, text: 'You already told them you read it.' });
      await publishHome(deps, client, scope.teamId, [body.user.id, ...(await memberOf(scope, checkinId))]);
    } catch (err) {
      await refuse(deps, err, respond, { action: 'ack', user: body.user.id });
    }
  };

/** Agenda, on the live message: the 1:1 agenda for that member, in a window. */
export const agendaAction =
  (deps: SlackDeps) =>
  async ({ ack, action, body, client, respond }: ButtonArgs) => {
    await ack();
    try {
      const scope = await scopeFor(deps, body.team?.id ?? '', body.user.id);
      const checkinId = idOf(action.value, 'r', 'check-in');
      await client.views.open({ trigger_id: body.trigger_id, view: agendaModal(await agendaOfCheckin(scope, checkinId)) });
    } catch (err) {
      await refuse(deps, err, respond, { action: 'agenda', user: body.user.id });
    }
  };

/**
 * Done, on a topic of the agenda (window or message): ticked off, it no longer carries over; the agenda is drawn
 * again where it was pressed.
 */
export const topicDoneAction =
  (deps: SlackDeps) =>
  async ({ ack, action, body, client, respond }: ButtonArgs) => {
    await ack();
    try {
      const scope = await scopeFor(deps, body.team?.id ?? '', body.user.id);
      const agenda = await tickOffTopic(scope, idOf(action.value, 't', 'topic'));
      if (body.view?.id)
        await client.views.update({
          view_id: body.view.id,
          ...(body.view.hash ? { hash: body.view.hash } : {}),
          view: agendaModal(agenda),
        });
      else await respond({ replace_original: true, ...agendaReply(agenda) });
    } catch (err) {
      await refuse(deps, err, respond, { action: 'topic_done', user: body.user.id });
    }
  };

/** Add topic, in the agenda window: kept, and the window shows the agenda with it (or why not, on the field). */
export const submitAgendaView =
  (deps: SlackDeps) =>
  async ({ ack, view, body }: ViewArgs) => {
    const field = IDS.conversation.topicBlock;
    const values = (view.state?.values ?? {}) as Record<string, Record<string, { value?: string | null }>>;
    const text = values[field]?.[IDS.conversation.textInput]?.value ?? '';
    let personId: string | undefined;
    try {
      const p = (JSON.parse(view.private_metadata) as { personId?: unknown }).personId;
      if (p !== null && (typeof p !== 'string' || !/^[UW][A-Z0-9]+$/.test(p))) throw new Error('no person');
      personId = p ?? undefined;
    } catch {
      await ack({ response_action: 'errors', errors: { [field]: 'This window is out of date: close it and press the button again.' } });
      return;
    }
    try {
      const scope = await scopeFor(deps, body.team?.id ?? view.team_id, body.user.id);
      const agenda = await addAgendaTopic(scope, { ...(personId ? { personId } : {}), text });
      await ack({ response_action: 'update', view: agendaModal(agenda) });
    } catch (err) {
      const message =
        err instanceof UserError
          ? truncate(slackText(err.message), 150)
          : ourFailure(err, deps.log, { window: 'agenda', user: body.user.id });
      await ack({ response_action: 'errors', errors: { [field]: message } });
    }
  };

/** Answer, on a reply in the member's thread: a window for their one answer (or a word that it was answered). */
export const answerReplyAction =
  (deps: SlackDeps) =>
  async ({ ack, action, body, client, respond }: ButtonArgs) => {
    await ack();
    try {
      const replyId = idOf(action.value, 'a', 'reply');
      const { authorName } = await answerableReply(await scopeFor(deps, body.team?.id ?? '', body.user.id), replyId);
      await client.views.open({ trigger_id: body.trigger_id, view: answerReplyModal(replyId, authorName) });
    } catch (err) {
      await refuse(deps, err, respond, { action: 'answer_reply', user: body.user.id });
    }
  };

function textOf(view: ViewArgs['view']): string {
  const values = view.state.values as Record<string, Record<string, { value?: string | null }>>;
  return values[IDS.conversation.textBlock]?.[IDS.conversation.textInput]?.value ?? '';
}

/** The window's text goes through the domain; a refusal comes back on the text field, nothing is kept. */
async function submitText(
  deps: SlackDeps,
  args: ViewArgs,
  run: (metadata: Record<string, unknown>, text: string) => Promise<unknown>,
): Promise<boolean> {
  const { ack, view } = args;
  const field = IDS.conversation.textBlock;
  let metadata: Record<string, unknown>;
  try {
    metadata = JSON.parse(view.private_metadata) as Record<string, unknown>;
  } catch {
    await ack({ response_action: 'errors', errors: { [field]: 'This window is out of date: close it and press the button again.' } });
    return false;
  }
  try {
    await run(metadata, textOf(view));
    await ack();
    return true;
  } catch (err) {
    // The same window submitted again (a double click, a replay): the first was kept; close it as that one did.
    if (err instanceof AlreadyTaken) {
      await ack();
      return false;
    }
    if (err instanceof UserError) {
      await ack({ response_action: 'errors', errors: { [field]: truncate(slackText(err.message), 150) } });
      return false;
    }
    await ack({ response_action: 'errors', errors: { [field]: ourFailure(err, deps.log, { window: 'reply', user: args.body.user.id }) } });
    return false;
  }
}

/** The member whose check-in it is: their App Home shows what came back to them. */
async function memberOf(scope: Scope, checkinId: number): Promise<string[]> {
  const member = await memberOfCheckin(scope, checkinId);
  return member ? [member] : [];
}

export const submitReplyView = (deps: SlackDeps) => async (args: ViewArgs) => {
  const teamId = args.body.team?.id ?? args.view.team_id;
  let checkinId = 0;
  let scope: Scope | undefined;
  const kept = await submitText(deps, args, async (metadata, text) => {
    checkinId = readId(metadata.checkinId, 'check-in');
    scope = await scopeFor(deps, teamId, args.body.user.id);
    return replyTo(scope, { checkinId, text, once: submissionKey(args.view) });
  });
  if (kept && scope) await publishHome(deps, args.client, teamId, [args.body.user.id, ...(await memberOf(scope, checkinId))]);
};

export const submitAnswerReplyView = (deps: SlackDeps) => async (args: ViewArgs) => {
  await submitText(deps, args, async (metadata, text) =>
    answerReply(await scopeFor(deps, args.body.team?.id ?? args.view.team_id, args.body.user.id), {
      replyId: readId(metadata.replyId, 'reply'),
      text,
      once: submissionKey(args.view),
    }),
  );
};

/** The held window: both notes in their own fields; the window then shows them as kept. */
export const submitHeldView =
  (deps: SlackDeps) =>
  async ({ ack, view, body }: ViewArgs) => {
    const values = (view.state?.values ?? {}) as Record<string, Record<string, { value?: string | null }>>;
    const note = (block: string) => values[block]?.[IDS.conversation.textInput]?.value?.trim() || undefined;
    const sharedNote = note(IDS.conversation.sharedBlock);
    const privateNote = note(IDS.conversation.privateBlock);
    let personId: string;
    try {
      personId = String((JSON.parse(view.private_metadata) as { personId?: unknown }).personId ?? '');
      if (!/^[UW][A-Z0-9]+$/.test(personId)) throw new Error('no person');
    } catch {
      await ack({
        response_action: 'errors',
        errors: { [IDS.conversation.sharedBlock]: 'This window is out of date: close it and type the command again.' },
      });
      return;
    }
    try {
      const scope = await scopeFor(deps, body.team?.id ?? view.team_id, body.user.id);
      const held = await markHeld(scope, {
        personId,
        replace: true,
        ...(sharedNote ? { sharedNote } : {}),
        ...(privateNote ? { privateNote } : {}),
      });
      await ack({ response_action: 'update', view: heldResultModal(heldReply(held)) });
    } catch (err) {
      const text =
        err instanceof UserError
          ? truncate(slackText(err.message), 150)
          : ourFailure(err, deps.log, { window: 'held', user: body.user.id });
      await ack({ response_action: 'errors', errors: { [IDS.conversation.sharedBlock]: text } });
    }
  };
