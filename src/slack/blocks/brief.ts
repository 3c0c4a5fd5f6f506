import { STATUS_WORDS } from '../../accountability/commitments';
import { ORG_FACTORS_QUESTION } from '../../accountability/flags';
import { FLAG_RULE_WORDS } from './accountability';
import type { Brief, BriefMember, TeamSummary } from '../../checkins/briefs';
import { LIMITS } from '../ids';
import { context, dayLabel, header, section, truncate, typed, type Block, type Reply } from './text';

const STATUS: Record<BriefMember['status'], string> = {
  scheduled: 'not answered',
  sent: 'not answered',
  answered: 'answered',
  missed: 'missed',
  skipped: 'skipped',
};

function memberState(m: BriefMember): string {
  if (m.undelivered && m.status !== 'answered') return `prompt not delivered (${m.undelivered})`;
  if (m.status === 'skipped') return `skipped${m.skipReason ? ` — ${typed(m.skipReason)}` : ''}`;
  return STATUS[m.status];
}

function memberBlock(m: BriefMember): Block {
  const who = m.part === 'leader' ? 'Your own reflection' : `*${typed(m.name)}*`;
  const lines = [`${who} — ${memberState(m)}`];
  for (const a of m.answers) lines.push(`*${typed(a.question)}*${a.shared ? ' _(shared with the team)_' : ''}\n>${typed(truncate(a.value, 600)).replace(/\n/g, '\n>')}`);
  for (const f of m.flags) lines.push(`:triangular_flag_on_post: Flag ${f.id} — ${FLAG_RULE_WORDS[f.rule] ?? f.rule}: ${typed(f.detail)}. _${ORG_FACTORS_QUESTION}_`);
  for (const c of m.commitments) lines.push(`:pushpin: Commitment ${c.id}: “${typed(truncate(c.text, 200))}” — ${STATUS_WORDS[c.status]}${c.status === 'open' ? `, due ${c.dueDate}` : ''}${c.slips ? `, slipped ${c.slips}×` : ''}`);
  return section(lines.join('\n'));
}

function percent(part: number, whole: number): string {
  return whole === 0 ? '—' : `${Math.round((100 * part) / whole)}%`;
}

function summaryBlock(s: TeamSummary): Block {
  const lines = [`*Below ${typed(s.leaderName)}*`];
  for (const l of s.levels) {
    const extra = [l.missed ? `${l.missed} missed` : '', l.skipped ? `${l.skipped} skipped` : '', l.undelivered ? `${l.undelivered} not delivered` : ''].filter(Boolean).join(', ');
    const talks = l.conversations !== undefined ? ` · ${l.conversations} 1:1${l.conversations === 1 ? '' : 's'} held` : '';
    lines.push(`• ${typed(l.label)}: ${l.answered} of ${l.due} answered (${percent(l.answered, l.due)})${talks}${extra ? `; ${extra}` : ''}`);
  }
  for (const r of s.ratings) lines.push(`• ${typed(truncate(r.question.replace(/\s*\(.*\)$/, ''), 120))}: ${r.average.toFixed(1)} of 5 (${r.count} answers)`);
  for (const h of s.highlights) lines.push(`> _${typed(truncate(h.text, 300))}_ — ${typed(h.name)}`);
  return section(lines.join('\n'));
}

/**
 * A leader's brief as one DM. Within Slack's 50 blocks: when the round has more people than fit, the
 * last block says how many were left out and where to read them.
 */
export function briefMessage(brief: Brief): Reply {
  const answered = brief.members.filter((m) => m.part === 'member' && m.status === 'answered').length;
  const total = brief.members.filter((m) => m.part === 'member').length;
  const text = `Your brief for ${brief.cadenceName} (${dayLabel(brief.occurrence, 'year')}): ${answered} of ${total} answered.`;
  const fixed: Block[] = [header(`Brief: ${brief.cadenceName}`), context(`Round of ${dayLabel(brief.occurrence, 'year')} · ${answered} of ${total} answered · only you see this`)];
  const tail: Block[] = [];
  if (brief.suggestions.length > 0) {
    tail.push(section(`*Questions for the conversation*\n${brief.suggestions.map((s, i) => `${i + 1}. ${typed(s)}`).join('\n')}`));
  }
  const body: Block[] = [...brief.members.map(memberBlock)];
  if (brief.escalations.length > 0) {
    body.unshift(
      section(
        `*Escalated to you: commitments that slipped twice*\n${brief.escalations
          .map((e) => `• ${typed(e.ownerName)}'s commitment to ${e.leaderName ? typed(e.leaderName) : 'the organisation'}: “${typed(truncate(e.text, 200))}” — ${STATUS_WORDS[e.status]}, slipped ${e.slips}×`)
          .join('\n')}`,
      ),
    );
  }
  if (brief.rollUp.length > 0) body.push({ type: 'divider' }, section('*What was heard further down*'), ...brief.rollUp.map(summaryBlock));

  const room = LIMITS.blocksPerMessage - fixed.length - tail.length;
  if (body.length > room) {
    const kept = body.slice(0, room - 1);
    const left = body.length - kept.length;
    kept.push(context(`…and ${left} more sections that do not fit in one message: open anyone's check-ins with \`/cascade team @person\`.`));
    return { text, blocks: [...fixed, ...kept, ...tail] };
  }
  return { text, blocks: [...fixed, ...body, ...tail] };
}
