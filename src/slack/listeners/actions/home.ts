import { makeCommitment, markDone, nextCheckinDate } from '../../../accountability/commitments';
import { commitmentDoneReply } from '../../blocks/accountability';
import { closeFlag, flagsBelow } from '../../../accountability/flags';
import { goalsOf, reportProgress } from '../../../accountability/goals';
import { getPerson } from '../../../org/people';
import type { Scope } from '../../../org/policy';
import { readId, UserError } from '../../../errors';
import { submissionKey } from '../guard';
import { commitModal, flagCloseModal, noticeModal, progressModal } from '../../blocks/home-actions';
import { dayLabel } from '../../blocks/text';
import { scopeFor, teamOfRequest, type SlackDeps } from '../../deps';
import { publishHome } from '../../home';
import { IDS } from '../../ids';
import { failureReply } from '../reply';
import { button, refuseOnField, scopeOfView, type ButtonArgs, type Values, type ViewArgs } from './kit';

const ids = IDS.home;

/**
 * A Home button opens its window; a refusal (nothing to close, no goals) opens a small window saying so, as
 * App Home has no conversation to answer in.
 */
const opens =
  (deps: SlackDeps, what: string, build: (args: ButtonArgs) => Promise<Parameters<ButtonArgs['client']['views']['open']>[0]['view']>) =>
  async (args: ButtonArgs) => {
    const { ack, body, client } = args;
    await ack();
    let view: Parameters<ButtonArgs['client']['views']['open']>[0]['view'];
    try {
      view = await build(args);
    } catch (err) {
      view = noticeModal(failureReply(err, deps.log, { action: what, user: body.user.id }).text);
    }
    await client.views.open({ trigger_id: body.trigger_id, view });
  };

export const homeCommitAction = (deps: SlackDeps) =>
  opens(deps, 'home_commit', async (args) => {
    const { body } = args;
    const scope = await scopeFor(deps, teamOfRequest(args), body.user.id);
    const me = await getPerson(deps.db, scope.teamId, body.user.id);
    if (!me?.active) throw new UserError('You are not in the org chart yet, so there is no one to make a commitment to.', 'not_found');
    return commitModal(dayLabel(await nextCheckinDate(deps.db, scope.teamId, me, scope.now)));
  });

export const homeProgressAction = (deps: SlackDeps) =>
  opens(deps, 'home_progress', async (args) => {
    const { body } = args;
    const scope = await scopeFor(deps, teamOfRequest(args), body.user.id);
    const goals = (await goalsOf(scope, body.user.id)).filter((g) => g.goal.scope === 'person' && !g.goal.source);
    if (goals.length === 0)
      throw new UserError(
        'You have no goals of your own to report on: your leader or an admin sets them (goals from the CRM fill themselves).',
        'not_found',
      );
    return progressModal(goals);
  });

/** Close a flag: from App Home (any of them), or from one flag's Close button in `/cascade flags` (that one, picked). */
export const homeFlagAction = (deps: SlackDeps) =>
  opens(deps, 'home_flag_close', async (args) => {
    const { body, action } = args;
    const flags = await flagsBelow(await scopeFor(deps, teamOfRequest(args), body.user.id));
    if (flags.length === 0) throw new UserError('No flag is open about anyone below you.', 'not_found');
    const picked = /^f(\d+)$/.exec(action.value ?? '');
    return flagCloseModal(flags, picked ? Number(picked[1]) : undefined);
  });

/** Done, beside one open commitment in `/cascade commitments`: closed, and said so where it was pressed. */
export const commitmentDoneAction = button('commitment_done', async (deps, scope, { action, body, client, respond }) => {
  const m = await markDone(scope, readId(action.value?.replace(/^c/, ''), 'commitment'));
  await respond({ response_type: 'ephemeral', replace_original: false, text: commitmentDoneReply(m).text });
  await publishHome(deps, client, scope.teamId, [body.user.id, m.owner_id]);
});

/** The window's answer goes through the domain; a refusal comes back on the field, and Home is published again. */
async function submitted(
  deps: SlackDeps,
  args: ViewArgs,
  field: string,
  run: (values: Values, scope: Scope) => Promise<unknown>,
): Promise<void> {
  try {
    const scope = await scopeOfView(deps, args);
    await run((args.view.state?.values ?? {}) as Values, scope);
    await args.ack();
    await publishHome(deps, args.client, scope.teamId, [args.body.user.id]);
  } catch (err) {
    const on =
      err instanceof UserError ? ({ due: ids.dueBlock, factor: ids.factorBlock } as Record<string, string>)[err.field ?? ''] : undefined;
    await refuseOnField(deps, args, on ?? field, err, 'home');
  }
}

export const submitHomeCommit = (deps: SlackDeps) => async (args: ViewArgs) =>
  submitted(deps, args, ids.textBlock, async (values, scope) => {
    const text = values[ids.textBlock]?.[ids.textInput]?.value ?? '';
    const by = values[ids.dueBlock]?.[ids.dueInput]?.selected_date ?? undefined;
    await makeCommitment(scope, { text, ...(by ? { by } : {}), ...(submissionKey(args.view) ? { once: submissionKey(args.view)! } : {}) });
  });

export const submitHomeProgress = (deps: SlackDeps) => async (args: ViewArgs) =>
  submitted(deps, args, ids.amountBlock, async (values, scope) => {
    const name = values[ids.pickBlock]?.[ids.pickInput]?.selected_option?.value ?? '';
    const value = values[ids.amountBlock]?.[ids.amountInput]?.value ?? '';
    await reportProgress(scope.db, { teamId: scope.teamId, personId: scope.actor.id, name, value, now: scope.now });
  });

export const submitHomeFlag = (deps: SlackDeps) => async (args: ViewArgs) =>
  submitted(deps, args, ids.textBlock, async (values, scope) => {
    const id = readId(values[ids.pickBlock]?.[ids.pickInput]?.selected_option?.value, 'flag');
    const factor = values[ids.factorBlock]?.[ids.factorInput]?.selected_option?.value ?? null;
    await closeFlag(scope, { id, orgFactors: values[ids.textBlock]?.[ids.textInput]?.value ?? '', factor });
  });
