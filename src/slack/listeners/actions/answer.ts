import { slackText } from '../../blocks/text';
import { answerableCheckin, answersOf, questionsByIds, questionsToAsk, submitAnswers, validateAnswers } from '../../../checkins/answers';
import { readId, UserError } from '../../../errors';
import { teamCheckinOf } from '../../../checkins/moves';
import { commitmentsStillOpen, commitmentsToReview } from '../../../accountability/commitments';
import { execNumbersFor } from '../../../digests/exec';
import {
  answerModal,
  readAnswerState,
  readDueState,
  readReviewState,
  readSharedState,
  type AnswerModalMetadata,
} from '../../blocks/answer-modal';
import { promptMessage } from '../../blocks/prompt';
import type { SlackDeps } from '../../deps';
import { IDS } from '../../ids';
import { publishHome } from '../../home';
import { button, metadataOf, scopeOfView, type ViewArgs } from './kit';

/** Answer (or Edit answers) on a prompt: opens the round's questions, last answers filled in. */
export const answerCheckInAction = button('answer', async (deps, scope, { action, body, client }) => {
  const ctx = await answerableCheckin(scope, await checkinOfButton(deps, action.value, body.user.id));
  const questions = await questionsToAsk(deps.db, ctx);
  const previous = await answersOf(deps.db, ctx.id);
  const reviews = await commitmentsToReview(deps.db, ctx);
  const open = await commitmentsStillOpen(
    deps.db,
    ctx,
    reviews.map((m) => m.id),
  );
  await client.views.open({ trigger_id: body.trigger_id, view: answerModal(ctx, questions, previous, reviews, open) });
});

/** Stores a valid submission; invalid answers come back inline and nothing is stored. */
export const submitCheckInView = (deps: SlackDeps) => async (args: ViewArgs) => {
  const { ack, view, client } = args;
  const metadata = metadataOf<AnswerModalMetadata>(view);
  try {
    if (!metadata) throw new Error('no metadata');
    readId(metadata.checkinId, 'check-in');
    if (!Array.isArray(metadata.questionIds) || metadata.questionIds.some((id) => readId(id, 'question') !== id))
      throw new Error('bad question ids');
    if (
      metadata.commitmentIds !== undefined &&
      (!Array.isArray(metadata.commitmentIds) || metadata.commitmentIds.some((id) => readId(id, 'commitment') !== id))
    )
      throw new Error('bad commitment ids');
  } catch {
    await ack({ response_action: 'errors', errors: {} });
    return;
  }
  const all = await questionsByIds(deps.db, metadata.questionIds);
  const state = view.state.values as Record<string, Record<string, any>>;
  const raw = readAnswerState(state, metadata.questionIds);
  const errors = validateAnswers(all, raw);
  if (Object.keys(errors).length > 0) {
    await ack({
      response_action: 'errors',
      errors: Object.fromEntries(Object.entries(errors).map(([id, message]) => [`${IDS.answer.blockPrefix}${id}`, message])),
    });
    return;
  }
  try {
    const ctx = await submitAnswers(await scopeOfView(deps, args), {
      checkinId: metadata.checkinId,
      questions: all,
      raw,
      shared: readSharedState(state),
      reviews: readReviewState(state, metadata.commitmentIds ?? []),
      due: readDueState(state),
    });
    await ack();
    if (ctx.mode === 'individual' && ctx.channelId && ctx.messageTs) {
      const message = promptMessage(ctx, await execNumbersFor(deps.db, ctx));
      await client.chat.update({ channel: ctx.channelId, ts: ctx.messageTs, text: message.text, blocks: message.blocks ?? [] });
    }
    // Commitments, reviews and progress may have changed what App Home shows.
    await publishHome(deps, client, ctx.teamId, [ctx.personId]);
  } catch (err) {
    if (err instanceof UserError) {
      // A refused date belongs to the date picker; anything else to the first question.
      const due = err.field === 'due' ? IDS.answer.dueBlock : null;
      const first = metadata.questionIds[0];
      const block = due ?? (first ? `${IDS.answer.blockPrefix}${first}` : null);
      await ack({ response_action: 'errors', errors: block ? { [block]: slackText(err.message) } : {} });
      return;
    }
    throw err;
  }
};

/** A DM prompt's buttons carry the check-in; a team round's channel button carries `round:<id>`. */
async function checkinOfButton(deps: SlackDeps, value: string | undefined, userId: string): Promise<number> {
  const round = /^round:(\d+)$/.exec(value ?? '');
  if (round) return teamCheckinOf(deps.db, readId(round[1], 'round'), userId);
  return readId(value, 'check-in');
}
