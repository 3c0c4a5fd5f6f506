import { measureLabel, SCALES, sparkline, trendWords, type Series } from '../../checkins/trends';
import { paceBar } from '../../accountability/goals';
import type { WhereYouStand } from '../../accountability/standing';
import type { MyStatus } from '../../checkins/status';
import { TEAM_WEEKS, type PersonCheckin, type ReportLine } from '../../checkins/team';
import { LEVELS, type Schedule } from '../../calendar/schedule';
import type { LevelCadences } from '../../calendar/assign';
import type { Cadence, Person, Question } from '../../db/types';
import { PAUSED_FOR_GOOD } from '../../org/people';
import { localWhen } from '../../time/calendar';
import { context, dayLabel, sections, typed, type Reply } from './text';
import { WEEKDAYS } from '../../time/calendar';

const ORDINAL: Record<number, string> = { 1: 'first', 2: 'second', 3: 'third', 4: 'fourth', [-1]: 'last' };

export function statusReply(s: MyStatus, now: Date, stand?: WhereYouStand): Reply {
  const lines: string[] = [];
  if (stand) {
    for (const g of stand.goals) lines.push(`*${typed(g.goal.name)}*${g.goal.scope === 'team' ? ' (team)' : ''}: \`${paceBar(g)}\``);
    const kept = stand.keptRate === null ? '' : ` · kept ${Math.round(stand.keptRate * 100)}% over 8 weeks`;
    lines.push(`*Commitments*: ${stand.openCommitments.length} open${stand.overdue ? `, ${stand.overdue} overdue` : ''}${kept}`);
  }
  if (s.person.paused_until)
    lines.push(`:double_vertical_bar: Paused until ${s.person.paused_until}: no check-ins until then (\`/cascade pause off\` to end it).`);
  const unanswered = s.open.filter((c) => c.status === 'sent' || (c.status === 'scheduled' && c.dueAt <= now));
  const answered = s.open.filter((c) => c.status === 'answered');
  const waiting = s.open.filter((c) => c.status === 'scheduled' && c.dueAt > now);
  if (unanswered.length) {
    lines.push('*Waiting for your answers*');
    for (const c of unanswered) lines.push(`• ${c.cadenceName} — answer by ${localWhen(c.closesAt, c.personTz)} (\`/cascade checkin\`)`);
  } else {
    lines.push('Nothing is waiting for your answers.');
  }
  if (answered.length) {
    lines.push('*Answered, still editable*');
    for (const c of answered) lines.push(`• ${c.cadenceName} — until ${localWhen(c.closesAt, c.personTz)}`);
  }
  const next = [
    ...waiting.map((c) => `• ${c.cadenceName} — ${localWhen(c.dueAt, c.personTz)}`),
    ...s.next.map((n) => `• ${n.cadenceName} with ${typed(n.withName)} — ${dayLabel(n.date)}, ${n.localTime}`),
  ];
  lines.push('*Your next check-ins*', ...(next.length ? next : ['_None scheduled: you are not part of any active cadence._']));
  const text = lines.join('\n');
  return { text, blocks: [...sections(text, 10), context(`Times are in your time zone (${s.person.tz}).`)] };
}

export function pauseReply(person: Person, self: boolean): Reply {
  const who = self ? 'You are' : `<@${person.slack_user_id}> is`;
  if (!person.paused_until) return { text: `${who} no longer paused: check-ins resume at their usual times.` };
  if (person.paused_until === PAUSED_FOR_GOOD) {
    return {
      text: `${who} out of the cascade until further notice: no check-ins, and nothing counted as missed. \`/cascade pause${self ? '' : ` <@${person.slack_user_id}>`} off\` brings ${self ? 'you' : 'them'} back.`,
    };
  }
  return {
    text: `${who} paused until ${dayLabel(person.paused_until, 'full')} (inclusive). Check-ins that fall in that time are skipped, not missed.`,
  };
}

function when(c: Cadence): string {
  const day = WEEKDAYS[c.weekday]!;
  const Day = day.charAt(0).toUpperCase() + day.slice(1);
  switch (c.frequency) {
    case 'weekly':
      return `every ${Day} at ${c.local_time}`;
    case 'biweekly':
      return `every other ${Day} at ${c.local_time}`;
    case 'monthly':
      return `the ${ORDINAL[c.nth ?? 1]} ${Day} of the month at ${c.local_time}`;
    case 'cron':
      return `cron \`${c.cron}\` (at ${c.local_time})`;
  }
}

/** Whom a cadence is for: its kind of relationship, or the leader or level it overrides for. */
function forWhom(c: Cadence): string {
  if (c.for_leader) return `for <@${c.for_leader}>, instead of \`${c.overrides}\``;
  if (c.for_level) return `for level ${c.for_level}, instead of \`${c.overrides}\``;
  return LEVELS[c.level].label;
}

export function cadenceLine(c: Cadence): string {
  const mode = c.mode === 'team' ? `team, in ${c.channel_id ? `<#${c.channel_id}>` : 'no channel yet'}` : 'one by one, by DM';
  const state = c.active ? '' : ' · *off*';
  return `*${c.name}* (\`${c.key}\`, ${forWhom(c)})${state}\n${when(c)}, each person's local time · ${mode} · answer within ${c.answer_window_days} working day${c.answer_window_days === 1 ? '' : 's'} · ${c.reminder ? 'one reminder' : 'no reminder'}`;
}

/** When a level's leaders meet: the cadence's own day, or the one a deeper level of leaders moves to. */
function whenAt(c: Cadence, schedule: Schedule): string {
  const weeks = (schedule.offsetDays ?? 0) / 7;
  if (weeks === 0) return when(c);
  if (c.frequency === 'monthly' && (c.nth ?? 1) > 0 && (c.nth ?? 1) + weeks <= 4) return when({ ...c, nth: (c.nth ?? 1) + weeks });
  return `${when(c)}, ${weeks === 1 ? 'a week' : `${weeks} weeks`} later`;
}

function levelLine(l: LevelCadences): string {
  const leaders = `${l.leaders} leader${l.leaders === 1 ? '' : 's'}`;
  const lines = l.cadences.map(({ cadence: c, schedule, leaders: n }) => {
    const share = n === l.leaders ? '' : ` (${n} of them)`;
    return `• \`${c.key}\`${share}: ${c.active ? whenAt(c, schedule) : '*off*'}${c.mode === 'team' ? ', as a team' : ''}`;
  });
  return `*Level ${l.level} · ${typed(l.label)}* — ${leaders}\n${lines.join('\n') || '• no cadence'}`;
}

export function cadenceListReply(cadences: readonly Cadence[], levels: readonly LevelCadences[] = []): Reply {
  const text = cadences.map(cadenceLine).join('\n\n');
  const tree = levels.length ? `\n\n*Your chart, level by level* (level 1 is the top)\n\n${levels.map(levelLine).join('\n\n')}` : '';
  return {
    text: text + tree,
    blocks: [
      ...sections(text + tree, 40),
      context(
        'Change one with `/cascade cadence set <cadence> …`, or for one leader or level with `… for @leader` / `… level N` (admins).',
      ),
    ],
  };
}

export function cadenceSetReply(c: Cadence): Reply {
  return {
    text: `Updated.\n${cadenceLine(c)}\nRounds already planned keep their time; a new schedule applies from the next period (never a second round in this one).`,
  };
}

function questionLine(q: Question): string {
  const flags = [
    q.kind,
    q.intent,
    q.fixed ? 'fixed' : 'rotating',
    q.required ? 'required' : '',
    q.audience === 'leader' ? "leader's reflection" : '',
  ]
    .filter(Boolean)
    .join(', ');
  return `*${q.id}.* ${typed(q.text)} _(${flags}${q.choices ? `: ${typed(q.choices.join(' | '))}` : ''})_`;
}

export function questionsListReply(questions: readonly Question[]): Reply {
  if (questions.length === 0) return { text: 'No questions are active for that level.' };
  const byLevel = new Map<string, Question[]>();
  for (const q of questions) byLevel.set(q.levels[0] ?? '', [...(byLevel.get(q.levels[0] ?? '') ?? []), q]);
  const text = [...byLevel.entries()]
    .map(([level, qs]) => `*${LEVELS[level as keyof typeof LEVELS]?.label ?? level}* (\`${level}\`)\n${qs.map(questionLine).join('\n')}`)
    .join('\n\n');
  return {
    text,
    blocks: [
      ...sections(text, 40),
      context('A round asks at most five: the fixed ones, then rotating ones the person has not seen lately.'),
    ],
  };
}

export function questionChangedReply(verb: 'Added' | 'Reworded' | 'Retired', q: Question): Reply {
  const tail = verb === 'Retired' ? ' It will not be asked again; past answers keep its text.' : '';
  return { text: `${verb} question ${q.id}: ${typed(q.text)}${tail}` };
}

export function nothingToAnswerReply(s: MyStatus): Reply {
  const next = s.next[0];
  return {
    text: `Nothing is open for you to answer right now.${next ? ` Your next check-in: ${next.cadenceName}, ${dayLabel(next.date)} at ${next.localTime}.` : ''}`,
  };
}

export function teamReply(t: { leader: Person; reports: readonly ReportLine[] }, trends: readonly Series[] = []): Reply {
  if (t.reports.length === 0)
    return { text: 'You have no direct reports in the org chart. `/cascade team @person` shows the check-ins of anyone below you.' };
  const lines = t.reports.map((r) => {
    const rate = r.due ? `${Math.round((100 * r.answered) / r.due)}%` : '—';
    const extra = [r.missed ? `${r.missed} missed` : '', r.skipped ? `${r.skipped} skipped` : ''].filter(Boolean).join(', ');
    return `• <@${r.personId}> — ${r.answered} of ${r.due} answered (${rate})${extra ? `; ${extra}` : ''}`;
  });
  // The team as a whole first, week by week over twelve weeks, when there is something to draw.
  const together = trends.map(trendLine).filter((l): l is string => l !== null);
  const team = together.length ? `*Your team, last ${trends[0]!.weeks.length} weeks*, week by week\n${together.join('\n')}\n\n` : '';
  const text = `${team}*Your direct reports, last ${TEAM_WEEKS} weeks*\n${lines.join('\n')}`;
  return { text, blocks: [...sections(text, 20), context('`/cascade team @person` shows one person’s recent check-ins and answers.')] };
}

/** One measure's twelve weeks: bars on the measure's own scale, and where it is going in words. */
function trendLine(s: Series): string | null {
  if (s.values.every((v) => v === null)) return null;
  const [low, high] = SCALES[s.measure];
  return `\`${sparkline(s.values, low, high)}\` ${trendWords(s) ?? `${measureLabel(s.measure)}: one week so far`}`;
}

export function personCheckinsReply(p: { person: Person; checkins: readonly PersonCheckin[] }, trends: readonly Series[] = []): Reply {
  if (p.checkins.length === 0) return { text: `${typed(p.person.name)} has no closed or answered check-ins yet.` };
  const lines = trends.map(trendLine).filter((l): l is string => l !== null);
  const weeks = lines.length ? `*Last ${trends[0]!.weeks.length} weeks*, week by week\n${lines.join('\n')}\n\n` : '';
  const parts = p.checkins.map((c) => {
    const head = `*${c.cadenceName}* — ${dayLabel(c.occurrence)} — ${c.status}${c.skipReason ? ` (${typed(c.skipReason)})` : ''}`;
    const said = c.replies.map((r) =>
      r.kind === 'ack'
        ? `:eyes: ${typed(r.authorName)} read it`
        : `:speech_balloon: ${typed(r.authorName)}${r.kind === 'answer' ? ' answered' : ' replied'}: “${typed(r.text ?? '')}”`,
    );
    const notes = [
      c.heldAt ? `:handshake: 1:1 held${c.sharedNote ? ` — shared note: “${typed(c.sharedNote)}”` : ''}` : '',
      c.privateNote ? `:lock: Private note: “${typed(c.privateNote)}”` : '',
    ].filter(Boolean);
    return [
      head,
      ...c.answers.map((a) => `_${typed(a.question)}_\n>${typed(a.value.slice(0, 500)).replace(/\n/g, '\n>')}`),
      ...said,
      ...notes,
    ].join('\n');
  });
  const text = `*${typed(p.person.name)}*\n${weeks}*Recent check-ins*\n\n${parts.join('\n\n')}`;
  return { text, blocks: sections(text, 20) };
}
