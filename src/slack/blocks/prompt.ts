import type { CheckinContext } from '../../checkins/context';
import { IDS } from '../ids';
import { context, section, type Block, type Reply } from './text';

/** "Wed 25 Nov, 10:00" in the person's own zone. */
export function localWhen(instant: Date, tz: string): string {
  return new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hour12: false, timeZone: tz }).format(instant);
}

const withWhom = (c: CheckinContext) => (c.part === 'leader' ? 'your own reflection for this month' : `your check-in with ${c.leaderName}`);

/** The one message of a check-in; its text and buttons follow the check-in's status, edited in place. */
export function promptMessage(c: CheckinContext): Reply {
  const closes = localWhen(c.closesAt, c.personTz);
  const value = String(c.id);
  const head: Record<CheckinContext['status'], string> = {
    scheduled: `It's time for ${withWhom(c)}. Answer by ${closes}.`,
    sent: `It's time for ${withWhom(c)}. Answer by ${closes}.`,
    answered: `Thank you: your answers for ${withWhom(c)} are in. You can change them until ${closes}.`,
    missed: `${capital(withWhom(c))} closed on ${closes} without an answer.`,
    skipped: `${capital(withWhom(c))} was skipped${c.skipReason ? ` (${c.skipReason})` : ''}.`,
  };
  const text = head[c.status];
  const blocks: Block[] = [section(`*${c.cadenceName}*\n${text}`)];
  if (c.status === 'scheduled' || c.status === 'sent') {
    blocks.push({
      type: 'actions',
      block_id: 'checkin_actions',
      elements: [
        { type: 'button', action_id: IDS.prompt.answer, text: { type: 'plain_text', text: 'Answer' }, style: 'primary', value },
        { type: 'button', action_id: IDS.prompt.snooze, text: { type: 'plain_text', text: 'Snooze until tomorrow' }, value },
        { type: 'button', action_id: IDS.prompt.skip, text: { type: 'plain_text', text: 'Skip' }, value },
      ],
    });
  } else if (c.status === 'answered') {
    blocks.push({
      type: 'actions',
      block_id: 'checkin_actions',
      elements: [{ type: 'button', action_id: IDS.prompt.answer, text: { type: 'plain_text', text: 'Edit answers' }, value }],
    });
  }
  blocks.push(context('A few constructive questions about your own experience and process. Only you and the people above you in the chain see your answers.'));
  return { text, blocks };
}

export function reminderMessage(c: CheckinContext): Reply {
  return { text: `A reminder: ${withWhom(c)} closes ${localWhen(c.closesAt, c.personTz)}. It takes a few minutes.` };
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
