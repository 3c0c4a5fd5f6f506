import { STATUS_WORDS, type CommitmentView } from '../../accountability/commitments';
import { ORG_FACTORS_QUESTION, type FlagView, type RuleView } from '../../accountability/flags';
import { paceBar, type Standing } from '../../accountability/goals';
import type { Commitment, Flag, Goal } from '../../db/types';
import { context, dayLabel, sections, typed, type Reply } from './text';

export function commitmentMadeReply(m: Commitment): Reply {
  const to = m.leader_id ? `to <@${m.leader_id}>` : 'to the organisation';
  return { text: `Commitment ${m.id} made ${to}: “${typed(m.text)}”, due ${dayLabel(m.due_date)}. Your next check-in asks how it went; \`/cascade done ${m.id}\` closes it sooner.` };
}

export function commitmentLine(m: CommitmentView, today?: string): string {
  const overdue = m.status === 'open' && today !== undefined && m.due_date < today ? ' · *overdue*' : '';
  const slips = m.slips ? ` · slipped ${m.slips}×` : '';
  const to = m.leaderName ? ` to ${typed(m.leaderName)}` : ' to the organisation';
  return `*${m.id}.* “${typed(m.text)}”${to} — ${STATUS_WORDS[m.status]}, due ${dayLabel(m.due_date)}${overdue}${slips}${m.note ? `\n     _${typed(m.note)}_` : ''}`;
}

export function commitmentsReply(list: readonly CommitmentView[], mine: boolean): Reply {
  if (list.length === 0) return { text: mine ? 'You have no commitments yet. Make one with `/cascade commit <text>`.' : 'No commitments yet.' };
  const who = mine ? 'Your commitments' : `${typed(list[0]!.ownerName)}'s commitments`;
  const text = `*${who}*\n${list.map((m) => commitmentLine(m)).join('\n')}`;
  return { text, blocks: [...sections(text, 20), context('`/cascade done <number>` closes one as done.')] };
}

export function commitmentDoneReply(m: Commitment): Reply {
  return { text: `Commitment ${m.id} is done: “${typed(m.text)}”.` };
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
  return { text: `Goal set for ${whose}: “${typed(g.name)}”, ${amount(Number(g.target), g.unit)} ${PERIOD_WORD[g.period]}.` };
}

export function standingLine(s: Standing): string {
  const team = s.goal.scope === 'team' ? ' (team)' : '';
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

export const FLAG_RULE_WORDS: Record<string, string> = {
  missed_in_a_row: 'check-ins missed in a row',
  commitments_kept: 'commitments slipping',
  goal_pace: 'goal behind pace',
  confidence_drop: 'confidence falling',
};

export function flagLine(f: FlagView): string {
  return `*${f.id}.* <@${f.person_id}> — ${FLAG_RULE_WORDS[f.rule] ?? f.rule}: ${typed(f.detail)}`;
}

export function flagsReply(list: readonly FlagView[]): Reply {
  if (list.length === 0) return { text: 'No open flags about the people below you.' };
  const text = `*Open flags below you*\n${list.map(flagLine).join('\n')}\n\n_${ORG_FACTORS_QUESTION}_`;
  return { text, blocks: [...sections(text, 20), context('Close one with `/cascade flag close <number> "<your answer>"`: a flag closes only with it.')] };
}

export function flagClosedReply(f: Flag): Reply {
  return { text: `Flag ${f.id} closed, with your answer kept: “${typed(f.org_factors)}”.` };
}

export function coreValueReply(text: string): Reply {
  return { text: `The core-value statement is now “${typed(text)}”: it heads App Home and closes every digest.` };
}

export function flagRulesReply(rules: readonly RuleView[]): Reply {
  return { text: rules.map((r) => `\`${r.key}\` — ${r.active ? 'on' : '*off*'}, threshold ${r.threshold}: ${r.about}`).join('\n') };
}
