import { sql, type Kysely } from 'kysely';
import { FACTOR_WORDS } from '../accountability/flags';
import { strongest, themesAmong } from '../checkins/said';
import type { Theme } from '../checkins/themes';
import { ORG_FACTORS, type Database, type OrgFactor } from '../db/types';
import { notAllowed } from '../errors';
import { execPeople } from '../org/chain';
import { nameOf } from '../org/people';
import type { Scope } from '../org/policy';
import { chainBelow } from '../org/visibility';
import { addDays, utcDate } from '../time/calendar';
import { periodAround, periodBefore, type Period } from '../time/periods';
import { fromTheTop, type FromTheTop } from './exec';
import { buildDigest, type Digest } from './figures';

/*
 * The monthly analytics pack: what the top of the chain and each direct report look at together before their
 * monthly conversation (CEO ↔ President by default), the same for both, over the last six months.
 */

/** A figure per month, oldest first (null: nothing to measure that month). */
type Months = readonly (number | null)[];

export interface MonthlyPack {
  readonly month: Period;
  readonly months: readonly Period[];
  readonly topName: string;
  readonly reportName: string;
  /** Goal attainment at each month's end, per team (a leader's direct reports); the month's gap to pace. */
  readonly goals: readonly { readonly leader: string; readonly attainment: Months; readonly paceGap: number | null }[];
  /** Per level: check-ins answered of those closed, and 1:1s marked held, each month. */
  readonly levels: readonly { readonly label: string; readonly answered: Months; readonly held: Months }[];
  /** Rounds nobody answered, each month, and the leaders of this month's. */
  readonly broken: Months;
  readonly brokenNow: readonly string[];
  readonly commitments: { readonly made: Months; readonly kept: Months; readonly closed: Months };
  /** The top's and the report's own commitments, open or closed this month, with kept or not. */
  readonly own: FromTheTop['commitments'];
  /** What keeps coming up below the report this month, against the month before. */
  readonly themes: readonly Theme[];
  /** Flags closed this month and the month before, by the factor the leader picked. */
  readonly factors: readonly { readonly factor: OrgFactor; readonly now: number; readonly before: number }[];
  /** Three questions for the conversation, drawn from what changed. */
  readonly questions: readonly string[];
}

/** How many months the pack looks back over. */
const MONTHS = 6;

const rate = (a: number, b: number) => (b > 0 ? a / b : null);
const pct = (x: number) => `${Math.round(x * 100)}%`;

/**
 * The pack for the top and one direct report, for a month (the last complete one by default). Only the two of
 * them may read it: the figures are the organisation's, and the themes come from the report's chain below.
 */
export async function monthlyPack(scope: Scope, options: { reportId?: string; month?: Period } = {}): Promise<MonthlyPack> {
  const { db, teamId } = scope;
  const pair = await execPeople(db, teamId);
  const top = pair.find((p) => p.top);
  const mine = pair.some((p) => p.id === scope.actor.id);
  if (!top || !mine) throw notAllowed('The monthly analytics pack is for the top of the chain and their direct reports.');
  // The top may name which report the pack is for (the first by default); a report reads their own.
  const reportId = scope.actor.id === top.id ? (options.reportId ?? pair.find((p) => !p.top)?.id) : scope.actor.id;
  if (options.reportId && options.reportId !== reportId)
    throw notAllowed('The pack is for the top and the direct report it is with: yours only.');
  if (!reportId || !pair.some((p) => p.id === reportId && !p.top))
    throw notAllowed('The pack is for the top and one of their direct reports: name one.');
  const month = options.month ?? periodAround('month', addDays(periodAround('month', utcDate(scope.now)).start, -1));
  const months: Period[] = [month];
  while (months.length < MONTHS) months.unshift(periodBefore(months[0]!));

  const digests: Digest[] = [];
  for (const m of months) digests.push(await buildDigest(db, { teamId, scope: 'exec', current: m, previous: periodBefore(m) }));
  const last = digests[digests.length - 1]!;
  const series = <T>(pick: (d: Digest) => T) => digests.map(pick);

  const leaders = [...new Set(digests.flatMap((d) => d.goals.map((g) => g.leader)))];
  const goals = leaders.map((leader) => ({
    leader,
    attainment: series((d) => d.goals.find((g) => g.leader === leader)?.attainment ?? null),
    paceGap: last.goals.find((g) => g.leader === leader)?.paceGap ?? null,
  }));
  const labels = [...new Set(digests.flatMap((d) => d.levels.map((l) => l.label)))];
  const levels = labels.map((label) => ({
    label,
    answered: series((d) => {
      const l = d.levels.find((x) => x.label === label);
      return l ? rate(l.answered.now, l.answered.now + l.missed.now) : null;
    }),
    held: series((d) => d.levels.find((x) => x.label === label)?.conversations.now ?? null),
  }));

  const below = [...(await chainBelow(db, teamId, reportId))];
  const themes = strongest(
    await themesAmong(db, { teamId, people: below, from: addDays(month.start, -1), to: month.end, sharedOnly: false }),
    4,
  );
  const factors = await factorCounts(db, teamId, below, month);
  const own = (await fromTheTop(db, teamId, month.start, scope.now))?.commitments ?? [];
  const pack: Omit<MonthlyPack, 'questions'> = {
    month,
    months,
    topName: await nameOf(db, teamId, top.id),
    reportName: await nameOf(db, teamId, reportId),
    goals,
    levels,
    broken: series((d) => d.brokenLinks.length),
    brokenNow: last.brokenLinks.map((b) => b.name),
    commitments: {
      made: series((d) => d.commitments.made.now),
      kept: series((d) => d.commitments.kept.now),
      closed: series((d) => d.commitments.closed.now),
    },
    own,
    themes,
    factors,
  };
  return { ...pack, questions: questionsFrom(pack) };
}

/** Flags about people of the chain closed in the month and the month before, by factor (flags closed before factors were asked count under none of them). */
async function factorCounts(
  db: Kysely<Database>,
  teamId: string,
  people: readonly string[],
  month: Period,
): Promise<MonthlyPack['factors']> {
  const before = periodBefore(month);
  const rows = await sql<{ factor: OrgFactor; now: number; before: number }>`
    select f.org_factor as factor,
           count(*) filter (where f.closed_at >= ${`${month.start}T00:00:00Z`}::timestamptz)::int as now,
           count(*) filter (where f.closed_at < ${`${month.start}T00:00:00Z`}::timestamptz)::int as before
    from flag f
    where f.team_id = ${teamId} and f.status = 'closed' and f.org_factor is not null and f.person_id = any(${people}::text[])
      and f.closed_at >= ${`${before.start}T00:00:00Z`}::timestamptz and f.closed_at < ${`${addDays(month.end, 1)}T00:00:00Z`}::timestamptz
    group by 1`.execute(db);
  return ORG_FACTORS.flatMap((factor) => {
    const r = rows.rows.find((x) => x.factor === factor);
    return r && (r.now > 0 || r.before > 0) ? [{ factor, now: r.now, before: r.before }] : [];
  }).sort((a, b) => b.now - a.now || b.before - a.before);
}

/**
 * Three questions from what changed, the largest change first: the team furthest behind pace, the level whose
 * check-ins were answered least against the month before, the obstacle that grew, the factor named most, and
 * commitments kept when fewer were. Written from the figures, never fixed text; fewer when less changed.
 */
function questionsFrom(p: Omit<MonthlyPack, 'questions'>): string[] {
  const out: { weight: number; text: string }[] = [];
  const monthName = (m: Period) => new Date(`${m.start}T00:00:00Z`).toLocaleString('en-GB', { month: 'long', timeZone: 'UTC' });
  const behind = p.goals.filter((g) => g.paceGap !== null && g.paceGap < 0).sort((a, b) => a.paceGap! - b.paceGap!)[0];
  if (behind) {
    const att = behind.attainment[behind.attainment.length - 1];
    out.push({
      weight: -behind.paceGap!,
      text: `${behind.leader}'s team ended ${monthName(p.month)} ${-behind.paceGap!} pts behind pace${att != null ? ` (${pct(att)} of goal)` : ''}: is it the team, or the territory, tooling or plan around it?`,
    });
  }
  for (const l of p.levels) {
    const [b, n] = l.answered.slice(-2);
    if (b != null && n != null && b - n >= 0.1)
      out.push({
        weight: Math.round((b - n) * 100),
        text: `${l.label}: ${pct(n)} of check-ins answered, from ${pct(b)} the month before. What changed for that level?`,
      });
  }
  const grew = p.themes.find((t) => t.kind === 'obstacle' && (t.trend === 'new' || t.trend === 'growing'));
  if (grew)
    out.push({
      weight: 10 * (grew.count - grew.before),
      text: `“${grew.phrase}” came up from ${grew.count} people (${grew.before} the month before): who owns removing it?`,
    });
  const factor = p.factors.find((f) => f.factor !== 'none' && f.factor !== 'person' && f.now > 0);
  if (factor)
    out.push({
      weight: 10 * factor.now,
      text: `${factor.now} flag${factor.now === 1 ? ' was' : 's were'} closed as ${FACTOR_WORDS[factor.factor]} this month: what should change there, and who decides?`,
    });
  // Smaller changes, so that the conversation has three: what people asked for more, what worked for more of them,
  // and the two people's own commitments not kept.
  const asked = p.themes.find((t) => t.kind === 'help' && (t.trend === 'new' || t.trend === 'growing'));
  if (asked)
    out.push({
      weight: 5 * (asked.count - asked.before),
      text: `${asked.count} people asked for “${asked.phrase}” (${asked.before} the month before): what can we give them?`,
    });
  const worked = p.themes.find((t) => t.kind === 'worked' && (t.trend === 'new' || t.trend === 'growing'));
  if (worked)
    out.push({
      weight: 4 * (worked.count - worked.before),
      text: `“${worked.phrase}” worked for ${worked.count} people: how does it reach every team?`,
    });
  const notKept = p.own.filter((c) => c.status === 'missed' || c.overdue);
  if (notKept.length > 0)
    out.push({
      weight: 5,
      text: `${notKept.length === 1 ? `“${notKept[0]!.text}” was` : `${notKept.length} of your own commitments were`} not kept: what got in the way?`,
    });
  const [kb, kn] = p.commitments.kept.slice(-2);
  const [cb, cn] = p.commitments.closed.slice(-2);
  const before = kb != null && cb ? kb / cb : null;
  const now = kn != null && cn ? kn / cn : null;
  if (before !== null && now !== null && before - now >= 0.1)
    out.push({
      weight: Math.round((before - now) * 100),
      text: `Commitments kept fell to ${pct(now)} from ${pct(before)}: are people committing to the right things, and getting help to keep them?`,
    });
  return out
    .sort((a, b) => b.weight - a.weight)
    .slice(0, 3)
    .map((q) => q.text);
}
