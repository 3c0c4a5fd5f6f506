import type {
  AllMiddlewareArgs,
  BlockButtonAction,
  SlackActionMiddlewareArgs,
  SlackViewMiddlewareArgs,
  ViewSubmitAction,
} from '@slack/bolt';
import { scopeFor } from '../../deps';
import { slackText } from '../../blocks/text';
import { answerableCheckin } from '../../../checkins/answers';
import type { CheckinContext } from '../../../checkins/context';
import { SKIP_REASONS, skipCheckin, snoozeCheckin, type SkipReason } from '../../../checkins/moves';
import { execNumbersFor } from '../../../digests/exec';
import { readId, UserError } from '../../../errors';
import { promptMessage, skipModal } from '../../blocks/prompt';
import type { SlackDeps } from '../../deps';
import { IDS } from '../../ids';
import { failureReply } from '../reply';

type ButtonArgs = AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockButtonAction>;
type ViewArgs = AllMiddlewareArgs & SlackViewMiddlewareArgs<ViewSubmitAction>;

/** The prompt is edited in place: one message per check-in, whatever happens to it. */
async function editPrompt(deps: SlackDeps, client: ButtonArgs['client'], ctx: CheckinContext): Promise<void> {
  if (!ctx.channelId || !ctx.messageTs || ctx.mode !== 'individual') return;
  const message = promptMessage(ctx, await execNumbersFor(deps.db, ctx));
  await client.chat.update({ channel: ctx.channelId, ts: ctx.messageTs, text: message.text, blocks: message.blocks ?? [] });
}

/** Snooze until tomorrow: the prompt says when the nudge comes, and the reminder moves there. */
export const snoozeCheckInAction =
  (deps: SlackDeps) =>
  async ({ ack, action, body, client, respond }: ButtonArgs) => {
    await ack();
    try {
      const ctx = await snoozeCheckin(await scopeFor(deps, body.team?.id ?? '', body.user.id), readId(action.value, 'check-in'));
      await editPrompt(deps, client, ctx);
    } catch (err) {
      const reply = failureReply(err, deps.log, { action: 'snooze', user: body.user.id });
      await respond({ response_type: 'ephemeral', replace_original: false, text: reply.text });
    }
  };

/** Skip opens a small window asking why. */
export const skipCheckInAction =
  (deps: SlackDeps) =>
  async ({ ack, action, body, client, respond }: ButtonArgs) => {
    await ack();
    try {
      const ctx = await answerableCheckin(await scopeFor(deps, body.team?.id ?? '', body.user.id), readId(action.value, 'check-in'));
      await client.views.open({ trigger_id: body.trigger_id, view: skipModal(ctx) });
    } catch (err) {
      const reply = failureReply(err, deps.log, { action: 'skip', user: body.user.id });
      await respond({ response_type: 'ephemeral', replace_original: false, text: reply.text });
    }
  };

export const submitSkipView =
  (deps: SlackDeps) =>
  async ({ ack, view, body, client }: ViewArgs) => {
    const ids = IDS.skip;
    const values = view.state.values as Record<string, Record<string, any>>;
    const reason = values[ids.reasonBlock]?.[ids.reasonInput]?.selected_option?.value as string | undefined;
    if (!reason || !(reason in SKIP_REASONS)) {
      await ack({ response_action: 'errors', errors: { [ids.reasonBlock]: 'Pick a reason.' } });
      return;
    }
    let checkinId: number;
    try {
      checkinId = readId((JSON.parse(view.private_metadata) as { checkinId: number } | null)?.checkinId, 'check-in');
    } catch {
      await ack({ response_action: 'errors', errors: { [ids.reasonBlock]: 'This window is out of date: close it and press Skip again.' } });
      return;
    }
    const note = values[ids.noteBlock]?.[ids.noteInput]?.value as string | undefined;
    try {
      const ctx = await skipCheckin(await scopeFor(deps, body.team?.id ?? view.team_id, body.user.id), {
        checkinId,
        reason: reason as SkipReason,
        note: note ?? undefined,
      });
      await ack();
      if (reason === 'not_my_leader')
        deps.log.info({ checkin: ctx.id, person: ctx.personId, leader: ctx.leaderId }, 'a member says this is no longer their leader');
      await editPrompt(deps, client, ctx);
    } catch (err) {
      if (err instanceof UserError) {
        await ack({ response_action: 'errors', errors: { [ids.reasonBlock]: slackText(err.message) } });
        return;
      }
      throw err;
    }
  };
