import type { TeamRoundContext } from '../../checkins/context';
import { IDS } from '../ids';
import { localWhen } from '../../time/calendar';
import { context, section, typed, type Block, type Reply } from './text';

const mentions = (ids: readonly string[]) => ids.map((id) => `<@${id}>`).join(' ');

/** A time every reader of a channel sees in their own zone (Slack's date token), with a fallback. */
function everyonesTime(instant: Date, fallbackTz: string): string {
  return `<!date^${Math.floor(instant.getTime() / 1000)}^{date_short_pretty} at {time}|${localWhen(instant, fallbackTz)}>`;
}

/** The one channel message of a team round; its thread holds the reminder and the shared answers. */
export function teamRoundMessage(t: TeamRoundContext): Reply {
  const open = t.members.filter((m) => m.status === 'scheduled' || m.status === 'sent').map((m) => m.personId);
  const answered = t.members.filter((m) => m.status === 'answered').length;
  const skipped = t.members.filter((m) => m.status === 'skipped').length;
  const closes = t.closesAt ? everyonesTime(t.closesAt, t.leaderTz) : 'the end of the window';
  if (t.status === 'closed') {
    const text = `${t.cadenceName} with <@${t.leaderId}> has closed: ${answered} of ${t.members.length} answered.`;
    return {
      text,
      blocks: [
        section(`*${t.cadenceName}*\n${text}`),
        context('Answers shared with the team are in the thread; the rest stay private to the chain.'),
      ],
    };
  }
  const text = `It's time for ${t.cadenceName} with <@${t.leaderId}>. ${mentions(t.members.map((m) => m.personId))}: please answer by ${closes}.`;
  const blocks: Block[] = [
    section(`*${t.cadenceName}*\n${text}`),
    {
      type: 'actions',
      block_id: 'team_round_actions',
      elements: [
        {
          type: 'button',
          action_id: IDS.prompt.answer,
          text: { type: 'plain_text', text: 'Answer' },
          style: 'primary',
          value: `round:${t.roundId}`,
        },
      ],
    },
    context(
      `${answered} of ${t.members.length} answered${skipped ? `, ${skipped} skipped` : ''}${open.length ? '' : ' — everyone is in'}. Answers you mark "share with the team" are posted in this thread; the rest stay private to the chain.`,
    ),
  ];
  return { text, blocks };
}

export function teamReminderMessage(t: TeamRoundContext, waitingOn: readonly string[]): Reply {
  return {
    text: `A reminder: ${mentions(waitingOn)}, ${t.cadenceName} closes ${t.closesAt ? everyonesTime(t.closesAt, t.leaderTz) : 'soon'}.`,
  };
}

export function sharedAnswersMessage(name: string, answers: readonly { question: string; value: string }[]): Reply {
  const text = `${typed(name)} shared with the team:`;
  return {
    text: `${text} ${typed(
      answers
        .map((a) => a.value)
        .join(' · ')
        .slice(0, 300),
    )}`,
    blocks: [section(`*${text}*\n${answers.map((a) => `*${typed(a.question)}*\n>${typed(a.value).replace(/\n/g, '\n>')}`).join('\n')}`)],
  };
}
