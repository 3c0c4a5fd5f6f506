import type { Compared, Digest } from '../../digests/figures';
import type { FromTheTop } from '../../digests/exec';
import { themeLine } from './themes';
import { context, dayLabel, header, section, truncate, typed, type Block, type Reply } from './text';

const SCOPE_TITLE = { team: 'Team digest', org: 'Sales organisation digest', exec: 'Exec digest' } as const;

/** "12 (+3)" — a figure and its change against the previous period. */
export function change(c: Compared): string {
  const d = c.now - c.before;
  return `${c.now} (${d > 0 ? '+' : d < 0 ? '−' : '±'}${Math.abs(d)})`;
}

function pct(x: number | null): string {
  return x === null ? '—' : `${Math.round(x * 100)}%`;
}

function pctChange(now: number | null, before: number | null): string {
  if (now === null) return '—';
  if (before === null) return pct(now);
  const d = Math.round(now * 100) - Math.round(before * 100);
  return `${pct(now)} (${d > 0 ? '+' : d < 0 ? '−' : '±'}${Math.abs(d)} pts)`;
}

/** A digest as one channel message: cascade health from the top down, then the rest, the core value at the foot. */
export function digestMessage(d: Digest, top: FromTheTop | null = null): Reply {
  const title = d.scope === 'team' && d.ownerName ? `${SCOPE_TITLE.team}: ${d.ownerName}` : SCOPE_TITLE[d.scope];
  const range = `${dayLabel(d.period.start, 'short')} – ${dayLabel(d.period.end, 'short')}`;
  const text = `${typed(title)}, ${range}: check-ins answered ${pct(d.participation.now)}, commitments kept ${d.commitments.kept.now} of ${d.commitments.closed.now}.`;
  const blocks: Block[] = [header(`${title} · ${range}`), context('Each figure against the period before, in brackets.')];

  const funnel = d.levels.map(
    (l) =>
      `• *${typed(l.label)}*: ${change(l.due)} due → ${change(l.answered)} answered · ${change(l.missed)} missed · ${change(l.skipped)} skipped · ${change(l.conversations)} 1:1s held`,
  );
  blocks.push(
    section(
      `*Cascade health, from the top down* (check-ins answered, and the 1:1s they prepared marked held)\n${funnel.length ? funnel.join('\n') : '_No conversations fell in this period._'}`,
    ),
  );
  if (d.scope !== 'team' && d.brokenLinks.length > 0) {
    blocks.push(
      section(
        `*Broken links* — rounds nobody answered\n${d.brokenLinks
          .slice(0, 15)
          .map((b) => `• ${typed(b.name)} (${typed(b.label)}): ${b.due} due, none answered`)
          .join('\n')}`,
      ),
    );
  }
  blocks.push(
    section(
      [
        `*Participation*: ${pctChange(d.participation.now, d.participation.before)}`,
        `*Commitments*: ${change(d.commitments.made)} made · ${change(d.commitments.kept)} kept of ${change(d.commitments.closed)} closed`,
        ...d.ratings.map(
          (r) =>
            `*${typed(r.question.replace(/\s*\(.*\)$/, ''))}*: ${r.now === null ? '—' : r.now.toFixed(1)}${r.before !== null && r.now !== null ? ` (${r.now - r.before >= 0 ? '+' : '−'}${Math.abs(r.now - r.before).toFixed(1)})` : ''} of 5`,
        ),
        // Flags are for leaders: a team's channel is read by the team too.
        ...(d.scope === 'team' ? [] : [`*Open flags*: ${change(d.openFlags)}`]),
      ].join('\n'),
    ),
  );
  if (d.goals.length > 0) {
    const shown = d.goals.slice(0, 12);
    const lines = shown.map(
      (g) =>
        `• ${typed(g.leader)}'s team: ${pctChange(g.attainment, g.before)} of goal (${g.goals} goal${g.goals === 1 ? '' : 's'}) — ${g.paceGap >= 0 ? `ahead of pace by ${g.paceGap} pts` : `behind pace by ${-g.paceGap} pts`}`,
    );
    const more = d.goals.length > shown.length ? `\n…and ${d.goals.length - shown.length} more teams` : '';
    blocks.push(
      section(`*Goal attainment and pace, per team* (change: against the same day of the period before)\n${lines.join('\n')}${more}`),
    );
  }
  if (d.highlights.length > 0) {
    blocks.push(
      section(
        `*Methodology highlights* — shared by their authors\n${d.highlights.map((h) => `> “${typed(h.text.slice(0, 400))}” — ${typed(h.name)}`).join('\n')}`,
      ),
    );
  }
  if (d.themeAnswers > 0) {
    blocks.push(
      section(
        d.themes.length
          ? `*What keeps coming up* — in answers their authors shared\n${d.themes.map((t) => themeLine(t, { quote: true })).join('\n')}`
          : `*What keeps coming up*: nothing yet: nothing shared was named by two people or more (${d.themeAnswers} shared answers).`,
      ),
    );
  }
  if (top) blocks.push(...topBlocks(top));
  blocks.push({ type: 'divider' }, context(`*${typed(d.coreValue)}*`));
  return { text, blocks };
}

const KEPT: Record<string, string> = { open: 'open', done: 'kept', partly: 'partly kept', missed: 'not kept', dropped: 'dropped' };

/** The top is accountable too: their shared reflection, and the exec pair's commitments with whether they were kept. */
export function topBlocks(top: FromTheTop): Block[] {
  const out: Block[] = [];
  if (top.commitments.length) {
    const lines = top.commitments.map(
      (m) =>
        `• ${typed(m.ownerName)}${m.toOrganisation ? ' (to the organisation)' : ''}: “${typed(truncate(m.text, 200))}” — ${m.overdue ? `*overdue* since ${dayLabel(m.dueDate)}` : `${KEPT[m.status] ?? m.status}${m.status === 'open' ? `, due ${dayLabel(m.dueDate)}` : ''}`}${m.slips ? `, slipped ${m.slips}×` : ''}`,
    );
    out.push(section(truncate(`*The top's own commitments*\n${lines.join('\n')}`, 3000)));
  }
  if (top.reflection.length) {
    const lines = top.reflection.map(
      (r) => `_${typed(truncate(r.question, 150))}_\n>${typed(truncate(r.text, 600)).replace(/\n/g, '\n>')}`,
    );
    out.push(
      section(
        truncate(
          `*From ${typed(top.topName)}'s reflection* (shared, ${dayLabel(top.reflection[0]!.occurrence, 'short')})\n${lines.join('\n')}`,
          3000,
        ),
      ),
    );
  }
  return out;
}
