import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { slackText } from '../../blocks/text';
import { UserError } from '../../../errors';
import { requireAdmin } from '../../../org/policy';
import { scopeFor, teamOfRequest } from '../../deps';
import { describeImport, importOrgChart, parseOrgCsv } from '../../../org/import';
import { orgImportModal, orgImportProgressView, orgImportResultView } from '../../blocks/org-import';
import type { SlackDeps } from '../../deps';
import { slackDirectory } from '../../directory';
import { IDS } from '../../ids';

type Args = AllMiddlewareArgs & SlackViewMiddlewareArgs<ViewSubmitAction>;
const ids = IDS.orgImport;

/**
 * The pasted CSV is checked in two steps: its shape at once (errors shown inline on the field), then
 * against Slack and the whole chart, while the modal says it is working; the result replaces the modal, and
 * a refusal brings the window back with the problems above the text as it was pasted.
 */
export const submitOrgImportView = (deps: SlackDeps) => async (args: Args) => {
  const { ack, view, body, client } = args;
  const teamId = teamOfRequest(args);
  const userId = body.user.id;
  const values = view.state.values;
  const csv = values[ids.csvBlock]?.[ids.csvInput]?.value ?? '';
  const dryRun = (values[ids.optionsBlock]?.[ids.dryRunInput]?.selected_options ?? []).some((o) => o.value === ids.dryRunValue);

  try {
    await requireAdmin(await scopeFor(deps, teamId, userId), 'import the org chart');
  } catch (err) {
    if (err instanceof UserError) return ack({ response_action: 'errors', errors: { [ids.csvBlock]: slackText(err.message) } });
    throw err;
  }
  const structural = parseOrgCsv(csv);
  if (structural.errors.length > 0) {
    const shown = structural.errors.slice(0, 6).map((e) => (e.line > 0 ? `Line ${e.line}: ${e.message}` : e.message));
    if (structural.errors.length > shown.length) shown.push(`…and ${structural.errors.length - shown.length} more.`);
    return ack({ response_action: 'errors', errors: { [ids.csvBlock]: shown.join('\n').slice(0, 1900) } });
  }

  await ack({ response_action: 'update', view: orgImportProgressView() });
  let report: string;
  let status: 'applied' | 'dry_run' | 'rejected';
  try {
    const outcome = await importOrgChart({ db: deps.db, directory: slackDirectory(client), now: deps.clock.now() }, teamId, csv, {
      dryRun,
    });
    report = describeImport(outcome);
    status = !outcome.ok ? 'rejected' : outcome.applied ? 'applied' : 'dry_run';
    if (outcome.ok && outcome.applied) deps.log.info({ teamId, by: userId, added: outcome.plan.added.length }, 'org chart imported');
  } catch (err) {
    deps.log.error({ err, teamId }, 'org import failed');
    report = 'Something went wrong on our side while importing; nothing was changed. It has been logged: please try again.';
    status = 'rejected';
  }
  // Refused: back to the window, the problems above and the text as pasted, to fix a line rather than start over.
  await client.views.update({
    view_id: view.id,
    view: status === 'rejected' ? orgImportModal({ csv, problems: report }) : orgImportResultView(report, status),
  });
};
