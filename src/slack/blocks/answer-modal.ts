import type { types } from '@slack/bolt';
import type { CheckinContext } from '../../checkins/context';
import type { Answer, Commitment, Question } from '../../db/types';
import { IDS } from '../ids';
import { context, dayLabel, truncate } from './text';

const ids = IDS.answer;
const plain = (text: string) => ({ type: 'plain_text' as const, text });
const option = (value: string, label = value) => ({ text: plain(label), value });

export interface AnswerModalMetadata {
  readonly checkinId: number;
  readonly questionIds: number[];
  /** The open commitments reviewed first, in the order shown. */
  readonly commitmentIds?: number[];
}

const REVIEW_OPTIONS = [
  { value: 'done', label: 'Done' },
  { value: 'partly', label: 'Partly' },
  { value: 'not_yet', label: 'Not yet: carry it on' },
] as const;

/** "Last time you committed to …: done, partly, not yet?", each with an optional note, before any question. */
function reviewBlocks(commitments: readonly Commitment[]): types.KnownBlock[] {
  return commitments.flatMap((m): types.KnownBlock[] => [
    {
      type: 'input',
      block_id: `${ids.reviewPrefix}${m.id}`,
      optional: true,
      label: plain(truncate(`Last time you committed to: “${m.text}”. How did it go?`, 2000)),
      element: { type: 'radio_buttons', action_id: ids.reviewInput, options: REVIEW_OPTIONS.map((o) => option(o.value, o.label)) },
    },
    {
      type: 'input',
      block_id: `${ids.reviewNotePrefix}${m.id}`,
      optional: true,
      label: plain('A note on it'),
      element: { type: 'plain_text_input', action_id: ids.reviewInput, max_length: 500 },
    },
  ]);
}

/** Each reviewed commitment's outcome and note, from a submitted view's state. */
export function readReviewState(
  state: Record<string, Record<string, any>>,
  commitmentIds: readonly number[],
): { id: number; outcome: 'done' | 'partly' | 'not_yet' | null; note: string | null }[] {
  return commitmentIds.map((id) => {
    const outcome = state[`${ids.reviewPrefix}${id}`]?.[ids.reviewInput]?.selected_option?.value ?? null;
    const note = state[`${ids.reviewNotePrefix}${id}`]?.[ids.reviewInput]?.value ?? null;
    return { id, outcome: REVIEW_OPTIONS.some((o) => o.value === outcome) ? outcome : null, note: note?.trim() || null };
  });
}

function element(q: Question, previous: string | undefined): types.InputBlock['element'] {
  switch (q.kind) {
    case 'long_text':
      return {
        type: 'plain_text_input',
        action_id: ids.input,
        multiline: true,
        max_length: 3000,
        ...(previous ? { initial_value: previous } : {}),
      };
    case 'number':
      return { type: 'number_input', action_id: ids.input, is_decimal_allowed: true, ...(previous ? { initial_value: previous } : {}) };
    case 'rating_1_5': {
      const options = ['1', '2', '3', '4', '5'].map((v) => option(v));
      const initial = options.find((o) => o.value === previous);
      return { type: 'radio_buttons', action_id: ids.input, options, ...(initial ? { initial_option: initial } : {}) };
    }
    case 'yes_no': {
      const options = [option('yes', 'Yes'), option('no', 'No')];
      const initial = options.find((o) => o.value === previous);
      return { type: 'radio_buttons', action_id: ids.input, options, ...(initial ? { initial_option: initial } : {}) };
    }
    case 'choice': {
      const options = (q.choices ?? []).map((c) => option(c));
      const initial = options.find((o) => o.value === previous);
      return { type: 'static_select', action_id: ids.input, options, ...(initial ? { initial_option: initial } : {}) };
    }
    default:
      return { type: 'plain_text_input', action_id: ids.input, max_length: 3000, ...(previous ? { initial_value: previous } : {}) };
  }
}

/**
 * Before the commitment question: what is still open with this leader (it carries on by itself, so a new
 * commitment is for something new), and after it an optional date to be held to.
 */
function commitmentBlocks(q: Question, stillOpen: readonly Commitment[]): types.KnownBlock[] {
  if (q.kind !== 'commitment') return [];
  return stillOpen.length
    ? [
        context(
          truncate(
            `Still open: ${stillOpen.map((m) => `“${m.text}” (due ${dayLabel(m.due_date)})`).join(', ')}. It carries on by itself: write a commitment below only for something new.`,
            2900,
          ),
        ),
      ]
    : [];
}

function dueBlock(q: Question, due: string | null): types.InputBlock[] {
  if (q.kind !== 'commitment') return [];
  return [
    {
      type: 'input',
      block_id: ids.dueBlock,
      optional: true,
      label: plain('By when?'),
      hint: plain('Without a date, it is due at your next check-in.'),
      element: { type: 'datepicker', action_id: ids.dueInput, ...(due ? { initial_date: due } : {}) },
    },
  ];
}

/** The date picked for the new commitment, if any. */
export function readDueState(state: Record<string, Record<string, any>>): string | null {
  const v = state[ids.dueBlock]?.[ids.dueInput]?.selected_date;
  return typeof v === 'string' && v ? v : null;
}

/** The round's questions as a modal, prefilled with earlier answers when someone edits. */
export function answerModal(
  ctx: CheckinContext,
  questions: readonly Question[],
  previous: readonly Answer[],
  reviews: readonly Commitment[] = [],
  commitments: { stillOpen: readonly Commitment[]; due: string | null } = { stillOpen: [], due: null },
): types.ModalView {
  const before = new Map(
    previous.map((a) => [a.question_id, a.value_text ?? (a.value_number === null ? undefined : String(a.value_number))]),
  );
  const metadata: AnswerModalMetadata = {
    checkinId: ctx.id,
    questionIds: questions.map((q) => q.id),
    ...(reviews.length ? { commitmentIds: reviews.map((m) => m.id) } : {}),
  };
  return {
    type: 'modal',
    callback_id: ids.callbackId,
    private_metadata: JSON.stringify(metadata),
    title: plain(truncate(ctx.part === 'leader' ? 'Your reflection' : 'Your check-in', 24)),
    submit: plain('Send'),
    close: plain('Later'),
    blocks: [
      context(ctx.part === 'leader' ? 'A few questions for you alone.' : `For your conversation with ${ctx.leaderName}.`),
      ...reviewBlocks(reviews),
      ...questions.flatMap((q): types.KnownBlock[] => [
        ...commitmentBlocks(q, commitments.stillOpen),
        {
          type: 'input',
          block_id: `${ids.blockPrefix}${q.id}`,
          optional: !q.required,
          label: plain(truncate(q.text, 2000)),
          element: element(q, before.get(q.id) ?? undefined),
        },
        ...dueBlock(q, commitments.due),
      ]),
      ...shareBlock(ctx, questions, previous),
    ],
  };
}

/**
 * Which written answers the author shares (methodology highlights); the rest stay in the chain. A member shares
 * with their team; the top of the chain shares their reflection with the organisation ("from the top", in the
 * exec digest and on the Home of the people right below them). Other leaders' reflections stay theirs.
 */
function shareBlock(ctx: CheckinContext, questions: readonly Question[], previous: readonly Answer[]): types.InputBlock[] {
  if (ctx.part === 'leader' && !ctx.atTop) return [];
  const shareable = questions.filter((q) => SHAREABLE.has(q.kind));
  if (shareable.length === 0) return [];
  const options = shareable.map((q) => ({ text: plain(truncate(q.text, 75)), value: String(q.id) }));
  const initial = options.filter((o) => previous.some((a) => a.shared && String(a.question_id) === o.value));
  const [label, hint] =
    ctx.part === 'leader'
      ? [
          'Share with the organisation',
          'Ticked answers appear as “from the top” in the exec digest and on the Home of the people right below you, with your name. The rest stay yours.',
        ]
      : [
          ctx.mode === 'team' ? 'Share with the team (posted in the round’s thread)' : 'Share with the team',
          'Ticked answers can appear in the team’s thread and digests as highlights, with your name. The rest stay private to you and the people above you.',
        ];
  return [
    {
      type: 'input',
      block_id: ids.shareBlock,
      optional: true,
      label: plain(label),
      hint: plain(hint),
      element: { type: 'checkboxes', action_id: ids.shareInput, options, ...(initial.length ? { initial_options: initial } : {}) },
    },
  ];
}

const SHAREABLE = new Set(['text', 'long_text']);

/** The question ids whose answers the author ticked to share. */
export function readSharedState(state: Record<string, Record<string, any>>): number[] {
  const selected = state[ids.shareBlock]?.[ids.shareInput]?.selected_options as { value: string }[] | undefined;
  return (selected ?? []).map((o) => Number(o.value)).filter((n) => Number.isInteger(n));
}

/** Reads each question's value out of a submitted view's state. */
export function readAnswerState(state: Record<string, Record<string, any>>, questionIds: readonly number[]): Record<number, string | null> {
  const out: Record<number, string | null> = {};
  for (const id of questionIds) {
    const v = state[`${ids.blockPrefix}${id}`]?.[ids.input];
    out[id] = v?.value ?? v?.selected_option?.value ?? null;
  }
  return out;
}
