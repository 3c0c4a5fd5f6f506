import type { types } from '@slack/bolt';
import { FACTOR_WORDS, ORG_FACTORS_QUESTION } from '../../accountability/flags';
import type { FlagView } from '../../accountability/flags';
import type { Standing } from '../../accountability/goals';
import { IDS, LIMITS } from '../ids';
import { section, truncate } from './text';

/** The windows App Home's buttons open: a commitment with its due date, progress on a goal, closing a flag. */

const plain = (text: string) => ({ type: 'plain_text' as const, text });
const option = (value: string, text: string) => ({ text: plain(truncate(text, 75)), value });
const ids = IDS.home;

function modal(callbackId: string, title: string, submit: string, blocks: types.KnownBlock[]): types.ModalView {
  return {
    type: 'modal',
    callback_id: callbackId,
    title: plain(truncate(title, LIMITS.modalTitle)),
    submit: plain(submit),
    close: plain('Cancel'),
    blocks,
  };
}

export function commitModal(nextCheckin: string): types.ModalView {
  return modal(ids.commitView, 'Add a commitment', 'Commit', [
    {
      type: 'input',
      block_id: ids.textBlock,
      label: plain('I commit to'),
      element: {
        type: 'plain_text_input',
        action_id: ids.textInput,
        max_length: 500,
        placeholder: plain('Call every open opportunity by Friday'),
      },
    },
    {
      type: 'input',
      block_id: ids.dueBlock,
      optional: true,
      label: plain('By'),
      hint: plain(`Left empty: your next check-in (${nextCheckin}).`),
      element: { type: 'datepicker', action_id: ids.dueInput },
    },
  ]);
}

export function progressModal(goals: readonly Standing[]): types.ModalView {
  const own = goals.filter((g) => g.goal.scope === 'person').slice(0, 100);
  return modal(ids.progressView, 'Report progress', 'Report', [
    section('Where the goal stands this period, to date (the latest value of a period counts).'),
    {
      type: 'input',
      block_id: ids.pickBlock,
      label: plain('Goal'),
      element: {
        type: 'static_select',
        action_id: ids.pickInput,
        options: own.map((g) => option(g.goal.name, `${g.goal.name} (${g.goal.unit}, this ${g.goal.period})`)),
        ...(own.length === 1
          ? { initial_option: option(own[0]!.goal.name, `${own[0]!.goal.name} (${own[0]!.goal.unit}, this ${own[0]!.goal.period})`) }
          : {}),
      },
    },
    {
      type: 'input',
      block_id: ids.amountBlock,
      label: plain('Value so far'),
      element: { type: 'number_input', action_id: ids.amountInput, is_decimal_allowed: true, min_value: '0' },
    },
  ]);
}

export function flagCloseModal(flags: readonly FlagView[], picked?: number): types.ModalView {
  const options = flags.slice(0, 100).map((f) => option(String(f.id), `${f.personName}: ${f.detail}`));
  const initial = options.find((o) => o.value === String(picked));
  return modal(ids.flagView, 'Close a flag', 'Close it', [
    {
      type: 'input',
      block_id: ids.pickBlock,
      label: plain('Flag'),
      element: { type: 'static_select', action_id: ids.pickInput, options, ...(initial ? { initial_option: initial } : {}) },
    },
    {
      type: 'input',
      block_id: ids.factorBlock,
      label: plain('What explains it best?'),
      hint: plain('Before looking at the person: the monthly analytics group flags by this.'),
      element: {
        type: 'static_select',
        action_id: ids.factorInput,
        options: Object.entries(FACTOR_WORDS).map(([value, words]) => option(value, words)),
      },
    },
    {
      type: 'input',
      block_id: ids.textBlock,
      label: plain(truncate(ORG_FACTORS_QUESTION, 2000)),
      element: { type: 'plain_text_input', action_id: ids.textInput, multiline: true, min_length: 10, max_length: 2000 },
    },
  ]);
}

/** What a Home button says when there is nothing for it to do. */
export function noticeModal(text: string): types.ModalView {
  return { type: 'modal', title: plain('Cascade'), close: plain('Close'), blocks: [section(text)] };
}
