import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/types';
import { addDays, daysBetween, type CalendarDate } from '../time/calendar';
import { THEME_INTENTS, themesOf, type Said, type Theme, type ThemeKind } from './themes';

/** Whose words a set of themes may be made of, and over which days. */
interface ThemeSource {
  readonly teamId: string;
  /** The people whose answers count (what the reader may read: their chain below), or null for the whole workspace. */
  readonly people: readonly string[] | null;
  /** The period: rounds on days after `from`, up to and including `to`; it is compared with the span as long before it. */
  readonly from: CalendarDate;
  readonly to: CalendarDate;
  /**
   * Only answers their authors shared with the team, for anything published to a channel: no theme, count or
   * quote is made of an answer its author kept for their leader. Leaders' factor sentences are never shared.
   */
  readonly sharedOnly: boolean;
}

/**
 * What the organisation is saying: per kind (obstacles, what would help, what worked, and the organisational
 * factors leaders named when they closed flags), the themes of the period against the period before.
 */
export async function themesAmong(
  db: Kysely<Database>,
  source: ThemeSource,
  top = 3,
): Promise<Record<ThemeKind, Theme[]> & { answers: number }> {
  const span = Math.max(1, daysBetween(source.from, source.to));
  const start = addDays(source.from, -span);
  const whose = (column: ReturnType<typeof sql.ref>) =>
    source.people === null ? sql<boolean>`true` : sql<boolean>`${column} = any(${source.people}::text[])`;
  const intents = Object.values(THEME_INTENTS);
  const answers = await sql<{ intent: string; person: string; text: string; shared: boolean; now: boolean }>`
    select a.intent, c.person_id as person, a.value_text as text, a.shared, r.occurrence > ${source.from}::date as now
    from answer a join checkin c on c.id = a.checkin_id join round r on r.id = c.round_id
    where c.team_id = ${source.teamId} and r.occurrence > ${start}::date and r.occurrence <= ${source.to}::date
      and a.intent = any(${intents}::text[]) and a.value_text is not null and ${whose(sql.ref('c.person_id'))}
      ${source.sharedOnly ? sql`and a.shared` : sql``}`.execute(db);
  const factors = source.sharedOnly
    ? { rows: [] }
    : await sql<{ person: string; text: string; now: boolean }>`
        select f.closed_by as person, f.org_factors as text, f.closed_at >= ${`${source.from}T00:00:00Z`}::timestamptz + interval '1 day' as now
        from flag f
        where f.team_id = ${source.teamId} and f.status = 'closed' and f.org_factors is not null
          and f.closed_at >= ${`${start}T00:00:00Z`}::timestamptz + interval '1 day'
          and f.closed_at < ${`${source.to}T00:00:00Z`}::timestamptz + interval '1 day'
          and ${whose(sql.ref('f.person_id'))}`.execute(db);
  return themesOfRows(answers.rows, factors.rows, top);
}

/** An answer or a factor sentence as themes read it: whose, what, and whether it is of the period (or the one before). */
type Dated = Said & { readonly now: boolean };

/** The themes of each kind from answers (with their question's intent) and factor sentences already read. Pure. */
export function themesOfRows(
  answers: readonly (Dated & { readonly intent: string })[],
  factors: readonly Dated[],
  top = 3,
): Record<ThemeKind, Theme[]> & { answers: number } {
  const split = (rows: readonly Dated[]) => ({ now: rows.filter((r) => r.now), before: rows.filter((r) => !r.now) });
  const of = (kind: ThemeKind, rows: readonly Dated[]) => {
    const { now, before } = split(rows);
    return themesOf(kind, now, before, top);
  };
  return {
    obstacle: of(
      'obstacle',
      answers.filter((a) => a.intent === THEME_INTENTS.obstacle),
    ),
    help: of(
      'help',
      answers.filter((a) => a.intent === THEME_INTENTS.help),
    ),
    worked: of(
      'worked',
      answers.filter((a) => a.intent === THEME_INTENTS.worked),
    ),
    factor: of('factor', factors),
    answers: answers.filter((a) => a.now).length,
  };
}

/**
 * Themes of one kind, strongest first, without those that say part of a stronger one again: "review slows every
 * contract" after "legal review" shares its word (stems, stop words gone) and is the same obstacle, worded longer.
 */
function distinct(themes: readonly Theme[]): Theme[] {
  const taken = new Set<string>();
  const out: Theme[] = [];
  for (const t of themes) {
    const words = t.key.split(' ');
    if (words.some((w) => taken.has(w))) continue;
    for (const w of words) taken.add(w);
    out.push(t);
  }
  return out;
}

/**
 * The themes of all kinds in one list, at most `top`: the strongest of each kind first (an obstacle, a factor
 * named closing a flag, what would help, what worked: a leader reads what is in the way before what went well),
 * then the next of each, in that order; within a kind, the most named first, new and growing before steady.
 */
export function strongest(themes: Record<ThemeKind, Theme[]>, top = 3): Theme[] {
  const rank = { new: 0, growing: 0, steady: 1, fading: 2 } as const;
  const kinds = (['obstacle', 'factor', 'help', 'worked'] as const).map((k) =>
    distinct(
      themes[k]
        .filter((t) => t.count >= 2)
        .sort((a, b) => b.count - a.count || rank[a.trend] - rank[b.trend] || a.phrase.localeCompare(b.phrase)),
    ),
  );
  const out: Theme[] = [];
  for (let i = 0; out.length < top && kinds.some((k) => k.length > i); i++)
    for (const k of kinds) if (k[i] && out.length < top) out.push(k[i]!);
  return out;
}
