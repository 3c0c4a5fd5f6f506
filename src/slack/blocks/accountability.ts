import { STATUS_WORDS, type CommitmentView } from '../../accountability/commitments';
import { ORG_FACTORS_QUESTION, type FlagView, type OrgFlagCounts, type RuleView } from '../../accountability/flags';
import { paceBar, type Standing } from '../../accountability/goals';
import type { Commitment, Flag, Goal } from '../../db/types';
import { ageOf } from './brief';
import { IDS } from '../ids';
import { context, dayLabel, section, sections, truncate, typed, type Block, type Reply } from './text';

export function commitmentMadeReply(m: Commitment): Reply {
  const to = m.leader_id ? `to <@${m.leader_id}>` : 'to the organisation';
  return {
    text: `Committed ${to}: “${typed(m.text)}”, due ${dayLabel(m.due_date)}. Your next check-in asks how it went; \`/cascade commitments\` closes it sooner.`,
  };
}

/** A commitment as a list shows it: what, to whom, where it stands; never its database id. */
function commitmentLine(m: CommitmentView, today?: string): string {
  const overdue = m.status === 'open' && today !== undefined && m.due_date < today ? ' · *overdue*' : '';
  const slips = m.slips ? ` · slipped ${m.slips === 1 ? 'once' : `${m.slips} times`}` : '';
  const to = m.leaderName ? ` to ${typed(m.leaderName)}` : ' to the organisation';
  const when = m.status === 'open' ? `due ${dayLabel(m.due_date)}` : STATUS_WORDS[m.status];
  return `“${typed(m.text)}”${to} — ${when}${overdue}${slips}${m.note ? ` — _${typed(m.note)}_` : ''}`;
}

/**
 * `/cascade commitments`: the open ones numbered (the number `/cascade done` takes), each with a Done button,
 * then the last ones closed.
 */
export function commitmentsReply(list: readonly CommitmentView[], mine: boolean, today?: string): Reply {
  if (list.length === 0)
    return { text: mine ? 'You have no commitments yet. Make one with `/cascade commit <text>`.' : 'No commitments yet.' };
  const who = mine ? 'Your commitments' : `${typed(list[0]!.ownerName)}'s commitments`;
  const open = list.filter((m) => m.status === 'open');
  const closed = list.filter((m) => m.status !== 'open');
  const blocks: Block[] = [section(`*${who}*${open.length ? '' : ': none open.'}`)];
  open.forEach((m, i) => {
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: truncate(`${i + 1}. ${commitmentLine(m, today)}`, 3000) },
      accessory: { type: 'button', action_id: IDS.commitments.done, text: { type: 'plain_text', text: 'Done' }, value: `c${m.id}` },
    });
  });
  if (closed.length) blocks.push(section(truncate(`*Closed lately*\n${closed.map((m) => `• ${commitmentLine(m)}`).join('\n')}`, 3000)));
  if (open.length)
    blocks.push(context(`Done closes one; or type \`/cascade done${mine ? '' : ` <@${open[0]!.owner_id}>`} 1\` for the first.`));
  const text = [
    `*${who}*`,
    ...open.map((m, i) => `${i + 1}. ${commitmentLine(m, today)}`),
    ...closed.map((m) => `• ${commitmentLine(m)}`),
  ].join('\n');
  return { text: truncate(text, 3000), blocks };
}

export function commitmentDoneReply(m: Commitment): Reply {
  return { text: `Done: “${typed(m.text)}”.` };
}

const PERIOD_WORD = { week: 'weekly', month: 'monthly', quarter: 'quarterly' } as const;

export function amount(value: number, unit: string): string {
  const n = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 }).format(value);
  if (unit === 'percent') return `${n}%`;
  if (unit === 'count') return n;
  return /^[A-Z]{3}$/.test(unit) ? `${n} ${unit}` : `${n} ${unit}`;
}

export function goalSetReply(g: Goal): Reply {
  const whose = g.scope === 'team' ? `<@${g.owner_id}>'s team` : `<@${g.owner_id}>`;
  const from = g.source ? ` Its numbers come from the CRM (${g.source.slice('crm:'.length)}), synced every hour.` : '';
  return { text: `Goal set for ${whose}: “${typed(g.name)}”, ${amount(Number(g.target), g.unit)} ${PERIOD_WORD[g.period]}.${from}` };
}

function standingLine(s: Standing): string {
  const team = s.goal.scope === 'team' ? ' (team)' : s.goal.source ? ' (from the CRM)' : '';
  return `*${typed(s.goal.name)}*${team}: ${amount(s.value, s.goal.unit)} of ${amount(Number(s.goal.target), s.goal.unit)} this ${s.goal.period}\n${paceBar(s)}`;
}

export function progressReply(s: Standing): Reply {
  return { text: `Recorded. ${standingLine(s)}` };
}

export function goalsReply(list: readonly Standing[]): Reply {
  if (list.length === 0) return { text: 'No goals yet. A leader or an admin sets them with `/cascade goal set`.' };
  const text = list.map(standingLine).join('\n\n');
  return { text, blocks: sections(text, 20) };
}

const FLAG_RULE_WORDS: Record<string, string> = {
  missed_in_a_row: 'check-ins missed in a row',
  commitments_kept: 'commitments slipping',
  goal_pace: 'goal behind pace',
  confidence_drop: 'confidence falling',
};

/** A flag as people name it: "Mia Wong's confidence flag". */
const FLAG_NAMES: Record<string, string> = {
  missed_in_a_row: 'missed check-ins',
  commitments_kept: 'commitments',
  goal_pace: 'goal pace',
  confidence_drop: 'confidence',
};
const flagName = (personName: string, rule: string) => `${personName}'s ${FLAG_NAMES[rule] ?? rule} flag`;

/** `/cascade flags`: each open flag named by whose and what, how long it has been open, and a Close button. */
export function flagsReply(list: readonly FlagView[], now: Date): Reply {
  if (list.length === 0) return { text: 'No open flags about the people below you.' };
  const line = (f: FlagView) =>
    `*${typed(f.personName)}* — ${FLAG_RULE_WORDS[f.rule] ?? f.rule}: ${typed(f.detail)} · ${ageOf(f.raised_at, now)}`;
  const blocks: Block[] = [section(`*Open flags below you* (${list.length})\n_${ORG_FACTORS_QUESTION}_`)];
  for (const f of list.slice(0, 40)) {
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: truncate(line(f), 3000) },
      accessory: { type: 'button', action_id: IDS.home.flagClose, text: { type: 'plain_text', text: 'Close' }, value: `f${f.id}` },
    });
  }
  if (list.length > 40) blocks.push(context(`…and ${list.length - 40} more.`));
  blocks.push(
    context(
      'Close answers the question above first. Typed: `/cascade flag close @person <missed|commitments|goal|confidence> "your answer"`.',
    ),
  );
  return { text: truncate(`*Open flags below you*\n${list.map(line).join('\n')}`, 3000), blocks };
}

/** `/cascade flags` for an admin outside the chain: the organisation's open flags, counted, never whose. */
export function orgFlagsReply(c: OrgFlagCounts): Reply {
  if (c.open === 0) return { text: 'No open flags across the organisation.' };
  const rules = c.byRule.map((r) => `${FLAG_RULE_WORDS[r.rule] ?? r.rule}: ${r.count}`).join(' · ');
  const old = c.old ? ` ${c.old} ${c.old === 1 ? 'has' : 'have'} been open more than two weeks.` : '';
  return {
    text: [
      `*Open flags across the organisation*: ${c.open} about ${c.people} ${c.people === 1 ? 'person' : 'people'} — ${rules}.${old}`,
      '_You are outside the chain, so you see counts, never whose or what anyone wrote; each leader sees the flags below them with `/cascade flags`._',
    ].join('\n'),
  };
}

export function flagClosedReply(f: Flag, personName: string): Reply {
  return { text: `${typed(flagName(personName, f.rule))} is closed, with your answer kept: “${typed(f.org_factors)}”.` };
}

export function coreValueReply(text: string): Reply {
  return { text: `The core-value statement is now “${typed(text)}”: it heads App Home and closes every digest.` };
}

export function flagRulesReply(rules: readonly RuleView[]): Reply {
  return { text: rules.map((r) => `\`${r.key}\` — ${r.active ? 'on' : '*off*'}, threshold ${r.threshold}: ${r.about}`).join('\n') };
}
