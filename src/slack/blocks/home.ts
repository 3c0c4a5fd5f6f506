import type { types } from '@slack/bolt';
import { paceBar } from '../../accountability/goals';
import type { ReportRow, WhereYouStand } from '../../accountability/standing';
import { titleOf } from '../../org/roles';
import { LIMITS } from '../ids';
import { amount } from './accountability';
import { context, dayLabel, header, section, sections, typed } from './text';

const pct = (x: number | null) => (x === null ? '—' : `${Math.round(x * 100)}%`);

function reportLine(r: ReportRow): string {
  const pace = r.pace === null ? (r.goals ? 'pace: too early to tell' : 'no goals') : r.pace >= 0 ? `on pace (+${r.pace})` : `behind by ${-r.pace} pts`;
  const flags = r.openFlags ? ` · :triangular_flag_on_post: ${r.openFlags}` : '';
  return `<@${r.personId}> — check-ins ${pct(r.participation)} · commitments kept ${pct(r.kept)} · ${pace}${flags}`;
}

/**
 * App Home: the core value at the top, then where you stand (goals with a text bar, commitments, kept-rate,
 * next check-ins), and for leaders a row per direct report. Stays within Slack's 100 blocks.
 */
export function homeView(s: WhereYouStand): types.HomeView {
  const blocks: types.KnownBlock[] = [header(s.coreValue), context('Cascade: the right conversations, at every level, every period.')];
  const view = s.view;
  if (!view) {
    blocks.push(section("*You are not in the org chart yet.*\nAn admin adds people with `/cascade org set` or `/cascade org import`."));
  } else {
    const leader = view.chain.length ? `<@${view.chain[view.chain.length - 1]!.slack_user_id}>` : 'no one (top of the chain)';
    const place = view.person.in_chain ? `reporting to ${leader}` : 'outside the chain: no check-ins, and the organisation’s figures rather than anyone’s answers';
    blocks.push(section(`*Your place*\n${typed(titleOf(view.person.role))}, ${place}.`), { type: 'divider' }, header('Where you stand'));

    const goals = s.goals.length
      ? s.goals.map((g) => `*${typed(g.goal.name)}*${g.goal.scope === 'team' ? ' (team)' : ''} — ${amount(g.value, g.goal.unit)} of ${amount(Number(g.goal.target), g.goal.unit)} this ${g.goal.period}\n\`${paceBar(g)}\``).join('\n')
      : '_No goals yet: your leader or an admin sets them._';
    blocks.push(...sections(`*Your goals*\n${goals}`, 6));

    const open = s.openCommitments.slice(0, 10).map((m) => `• “${typed(m.text)}” — due ${dayLabel(m.due_date)}${m.slips ? `, slipped ${m.slips}×` : ''}`);
    const more = s.openCommitments.length > 10 ? `\n…and ${s.openCommitments.length - 10} more: \`/cascade commitments\`` : '';
    const overdue = s.overdue ? ` · *${s.overdue} overdue*` : '';
    blocks.push(
      section(
        `*Your commitments* — ${s.openCommitments.length} open${overdue} · kept ${pct(s.keptRate)} over the last 8 weeks\n${open.length ? open.join('\n') : '_None open. Make one with `/cascade commit <text>`._'}${more}`,
      ),
    );
    const next = s.next.slice(0, 5).map((n) => `• ${n.cadenceName} with ${typed(n.withName)} — ${dayLabel(n.date)}, ${n.localTime}`);
    blocks.push(section(`*Your next check-ins*\n${next.length ? next.join('\n') : '_None scheduled._'}`));

    if (s.reports.length > 0) {
      blocks.push({ type: 'divider' }, header(`Your team (${s.reports.length})`));
      const room = LIMITS.blocksPerView - blocks.length - 4;
      blocks.push(...sections(s.reports.map(reportLine).join('\n'), Math.max(1, room)));
      blocks.push(context('Last 8 weeks. `/cascade team @person` opens anyone; `/cascade flags` lists what needs your attention, organisation first.'));
    }
  }
  if (s.aggregates) {
    blocks.push(
      { type: 'divider' },
      section(
        `*The organisation, in numbers*\nCheck-ins answered: ${pct(s.aggregates.participation)} over the last 8 weeks · open commitments: ${s.aggregates.openCommitments} · open flags: ${s.aggregates.openFlags}`,
      ),
    );
  }
  if (s.isAdmin) {
    blocks.push(
      { type: 'divider' },
      section(`*Admin*\n${s.peopleCount} people in the org chart. Load it with \`/cascade org import\`, adjust with \`/cascade org set\`; the statement above changes with \`/cascade core-value "<text>"\`.`),
    );
  }
  blocks.push(context('Type `/cascade help` for every command.'));
  return { type: 'home', blocks: blocks.slice(0, LIMITS.blocksPerView) };
}
