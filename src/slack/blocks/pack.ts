import { FACTOR_WORDS } from '../../accountability/flags';
import { sparkline } from '../../checkins/trends';
import type { MonthlyPack } from '../../digests/pack';
import { themeLine } from './themes';
import { monthLabel } from '../../time/calendar';
import { context, dayLabel, header, section, truncate, typed, type Block, type Reply } from './text';

const pct = (x: number | null | undefined) => (x == null ? '—' : `${Math.round(x * 100)}%`);
const monthName = (start: string, style: 'long' | 'short' = 'long') => monthLabel(start, style);
const change = (now: number, before: number) => (now === before ? '±0' : now > before ? `+${now - before}` : `−${before - now}`);

/**
 * The monthly analytics pack as one message, the same for the top and their report, read in a few minutes:
 * six months of goals and of the cascade's health in bars, what was committed and kept (their own too), what
 * keeps coming up, the factors named closing flags, and three questions for the conversation. Bars read oldest
 * to newest, month by month; the figure after them is the month's.
 */
export function packMessage(p: MonthlyPack): Reply {
  const span = `${monthName(p.months[0]!.start, 'short')} → ${monthName(p.month.start, 'short')}`;
  const text = `Monthly analytics for ${monthName(p.month.start)}, for ${p.topName} and ${p.reportName}.`;
  const blocks: Block[] = [
    header(`Monthly analytics: ${monthName(p.month.start)}`),
    context(
      `For ${typed(p.topName)} and ${typed(p.reportName)}, before your monthly conversation · the same for both of you · bars: ${span}`,
    ),
  ];
  if (p.goals.length > 0) {
    const lines = p.goals.map((g) => {
      const behind = g.behind > 0 ? ` — *${g.behind} of ${g.teams} team${g.teams === 1 ? '' : 's'} behind pace*` : ' — every team on pace';
      return `• ${typed(g.label)} \`${sparkline(g.attainment, 0, 1.2)}\` ${pct(g.attainment[g.attainment.length - 1])} of goal${behind}`;
    });
    const off = p.offPace.length
      ? `\n• Furthest behind: ${p.offPace.map((t) => `${typed(t.leader)}'s team (${pct(t.attainment)}, ${-t.paceGap} pt${t.paceGap === -1 ? '' : 's'} behind)`).join(', ')}`
      : '';
    blocks.push(section(`*Goal attainment by level*\n${lines.join('\n')}${off}`));
  }
  if (p.levels.length > 0) {
    const lines = p.levels.map((l) => {
      const held = l.held[l.held.length - 1];
      return `• ${typed(l.label)} \`${sparkline(l.answered, 0, 1)}\` ${pct(l.answered[l.answered.length - 1])} answered${held ? ` · ${held} 1:1${held === 1 ? '' : 's'} held` : ''}`;
    });
    const broken = p.brokenNow.length
      ? `\n• Broken links this month (rounds nobody answered): ${p.brokenNow.slice(0, 3).map(typed).join(', ')}${p.brokenNow.length > 3 ? ` and ${p.brokenNow.length - 3} more` : ''}`
      : '';
    blocks.push(section(`*The cascade, by level*\n${lines.join('\n')}${broken}`));
  }
  // Commitments in all, then by the level of the leader they were made to: made this month, and kept of those
  // closed, with the kept rate month by month in bars.
  const commitmentLine = (
    name: string,
    c: { made: readonly (number | null)[]; kept: readonly (number | null)[]; closed: readonly (number | null)[] },
  ) => {
    const made = c.made[c.made.length - 1] ?? 0;
    const kept = c.kept[c.kept.length - 1] ?? 0;
    const closed = c.closed[c.closed.length - 1] ?? 0;
    const rates = c.kept.map((k, i) => (k != null && c.closed[i] ? k / c.closed[i]! : null));
    return `${name} \`${sparkline(rates, 0, 1)}\` ${made} made · ${closed ? `${pct(kept / closed)} kept of ${closed} closed` : 'none closed'}`;
  };
  const byLevel = p.commitmentLevels.length > 1 ? p.commitmentLevels.map((l) => commitmentLine(`• ${typed(l.label)}`, l)) : [];
  const own = p.own
    .slice(0, 4)
    .map(
      (c) =>
        `• ${typed(c.ownerName)}: “${typed(truncate(c.text, 80))}” — ${c.status === 'done' ? 'kept' : c.status === 'open' ? (c.overdue ? '*overdue*' : `open, due ${dayLabel(c.dueDate)}`) : c.status === 'partly' ? 'partly kept' : 'not kept'}`,
    );
  blocks.push(
    section([commitmentLine('*Commitments*', p.commitments), ...byLevel, ...(own.length ? ['*Your own*', ...own] : [])].join('\n')),
  );
  if (p.themes.length > 0) blocks.push(section(`*What keeps coming up*\n${p.themes.map((t) => themeLine(t)).join('\n')}`));
  if (p.factors.length > 0)
    blocks.push(
      section(
        `*Organisational factors* — flags closed this month, by what the leader said explains them\n${p.factors.map((f) => `• ${FACTOR_WORDS[f.factor]}: ${f.now} (${change(f.now, f.before)})`).join('\n')}`,
      ),
    );
  if (p.questions.length > 0)
    blocks.push(section(`*Questions for your conversation*\n${p.questions.map((q, i) => `${i + 1}. ${typed(q)}`).join('\n')}`));
  return { text, blocks };
}
