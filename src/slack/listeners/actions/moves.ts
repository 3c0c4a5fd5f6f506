import { answerableCheckin } from '../../../checkins/answers';
import type { CheckinContext } from '../../../checkins/context';
import { SKIP_REASONS, skipCheckin, snoozeCheckin, type SkipReason } from '../../../checkins/moves';
import { execNumbersFor } from '../../../digests/exec';
import { readId, UserError } from '../../../errors';
import { promptMessage, skipModal } from '../../blocks/prompt';
import { slackText } from '../../blocks/text';
import type { SlackDeps } from '../../deps';
import { IDS } from '../../ids';
import { button, metadataOf, outOfDate, scopeOfView, type ButtonArgs, type ViewArgs } from './kit';

/** The prompt is edited in place: one message per check-in, whatever happens to it. */
async function editPrompt(deps: SlackDeps, client: ButtonArgs['client'], ctx: CheckinContext): Promise<void> {
  if (!ctx.channelId || !ctx.messageTs || ctx.mode !== 'individual') return;
  const message = promptMessage(ctx, await execNumbersFor(deps.db, ctx));
  await client.chat.update({ channel: ctx.channelId, ts: ctx.messageTs, text: message.text, blocks: message.blocks ?? [] });
}

/** Snooze until tomorrow: the prompt says when the nudge comes, and the reminder moves there. */
export const snoozeCheckInAction = button('snooze', async (deps, scope, { action, client }) => {
  await editPrompt(deps, client, await snoozeCheckin(scope, readId(action.value, 'check-in')));
});

/** Skip opens a small window asking why. */
export const skipCheckInAction = button('skip', async (_deps, scope, { action, body, client }) => {
  const ctx = await answerableCheckin(scope, readId(action.value, 'check-in'));
  await client.views.open({ trigger_id: body.trigger_id, view: skipModal(ctx) });
});

export const submitSkipView = (deps: SlackDeps) => async (args: ViewArgs) => {
  const { ack, view, client } = args;
  const ids = IDS.skip;
  const values = view.state.values as Record<string, Record<string, any>>;
  const reason = values[ids.reasonBlock]?.[ids.reasonInput]?.selected_option?.value as string | undefined;
  if (!reason || !(reason in SKIP_REASONS)) {
    await ack({ response_action: 'errors', errors: { [ids.reasonBlock]: 'Pick a reason.' } });
    return;
  }
  let checkinId: number;
  try {
    checkinId = readId(metadataOf<{ checkinId?: unknown }>(view)?.checkinId, 'check-in');
  } catch {
    return outOfDate(ack, ids.reasonBlock, 'press Skip again');
  }
  const note = values[ids.noteBlock]?.[ids.noteInput]?.value as string | undefined;
  try {
    const ctx = await skipCheckin(await scopeOfView(deps, args), {
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
