import type { types } from '@slack/bolt';
import type { CheckinContext } from '../../checkins/context';
import { SKIP_REASONS } from '../../checkins/moves';
import type { ExecNumbers } from '../../digests/exec';
import { change } from './digest';
import { IDS } from '../ids';
import { localWhen } from '../../time/calendar';
import { context, section, typed, type Block, type Reply } from './text';

const withWhom = (c: CheckinContext) =>
  c.part === 'leader' ? 'your own reflection for this month' : `your check-in with ${typed(c.leaderName)}`;

/**
 * The one message of a check-in; its text and buttons follow the check-in's status, edited in place. Given
 * `now`, an answered check-in whose window has closed says so, without its "Edit answers" button.
 */
export function promptMessage(c: CheckinContext, exec: ExecNumbers | null = null, now?: Date): Reply {
  const closed = now !== undefined && c.closesAt <= now;
  const closes = localWhen(c.closesAt, c.personTz);
  const value = String(c.id);
  const head: Record<CheckinContext['status'], string> = {
    scheduled: `It's time for ${withWhom(c)}. Answer by ${closes}.`,
    sent: `It's time for ${withWhom(c)}. Answer by ${closes}.`,
    answered: closed
      ? `Thank you: your answers for ${withWhom(c)} are in.`
      : `Thank you: your answers for ${withWhom(c)} are in. You can change them until ${closes}.`,
    missed: `${capital(withWhom(c))} closed on ${closes} without an answer.`,
    skipped: `${capital(withWhom(c))} was skipped${c.skipReason ? ` (${typed(c.skipReason)})` : ''}.`,
  };
  const snoozed = c.status === 'sent' && c.snoozedUntil !== null && c.snoozedUntil < c.closesAt;
  const text = snoozed
    ? `Snoozed: I'll nudge you ${localWhen(c.snoozedUntil!, c.personTz)} about ${withWhom(c)}. Answer by ${closes}.`
    : head[c.status];
  const blocks: Block[] = [section(`*${c.cadenceName}*\n${text}`)];
  // A one-by-one check-in prepares a 1:1: its agenda is one press away for the member too.
  const agenda =
    c.mode === 'individual' && c.part === 'member'
      ? [
          {
            type: 'button' as const,
            action_id: IDS.conversation.agenda,
            text: { type: 'plain_text' as const, text: '1:1 agenda' },
            value: `r${c.id}`,
          },
        ]
      : [];
  if (c.status === 'scheduled' || c.status === 'sent') {
    blocks.push({
      type: 'actions',
      block_id: 'checkin_actions',
      elements: [
        { type: 'button', action_id: IDS.prompt.answer, text: { type: 'plain_text', text: 'Answer' }, style: 'primary', value },
        ...(snoozed
          ? []
          : [
              {
                type: 'button' as const,
                action_id: IDS.prompt.snooze,
                text: { type: 'plain_text' as const, text: 'Snooze until tomorrow' },
                value,
              },
            ]),
        { type: 'button', action_id: IDS.prompt.skip, text: { type: 'plain_text', text: 'Skip' }, value },
        ...agenda,
      ],
    });
  } else if (c.status === 'answered' && !closed) {
    blocks.push({
      type: 'actions',
      block_id: 'checkin_actions',
      elements: [{ type: 'button', action_id: IDS.prompt.answer, text: { type: 'plain_text', text: 'Edit answers' }, value }, ...agenda],
    });
  }
  if (exec) blocks.push(...execBlocks(exec));
  blocks.push(
    context(
      'A few constructive questions about your own experience and process. Only you and the people above you in the chain see your answers.',
    ),
  );
  return { text, blocks };
}

/** The exec numbers the CEO ↔ President conversation holds in hand: cascade health, attainment, flags by team. */
function execBlocks(e: ExecNumbers): Block[] {
  const d = e.digest;
  const health =
    d.levels.map((l) => `• ${typed(l.label)}: ${change(l.answered)} of ${change(l.due)} answered`).join('\n') ||
    '• No conversations last month.';
  const goals = d.goals
    .slice(0, 6)
    .map(
      (g) =>
        `• ${typed(g.leader)}'s team: ${Math.round(g.attainment * 100)}% of goal, ${g.paceGap >= 0 ? `ahead by ${g.paceGap}` : `behind by ${-g.paceGap}`} pts`,
    );
  const flags = e.flagsByTeam.slice(0, 6).map((f) => `• ${typed(f.leader)}'s team: ${f.flags} open`);
  const broken = d.brokenLinks.length
    ? `\n*Broken links*: ${d.brokenLinks
        .slice(0, 6)
        .map((b) => typed(b.name))
        .join(', ')}`
    : '';
  return [
    { type: 'divider' },
    section(
      `*Last month in numbers* (against the month before)\n*Cascade health*\n${health}${broken}\n*Participation*: ${d.participation.now === null ? '—' : `${Math.round(d.participation.now * 100)}%`}`,
    ),
    section(
      `*Goal attainment*\n${goals.length ? goals.join('\n') : '_No goals set._'}\n*Open flags by team*\n${flags.length ? flags.join('\n') : '_None._'}`,
    ),
  ];
}

export function reminderMessage(c: CheckinContext): Reply {
  return { text: `A reminder: ${withWhom(c)} closes ${localWhen(c.closesAt, c.personTz)}. It takes a few minutes.` };
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Skip, with a reason: out of office, no longer my leader, other (with an optional note). */
export function skipModal(c: CheckinContext): types.ModalView {
  const ids = IDS.skip;
  const plain = (text: string) => ({ type: 'plain_text' as const, text });
  return {
    type: 'modal',
    callback_id: ids.callbackId,
    private_metadata: JSON.stringify({ checkinId: c.id }),
    title: plain('Skip this check-in'),
    submit: plain('Skip'),
    close: plain('Cancel'),
    blocks: [
      context(`Skipping ${withWhom(c)}. It counts as skipped, not missed.`),
      {
        type: 'input',
        block_id: ids.reasonBlock,
        label: plain('Why?'),
        element: {
          type: 'radio_buttons',
          action_id: ids.reasonInput,
          options: Object.entries(SKIP_REASONS).map(([value, label]) => ({ text: plain(capital(label)), value })),
        },
      },
      {
        type: 'input',
        block_id: ids.noteBlock,
        optional: true,
        label: plain('Anything to add?'),
        element: { type: 'plain_text_input', action_id: ids.noteInput, max_length: 200 },
      },
    ],
  };
}
