import { ORG_FACTORS_QUESTION } from '../../accountability/flags';
import type { Attention, Brief, BriefCommitment, BriefMember, LevelHeard } from '../../checkins/briefs';
import { themeLine } from './themes';
import { LIMITS } from '../ids';
import { context, dayLabel, header, section, truncate, typed, type Block, type Reply } from './text';
import { DAY_MS } from '../../time/durations';

/*
 * A leader's brief is read in a minute: who needs them (three people at most), one line per person, one line per
 * level further down, three questions for the conversation. The answers in full are in its thread, once.
 */

/** How many people "Needs your attention" names; the rest are counted. */
export const ATTENTION_SHOWN = 3;

const firstName = (name: string) => name.split(' ')[0] || name;

/** How long something has needed the leader, in words: "today", "since yesterday", "for 9 days", "for 3 weeks". */
export function ageOf(since: Date, now: Date): string {
  const days = Math.floor((now.getTime() - since.getTime()) / DAY_MS);
  if (days <= 0) return 'today';
  if (days === 1) return 'since yesterday';
  if (days < 14) return `for ${days} days`;
  return `for ${Math.round(days / 7)} weeks`;
}

function stateOf(m: BriefMember): string {
  if (m.undelivered && m.status !== 'answered') return `prompt not delivered (${typed(truncate(m.undelivered, 60))})`;
  if (m.status === 'skipped') return `skipped${m.skipReason ? ` (${typed(truncate(m.skipReason, 60))})` : ''}`;
  if (m.status === 'answered' || m.status === 'missed') return m.status;
  return 'not answered';
}

/** "confidence 4 (3 → 4)": the rating and where it came from, when it moved. */
function confidenceWords(c: BriefMember['confidence']): string | null {
  if (c.now === null) return null;
  return `confidence ${c.now}${c.before !== null && c.before !== c.now ? ` (${c.before} → ${c.now})` : ''}`;
}

const OUTCOME: Record<string, string> = { done: 'done', partly: 'partly', open: 'not yet', missed: 'missed' };

function commitmentWords(c: BriefCommitment, label: string): string {
  return `${label}: “${typed(truncate(c.text, 50))}”${c.note ? ` (${typed(truncate(c.note, 60))})` : ''}`;
}

/**
 * One person in one line: how the check-in went, their confidence and its trend, the obstacle in their words,
 * what became of their commitments (with their note) and what they committed to now.
 */
function memberLine(m: BriefMember): string {
  const who = m.part === 'leader' ? 'Your own reflection' : `*${typed(m.name)}*`;
  const parts = [stateOf(m)];
  const confidence = confidenceWords(m.confidence);
  if (confidence) parts.push(confidence);
  const obstacle = m.answers.find((a) => a.intent === 'obstacles' && a.kind !== 'rating_1_5' && a.value.trim());
  if (obstacle) parts.push(`obstacle: “${typed(truncate(obstacle.value.replace(/\s+/g, ' '), 70))}”`);
  const reviewed = m.commitments.filter((c) => c.reviewedHere);
  for (const c of reviewed.slice(0, 2)) parts.push(commitmentWords(c, OUTCOME[c.status] ?? c.status));
  if (reviewed.length > 2) parts.push(`${reviewed.length - 2} more reviewed`);
  const made = m.commitments.filter((c) => c.madeHere && c.status === 'open');
  for (const c of made.slice(0, 1)) parts.push(`new: “${typed(truncate(c.text, 60))}”`);
  if (m.status !== 'answered') {
    const open = m.commitments.find((c) => c.status === 'open' && !c.madeHere);
    if (open) parts.push(`open: “${typed(truncate(open.text, 50))}” (due ${dayLabel(open.dueDate)})`);
  }
  return `• ${who} — ${parts.join(' · ')}`;
}

/** Who needs the leader most, three at most, each once, with how long; the rest counted; the organisational question once. */
function attentionLines(attention: readonly Attention[], now: Date): string[] {
  if (attention.length === 0) return ['*Needs your attention*: nobody this round.'];
  const lines = ['*Needs your attention*'];
  for (const a of attention.slice(0, ATTENTION_SHOWN))
    lines.push(`• *${typed(a.name)}* — ${typed(a.why)}${a.since ? ` · ${ageOf(a.since, now)}` : ''}`);
  if (attention.length > ATTENTION_SHOWN) lines.push(`_and ${attention.length - ATTENTION_SHOWN} more: \`/cascade flags\`_`);
  lines.push(`_${ORG_FACTORS_QUESTION}_`);
  return lines;
}

/** "12 of 16 (10 of 16 before)": a figure against the same span before, or alone when there was none. */
function against(now: number, due: number, before: number, dueBefore: number, what: string): string {
  return `${now} of ${due} ${what}${dueBefore > 0 ? ` (${before} of ${dueBefore} before)` : ''}`;
}

/** One level further down in one line: participation, 1:1s held, the most named obstacle, the rounds nobody answered, one shared answer. */
function heardLine(l: LevelHeard): string {
  const parts = [against(l.answered, l.due, l.answeredBefore, l.dueBefore, 'answered')];
  if (l.held || l.heldBefore)
    parts.push(`${l.held} 1:1${l.held === 1 ? '' : 's'} held${l.dueBefore > 0 ? ` (${l.heldBefore} before)` : ''}`);
  if (l.obstacle) parts.push(`obstacle: “${typed(truncate(l.obstacle.phrase, 50))}” (${l.obstacle.count} people)`);
  if (l.broken.length) {
    const named = l.broken.slice(0, 3).map((b) => `${typed(b.name)} (0 of ${b.due})`);
    parts.push(
      `*broken link${l.broken.length === 1 ? '' : 's'}*: ${named.join(', ')}${l.broken.length > 3 ? ` and ${l.broken.length - 3} more` : ''}`,
    );
  }
  if (l.highlight) parts.push(`“${typed(truncate(l.highlight.text.replace(/\s+/g, ' '), 80))}” — ${typed(firstName(l.highlight.name))}`);
  return `• *${typed(l.label)}*: ${parts.join(' · ')}`;
}

/** Lines as sections of at most Slack's 3,000 characters, a line never cut in two. */
function sectionsOf(lines: readonly string[]): Block[] {
  const out: Block[] = [];
  let current = '';
  for (const raw of lines) {
    const line = truncate(raw, LIMITS.sectionText);
    if (current && current.length + 1 + line.length > LIMITS.sectionText) {
      out.push(section(current));
      current = '';
    }
    current = current ? `${current}\n${line}` : line;
  }
  if (current) out.push(section(current));
  return out;
}

/**
 * A leader's brief as one DM, read in a minute: about 25 lines for a first-line leader of eight, about 30 for a
 * leader of leaders however deep the tree below.
 */
export function briefMessage(brief: Brief, now: Date = new Date(`${brief.occurrence}T12:00:00Z`)): Reply {
  const members = brief.members.filter((m) => m.part === 'member');
  const answered = members.filter((m) => m.status === 'answered').length;
  const text = `Your brief for ${typed(brief.cadenceName)} (${dayLabel(brief.occurrence, 'year')}): ${answered} of ${members.length} answered.`;
  const before = brief.before && brief.before.due > 0 ? ` (${brief.before.answered} of ${brief.before.due} the round before)` : '';
  const blocks: Block[] = [
    header(`Brief: ${brief.cadenceName}`),
    context(`Round of ${dayLabel(brief.occurrence, 'year')} · ${answered} of ${members.length} answered${before} · only you see this`),
  ];
  blocks.push(...sectionsOf(attentionLines(brief.attention, now)));
  const own = brief.members.filter((m) => m.part === 'leader');
  blocks.push(...sectionsOf(['*Your team*', ...[...own, ...members].map(memberLine)]));
  if (brief.escalations.length > 0) {
    const lines = brief.escalations
      .slice(0, 2)
      .map(
        (e) =>
          `• ${typed(e.ownerName)}'s commitment to ${e.leaderName ? typed(e.leaderName) : 'the organisation'}: “${typed(truncate(e.text, 80))}” — slipped ${e.slips} times`,
      );
    if (brief.escalations.length > 2) lines.push(`_and ${brief.escalations.length - 2} more_`);
    blocks.push(...sectionsOf(['*Escalated to you* (slipped twice)', ...lines]));
  }
  if (brief.themes.length > 0) blocks.push(...sectionsOf(['*What keeps coming up below you*', ...brief.themes.map((t) => themeLine(t))]));
  // A level's most named obstacle is left out of its line when it is one of the themes above: said once.
  const said = new Set(brief.themes.map((t) => t.phrase));
  if (brief.heard.length > 0)
    blocks.push(
      ...sectionsOf([
        '*What was heard further down*',
        ...brief.heard.map((l) => heardLine(l.obstacle && said.has(l.obstacle.phrase) ? { ...l, obstacle: null } : l)),
      ]),
    );
  if (brief.suggestions.length > 0)
    blocks.push(section(`*Questions for the conversation*\n${brief.suggestions.map((s, i) => `${i + 1}. ${typed(s)}`).join('\n')}`));
  if (brief.members.some((m) => m.answers.length > 0)) blocks.push(context('The answers in full are in the thread below.'));
  return { text, blocks: blocks.slice(0, LIMITS.blocksPerMessage) };
}

const COMMITMENT_WORDS: Record<string, string> = {
  open: 'open',
  done: 'done',
  partly: 'partly done',
  missed: 'missed',
  dropped: 'dropped',
};

/** One person in full, for the brief's thread: every answer as given, and their commitments with their notes. */
function memberBlock(m: BriefMember): Block {
  const who = m.part === 'leader' ? 'Your own reflection' : `*${typed(m.name)}*`;
  const lines = [`${who} — ${stateOf(m)}`];
  for (const a of m.answers)
    lines.push(
      `*${typed(a.question)}*${a.shared ? ' _(shared with the team)_' : ''}\n>${typed(truncate(a.value, 600)).replace(/\n/g, '\n>')}`,
    );
  for (const c of m.commitments) {
    const state = c.reviewedHere && c.status === 'open' ? 'not yet' : (COMMITMENT_WORDS[c.status] ?? c.status);
    lines.push(
      `:pushpin: “${typed(truncate(c.text, 200))}” — ${state}${c.status === 'open' ? `, due ${dayLabel(c.dueDate)}` : ''}${c.slips ? `, slipped ${c.slips === 1 ? 'once' : `${c.slips} times`}` : ''}${c.note ? `: _${typed(truncate(c.note, 200))}_` : ''}`,
    );
  }
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
