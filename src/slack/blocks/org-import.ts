import type { types } from '@slack/bolt';
import { IDS, LIMITS } from '../ids';
import { sections, section, context, typed } from './text';

const ids = IDS.orgImport;

const CSV_EXAMPLE = [
  'email,name,role,manager,admin',
  'ceo@example.com,Casey Chen,ceo,,yes',
  'pres@example.com,Pat Rivera,president,ceo@example.com,',
  'ann@example.com,Ann Lee,manager,pres@example.com,',
  'raj@example.com,Raj Patel,rep,ann@example.com,',
].join('\n');

/**
 * The import window: it starts from today's chart (when it fits the window), so that a change is an edit of the
 * chart, not a retyping of it; a refused import comes back to it with the problems above and the text as pasted.
 */
export function orgImportModal(options: { csv?: string; problems?: string } = {}): types.ModalView {
  const csv = options.csv ?? '';
  const fits = csv.length > 0 && csv.length <= LIMITS.plainTextInput;
  const intro = fits
    ? 'This is your org chart today, one person a line: change, add or remove lines. People missing from it are taken out of the chart (their history is kept). Nothing changes unless every line is valid.'
    : csv.length > 0
      ? `Your chart is larger than this window holds (${LIMITS.plainTextInput.toLocaleString('en-US')} characters): paste the whole of it, or use \`cascade org import file.csv\`. People missing from it are taken out of the chart. Nothing changes unless every line is valid.`
      : 'Paste the whole org chart as CSV. People missing from it are taken out of the chart (their history is kept). Nothing changes unless every line is valid.';
  return {
    type: 'modal',
    callback_id: ids.callbackId,
    title: { type: 'plain_text', text: 'Import org chart' },
    submit: { type: 'plain_text', text: 'Import' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      ...(options.problems ? [section(`:warning: *Nothing was changed.*\n${typed(options.problems).slice(0, 2900)}`)] : []),
      section(intro),
      {
        type: 'input',
        block_id: ids.csvBlock,
        label: { type: 'plain_text', text: 'CSV' },
        hint: {
          type: 'plain_text',
          text: `Columns: slack_user_id or email, name, role (their title, as you call it: CRO, RVP West, SDR…), manager (Slack ID or email), admin (yes/no). Up to ${LIMITS.plainTextInput.toLocaleString('en-US')} characters here; larger orgs: cascade org import file.csv.`,
        },
        element: {
          type: 'plain_text_input',
          action_id: ids.csvInput,
          multiline: true,
          max_length: LIMITS.plainTextInput,
          ...(fits
            ? { initial_value: csv }
            : { placeholder: { type: 'plain_text', text: CSV_EXAMPLE.split('\n').slice(0, 3).join(' ⏎ ') } }),
        },
      },
      {
        type: 'input',
        block_id: ids.optionsBlock,
        optional: true,
        label: { type: 'plain_text', text: 'Options' },
        element: {
          type: 'checkboxes',
          action_id: ids.dryRunInput,
          options: [{ text: { type: 'plain_text', text: 'Dry run: show what would change, change nothing' }, value: ids.dryRunValue }],
        },
      },
    ],
  };
}

export function orgImportProgressView(): types.ModalView {
  return {
    type: 'modal',
    callback_id: ids.callbackId,
    title: { type: 'plain_text', text: 'Import org chart' },
    close: { type: 'plain_text', text: 'Close' },
    blocks: [section(':hourglass_flowing_sand: Checking every line with Slack…')],
  };
}

export function orgImportResultView(report: string, status: 'applied' | 'dry_run' | 'rejected'): types.ModalView {
  const ok = status !== 'rejected';
  const title = { applied: 'Org chart imported', dry_run: 'Dry run', rejected: 'Import rejected' }[status];
  return {
    type: 'modal',
    callback_id: ids.callbackId,
    title: { type: 'plain_text', text: title },
    close: { type: 'plain_text', text: 'Close' },
    blocks: [
      // The report quotes names and titles as written in the file: shown as typed, never as markup.
      ...sections(typed(report), LIMITS.blocksPerView - 1),
      context(ok ? '`/cascade org show` to look around.' : 'Fix the lines above and run `/cascade org import` again.'),
    ],
  };
}
