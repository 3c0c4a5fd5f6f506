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

/** Why someone needs the leader's attention this round, in words; empty when nothing stands out. */
function attentionOf(m: BriefMember): string[] {
  const why: string[] = [];
  if (m.undelivered && m.status !== 'answered') why.push(`the prompt never reached them (${typed(m.undelivered)})`);
  else if (m.status === 'missed') why.push('missed this check-in');
  const low = m.answers.find((a) => a.kind === 'rating_1_5' && Number(a.value) <= 2);
  if (low) why.push(`confidence ${low.value} of 5`);
  for (const f of m.flags) why.push(`${FLAG_RULE_WORDS[f.rule] ?? f.rule} (flag ${f.id}: ${typed(f.detail)})`);
  const slipping = m.commitments.filter((c) => c.status === 'open' && c.slips > 0);
  if (slipping.length) why.push(`${slipping.length} commitment${slipping.length === 1 ? '' : 's'} slipping`);
  return why;
}

/** Who needs attention and why, first; the organisational-factors question asked once, not per flag. */
function attentionBlock(members: readonly BriefMember[]): Block {
  const lines = members.filter((m) => m.part === 'member').flatMap((m) => {
    const why = attentionOf(m);
    return why.length ? [`• *${typed(m.name)}* — ${why.join('; ')}`] : [];
  });
  if (lines.length === 0) return section('*Needs your attention*\nNobody this round: no missed check-ins, low confidence, open flags or slipping commitments.');
  return section(truncate(`*Needs your attention*\n${lines.join('\n')}\n_${ORG_FACTORS_QUESTION}_`, LIMITS.sectionText));
}

/** One person at a glance: their state, their answers cut short, then their commitments apart from the answers. */
function glanceBlock(m: BriefMember): Block {
  const who = m.part === 'leader' ? 'Your own reflection' : `*${typed(m.name)}*`;
  const lines = [`${who} — ${memberState(m)}`];
  // What they committed to shows as a commitment below, not again as an answer.
  const said = m.answers.filter((a) => a.kind !== 'commitment');
  for (const a of said.slice(0, 3)) lines.push(`• _${typed(truncate(a.question.replace(/\s*\(.*\)$/, ''), 80))}_ ${typed(truncate(a.value.replace(/\s+/g, ' '), 140))}`);
  if (said.length > 3) lines.push(`_…${said.length - 3} more in the thread_`);
  const open = m.commitments.filter((c) => c.status === 'open');
  const closed = m.commitments.filter((c) => c.status !== 'open');
  if (open.length) lines.push(`:pushpin: Open: ${open.map((c) => `“${typed(truncate(c.text, 80))}” (due ${dayLabel(c.dueDate)}${c.slips ? `, slipped ${c.slips}×` : ''})`).join(' · ')}`);
  if (closed.length) lines.push(`:white_check_mark: Closed since the last round: ${closed.map((c) => `“${typed(truncate(c.text, 60))}” ${STATUS_WORDS[c.status]}`).join(' · ')}`);
  return section(truncate(lines.join('\n'), LIMITS.sectionText));
}

/** One person in full, for the brief's thread: every answer as given, and every commitment with its number. */
function memberBlock(m: BriefMember): Block {
  const who = m.part === 'leader' ? 'Your own reflection' : `*${typed(m.name)}*`;
  const lines = [`${who} — ${memberState(m)}`];
  for (const a of m.answers) lines.push(`*${typed(a.question)}*${a.shared ? ' _(shared with the team)_' : ''}\n>${typed(truncate(a.value, 600)).replace(/\n/g, '\n>')}`);
  for (const c of m.commitments) lines.push(`:pushpin: Commitment ${c.id}: “${typed(truncate(c.text, 200))}” — ${STATUS_WORDS[c.status]}${c.status === 'open' ? `, due ${dayLabel(c.dueDate)}` : ''}${c.slips ? `, slipped ${c.slips}×` : ''}`);
  return section(truncate(lines.join('\n'), LIMITS.sectionText));
}

/** The brief's thread: everyone's answers in full, in messages of at most 50 blocks. */
export function briefDetailMessages(brief: Brief): Reply[] {
  const blocks = brief.members.filter((m) => m.answers.length > 0 || m.commitments.length > 0).map(memberBlock);
  const out: Reply[] = [];
  for (let i = 0; i < blocks.length; i += LIMITS.blocksPerMessage) {
    out.push({ text: `Answers in full (${i / LIMITS.blocksPerMessage + 1})`, blocks: blocks.slice(i, i + LIMITS.blocksPerMessage) });
  }
  return out;
}

function percent(part: number, whole: number): string {
  return whole === 0 ? '—' : `${Math.round((100 * part) / whole)}%`;
}

function summaryBlock(s: TeamSummary): Block {
  const lines = [`*Below ${typed(s.leaderName)}*`];
  for (const l of s.levels) {
    const extra = [l.missed ? `${l.missed} missed` : '', l.skipped ? `${l.skipped} skipped` : '', l.undelivered ? `${l.undelivered} not delivered` : ''].filter(Boolean).join(', ');
    const delta = l.conversations !== undefined && l.conversationsBefore !== undefined ? l.conversations - l.conversationsBefore : null;
    const talks = l.conversations !== undefined ? ` · ${l.conversations} 1:1${l.conversations === 1 ? '' : 's'} held${delta === null ? '' : ` (${delta > 0 ? '+' : delta < 0 ? '−' : '±'}${Math.abs(delta)})`}` : '';
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
  const text = `Your brief for ${typed(brief.cadenceName)} (${dayLabel(brief.occurrence, 'year')}): ${answered} of ${total} answered.`;
  const fixed: Block[] = [header(`Brief: ${brief.cadenceName}`), context(`Round of ${dayLabel(brief.occurrence, 'year')} · ${answered} of ${total} answered · only you see this`), attentionBlock(brief.members)];
  const tail: Block[] = [];
  if (brief.suggestions.length > 0) {
    tail.push(section(`*Questions for the conversation*\n${brief.suggestions.map((s, i) => `${i + 1}. ${typed(s)}`).join('\n')}`));
  }
  if (brief.members.some((m) => m.answers.length > 0)) tail.push(context('Everyone’s answers in full are in the thread below.'));
  const body: Block[] = [...brief.members.map(glanceBlock)];
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
