import { firstRunDone, firstRunLines } from './welcome';
import { trendWords, type Series } from '../../checkins/trends';
import type { types } from '@slack/bolt';
import { paceBar } from '../../accountability/goals';
import type { ReportRow, WhereYouStand } from '../../accountability/standing';
import { titleOf } from '../../org/roles';
import { IDS, LIMITS } from '../ids';
import type { FlagView } from '../../accountability/flags';
import type { FromTheTop } from '../../digests/exec';
import { topBlocks } from './digest';
import type { whatCameBack } from '../../checkins/replies';
import type { CheckinStatus } from '../../db/types';
import { amount, orgFlagsReply } from './accountability';
import { context, dayLabel, header, section, sections, truncate, typed } from './text';

/** What App Home adds to where you stand: what came back down, your recent check-ins, and the ids its buttons act on. */
export interface HomeExtras {
  /** The check-in waiting for an answer (the Answer button), and the one the 1:1 agenda is about. */
  readonly openCheckinId: number | null;
  readonly agendaCheckinId: number | null;
  readonly cameBack: Awaited<ReturnType<typeof whatCameBack>>;
  /** The last eight check-ins: answered or not, and the confidence rating given. */
  readonly recent: readonly { occurrence: string; status: CheckinStatus; confidence: number | null }[];
  /** Twelve weeks of confidence, check-ins answered, commitments kept and goals against pace, week by week. */
  readonly trends?: readonly Series[];
  /** For leaders: the same over their direct reports together. */
  readonly teamTrends?: readonly Series[];
  /** Each goal's last three periods, by goal id. */
  readonly goalHistory: ReadonlyMap<number, readonly { attainment: number; end: string }[]>;
  /** For leaders: each report's latest answered check-in (Reply, Got it), and the open flags below. */
  readonly latest: ReadonlyMap<string, { checkinId: number; acked: boolean }>;
  readonly flags: readonly FlagView[];
  /** For the top's direct reports: the top's shared reflection and the exec pair's commitments. */
  readonly top?: FromTheTop | null;
}

const pct = (x: number | null) => (x === null ? '—' : `${Math.round(x * 100)}%`);

function reportLine(r: ReportRow): string {
  const pace =
    r.pace === null
      ? r.goals
        ? 'pace: too early to tell'
        : 'no goals'
      : r.pace >= 0
        ? `on pace (+${r.pace})`
        : `behind by ${-r.pace} pts`;
  const flags = r.openFlags ? ` · :triangular_flag_on_post: ${r.openFlags}` : '';
  return `<@${r.personId}> — check-ins ${pct(r.participation)} · commitments kept ${pct(r.kept)} · ${pace}${flags}`;
}

/**
 * App Home: the core value at the top, then where you stand (goals with a text bar, commitments, kept-rate,
 * next check-ins), and for leaders a row per direct report. Stays within Slack's 100 blocks.
 */
export function homeView(s: WhereYouStand, x?: HomeExtras): types.HomeView {
  const blocks: types.KnownBlock[] = [header(s.coreValue), context('Cascade: the right conversations, at every level, every period.')];
  const view = s.view;
  if (!view) {
    blocks.push(section('*You are not in the org chart yet.*\nAn admin adds people with `/cascade org set` or `/cascade org import`.'));
  } else {
    const leader = view.chain.length ? `<@${view.chain[view.chain.length - 1]!.slack_user_id}>` : 'no one (top of the chain)';
    const place = view.person.in_chain
      ? `reporting to ${leader}`
      : 'outside the chain: no check-ins, and the organisation’s figures rather than anyone’s answers';
    blocks.push(section(`*Your place*\n${typed(titleOf(view.person.role))}, ${place}.`), { type: 'divider' }, header('Where you stand'));
    if (x)
      blocks.push(
        actionsFor(
          x,
          // Goals that follow the CRM take no typed progress.
          s.goals.some((g) => g.goal.scope === 'person' && !g.goal.source),
        ),
      );
    if (x) blocks.push(...cameBackBlocks(x));
    if (x?.top) blocks.push(...topBlocks(x.top));

    const goals = s.goals.length
      ? s.goals
          .map(
            (g) =>
              `*${typed(g.goal.name)}*${g.goal.scope === 'team' ? ' (team)' : g.goal.source ? ' (from the CRM)' : ''} — ${amount(g.value, g.goal.unit)} of ${amount(Number(g.goal.target), g.goal.unit)} this ${g.goal.period}\n\`${paceBar(g)}\``,
          )
          .join('\n')
      : '_No goals yet: your leader or an admin sets them._';
    blocks.push(...sections(`*Your goals*\n${goals}${x ? goalHistoryLines(s, x) : ''}`, 6));
    if (x?.recent.length) blocks.push(recentBlock(x));

    const open = s.openCommitments
      .slice(0, 10)
      .map((m) => `• “${typed(m.text)}” — due ${dayLabel(m.due_date)}${m.slips ? `, slipped ${m.slips}×` : ''}`);
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
      if (x) blocks.push(...teamBlocks(s.reports, x, room));
      else blocks.push(...sections(s.reports.map(reportLine).join('\n'), Math.max(1, room)));
      // Where the team as a whole is going over twelve weeks, in words, when there is a trend to tell.
      const words = (x?.teamTrends ?? []).map(trendWords).filter((w): w is string => w !== null);
      blocks.push(
        context(
          `${words.length ? `The team over twelve weeks: ${words.join('; ')}. ` : ''}Last 8 weeks. \`/cascade team\` draws the team week by week; \`/cascade team @person\` opens anyone; \`/cascade flags\` lists what needs your attention, organisation first.`,
        ),
      );
    }
  }
  if (s.aggregates) {
    blocks.push(
      { type: 'divider' },
      section(
        `*The organisation, in numbers*\nCheck-ins answered: ${pct(s.aggregates.participation)} over the last 8 weeks · open commitments: ${s.aggregates.openCommitments}\n${orgFlagsReply(s.aggregates.flags).text.split('\n')[0]}`,
      ),
      context('You are outside the chain: you see counts, never whose or what anyone wrote.'),
    );
  }
  if (s.isAdmin) {
    // A new workspace: what to do next, until it is done (the org chart, then where digests go).
    blocks.push(
      { type: 'divider' },
      firstRunDone(s)
        ? section(
            `*Admin*\n${s.peopleCount} people in the org chart. Load it with \`/cascade org import\`, adjust with \`/cascade org set\`; the statement above changes with \`/cascade core-value "<text>"\`.`,
          )
        : section(['*Getting started*', ...firstRunLines(s)].join('\n')),
    );
  }
  blocks.push(context('Type `/cascade help` for every command.'));
  return { type: 'home', blocks: blocks.slice(0, LIMITS.blocksPerView) };
}

const button = (actionId: string, text: string, value: string, style?: 'primary'): types.Button => ({
  type: 'button',
  action_id: actionId,
  text: { type: 'plain_text', text },
  value,
  ...(style ? { style } : {}),
});

/** What people do most, one press away: answer, commit, report progress, open the 1:1 agenda. */
function actionsFor(x: HomeExtras, hasGoals: boolean): types.KnownBlock {
  const elements: types.Button[] = [];
  if (x.openCheckinId) elements.push(button(IDS.prompt.answer, 'Answer your check-in', String(x.openCheckinId), 'primary'));
  elements.push(button(IDS.home.commit, 'Add a commitment', 'commit'));
  if (hasGoals) elements.push(button(IDS.home.progress, 'Report progress', 'progress'));
  if (x.agendaCheckinId) elements.push(button(IDS.conversation.agenda, 'Your 1:1 agenda', `r${x.agendaCheckinId}`));
  return { type: 'actions', block_id: 'home_actions', elements };
}

/** Where you stand, from above: your leader's latest replies and the shared notes of your 1:1s. */
function cameBackBlocks(x: HomeExtras): types.KnownBlock[] {
  const lines = [
    ...x.cameBack.replies.map((r) =>
      r.kind === 'ack'
        ? `• :eyes: ${typed(r.authorName)} read your check-in of ${dayLabel(r.occurrence, 'short')}`
        : `• :speech_balloon: ${typed(r.authorName)} (${dayLabel(r.occurrence, 'short')}): “${typed(truncate(r.text ?? '', 200))}”`,
    ),
    ...x.cameBack.notes.map(
      (n) => `• :handshake: 1:1 with ${typed(n.leaderName)} (${dayLabel(n.occurrence, 'short')}): “${typed(truncate(n.note, 300))}”`,
    ),
  ];
  return lines.length ? [section(`*From your leader*\n${lines.join('\n')}`)] : [];
}

function goalHistoryLines(s: WhereYouStand, x: HomeExtras): string {
  const lines = s.goals.flatMap((g) => {
    const past = x.goalHistory.get(g.goal.id) ?? [];
    return past.length
      ? [
          `_${typed(g.goal.name)}, last ${past.length} ${g.goal.period}s:_ ${past.map((p) => `${Math.round(p.attainment * 100)}%`).join(' → ')}`,
        ]
      : [];
  });
  return lines.length ? `\n${lines.join('\n')}` : '';
}

const CONFIDENCE = ['', '▁', '▃', '▅', '▆', '█'];

/** The last eight check-ins, oldest first: answered or not, and the confidence trend. */
function recentBlock(x: HomeExtras): types.KnownBlock {
  const oldest = [...x.recent].reverse();
  const answered = oldest.filter((c) => c.status === 'answered').length;
  const marks = oldest.map((c) => (c.status === 'answered' ? '●' : c.status === 'skipped' ? '◌' : '○')).join(' ');
  const trend = oldest.map((c) => (c.confidence ? CONFIDENCE[c.confidence] : '·')).join('');
  // The bars have no scale of their own: the latest figure gives one.
  const latest = [...x.recent].find((c) => c.confidence)?.confidence;
  const scale = latest ? ` latest ${latest} of 5` : '';
  // Where it is going over twelve weeks, in words: confidence and commitments kept, when there is a trend to tell.
  const words = (x.trends ?? [])
    .filter((s) => s.measure !== 'answered')
    .map(trendWords)
    .filter((w): w is string => w !== null);
  return section(
    `*Your last ${oldest.length === 1 ? 'check-in' : `${oldest.length} check-ins`}* — ${answered} answered\n\`${marks}\`  confidence \`${trend}\`${scale}${words.length ? `\n_Over twelve weeks: ${words.join('; ')}._` : ''}`,
  );
}

/** For leaders: a row per report, with Reply and Got it on their latest answer, and Close a flag. */
function teamBlocks(reports: WhereYouStand['reports'], x: HomeExtras, room: number): types.KnownBlock[] {
  const out: types.KnownBlock[] = [];
  const withButtons = Math.max(0, Math.min(reports.length, Math.floor((room - 2) / 2)));
  reports.forEach((r, i) => {
    const latest = x.latest.get(r.personId);
    if (i < withButtons && latest) {
      out.push(section(reportLine(r)));
      const buttons = [button(IDS.conversation.reply, 'Reply', `r${latest.checkinId}`)];
      if (!latest.acked) buttons.push(button(IDS.conversation.ack, 'Got it', `r${latest.checkinId}`));
      out.push({ type: 'actions', block_id: `home_team_${i}`, elements: buttons });
    } else {
      out.push(section(reportLine(r)));
    }
  });
  if (x.flags.length)
    out.push({
      type: 'actions',
      block_id: 'home_flags',
      elements: [button(IDS.home.flagClose, `Close a flag (${x.flags.length} open)`, 'flags')],
    });
  return out.slice(0, Math.max(1, room));
}
