import { sql, type Kysely } from 'kysely';
import { figuresOnly, type Scope } from '../org/policy';
import { directReports } from '../org/people';
import { upcomingCheckins, type UpcomingCheckin } from '../calendar/upcoming';
import type { Commitment, Database } from '../db/types';
import { homeSummary, type HomeSummary } from '../org/service';
import { goalsOf, standingOf, type Standing } from './goals';
import { orgFlagCounts, type OrgFlagCounts } from './flags';
import { localDate } from '../time/calendar';
import { WEEK_MS } from '../time/durations';

/** How far back kept-rates and participation look. */
const LOOKBACK_WEEKS = 8;

export interface ReportRow {
  readonly personId: string;
  readonly name: string;
  /** Answered of answered + missed check-ins, last eight weeks; null without any. */
  readonly participation: number | null;
  /** Done of closed commitments, last eight weeks; null without any. */
  readonly kept: number | null;
  /** The furthest-behind pace gap among their goals, in points; null without goals or while too early to tell. */
  readonly pace: number | null;
  /** How many active goals they have. */
  readonly goals: number;
  readonly openFlags: number;
}

/** Everything App Home shows one person: where they stand, and for leaders, where their people stand. */
export interface WhereYouStand extends HomeSummary {
  readonly goals: readonly Standing[];
  readonly openCommitments: readonly Commitment[];
  readonly overdue: number;
  readonly keptRate: number | null;
  readonly next: readonly UpcomingCheckin[];
  readonly reports: readonly ReportRow[];
  /** For an admin outside the chain: the organisation in numbers, never one person's data. */
  readonly aggregates: { participation: number | null; openFlags: number; openCommitments: number; flags: OrgFlagCounts } | null;
}

export async function whereYouStand(scope: Scope, options: { team?: boolean } = {}): Promise<WhereYouStand> {
  const { db, teamId, now } = scope;
  const userId = scope.actor.id;
  const summary = await homeSummary(db, teamId, userId, scope.configAdmins);
  const since = new Date(now.getTime() - LOOKBACK_WEEKS * WEEK_MS);
  const me = summary.view?.person;
  if (!me) {
    // Someone who configures Cascade from outside the chain: the organisation's figures, no one's text.
    return {
      ...summary,
      goals: [],
      openCommitments: [],
      overdue: 0,
      keptRate: null,
      next: [],
      reports: [],
      aggregates: figuresOnly(scope.actor) ? await aggregates(scope, since) : null,
    };
  }
  const today = localDate(now, me.tz);
  const openCommitments = await db
    .selectFrom('commitment')
    .selectAll()
    .where('team_id', '=', teamId)
    .where('owner_id', '=', userId)
    .where('status', '=', 'open')
    .orderBy('due_date')
    .execute();
  const seen = new Set<string>();
  const next = (await upcomingCheckins(db, teamId, me, now)).filter((u) => !seen.has(u.cadenceKey) && seen.add(u.cadenceKey));
  // `/cascade status` is about the person alone: it skips the rows of their reports.
  const rows = options.team === false ? [] : await reportRows(db, teamId, userId, since, now);
  const mine = await keptRates(db, teamId, [userId], since);
  return {
    ...summary,
    goals: await goalsOf(scope, userId),
    openCommitments,
    overdue: openCommitments.filter((m) => m.due_date < today).length,
    keptRate: mine.get(userId) ?? null,
    next,
    reports: rows,
    // Someone in the org outside the chain (RevOps) sees the organisation's figures, as an admin outside it does.
    aggregates: figuresOnly(scope.actor) ? await aggregates(scope, since) : null,
  };
}

async function keptRates(db: Kysely<Database>, teamId: string, people: readonly string[], since: Date): Promise<Map<string, number>> {
  if (people.length === 0) return new Map();
  const rows = await db
    .selectFrom('commitment')
    .select([
      'owner_id',
      sql<number>`(count(*) filter (where status = 'done') + 0.5 * count(*) filter (where status = 'partly'))::float8`.as('done'),
      sql<number>`count(*)::int`.as('closed'),
    ])
    .where('team_id', '=', teamId)
    .where('owner_id', 'in', people)
    .where('status', 'in', ['done', 'partly', 'missed'])
    .where('closed_at', '>', since)
    .groupBy('owner_id')
    .execute();
  return new Map(rows.map((r) => [r.owner_id, r.done / r.closed]));
}

/** The leader's direct reports, one row each, computed in a few set-based queries. */
async function reportRows(db: Kysely<Database>, teamId: string, leaderId: string, since: Date, now: Date): Promise<ReportRow[]> {
  const reports = await directReports(db, teamId, leaderId);
  if (reports.length === 0) return [];
  const ids = reports.map((r) => r.slack_user_id);
  const participation = await db
    .selectFrom('checkin')
    .select([
      'person_id',
      sql<number>`count(*) filter (where status = 'answered')::int`.as('answered'),
      sql<number>`count(*)::int`.as('held'),
    ])
    .where('team_id', '=', teamId)
    .where('person_id', 'in', ids)
    .where('part', '=', 'member')
    .where('status', 'in', ['answered', 'missed'])
    .where('due_at', '>', since)
    .groupBy('person_id')
    .execute();
  const flags = await db
    .selectFrom('flag')
    .select(['person_id', sql<number>`count(*)::int`.as('n')])
    .where('team_id', '=', teamId)
    .where('person_id', 'in', ids)
    .where('status', '=', 'open')
    .groupBy('person_id')
    .execute();
  const kept = await keptRates(db, teamId, ids, since);
  // Direct reports are below the leader by definition: their goals are read in one query, without a
  // visibility check per person.
  const goalRows = await db
    .selectFrom('goal')
    .selectAll()
    .where('team_id', '=', teamId)
    .where('owner_id', 'in', ids)
    .where('active', '=', true)
    .execute();
  const out: ReportRow[] = [];
  for (const r of reports) {
    const p = participation.find((x) => x.person_id === r.slack_user_id);
    const goals: Standing[] = [];
    for (const g of goalRows.filter((x) => x.owner_id === r.slack_user_id)) goals.push(await standingOf(db, g, r, now));
    out.push({
      personId: r.slack_user_id,
      name: r.name,
      participation: p && p.held > 0 ? p.answered / p.held : null,
      kept: kept.get(r.slack_user_id) ?? null,
      pace: goals.some((g) => !g.tooEarly) ? Math.min(...goals.filter((g) => !g.tooEarly).map((g) => g.paceGap)) : null,
      goals: goals.length,
      openFlags: flags.find((f) => f.person_id === r.slack_user_id)?.n ?? 0,
    });
  }
  return out;
}

async function aggregates(scope: Scope, since: Date): Promise<WhereYouStand['aggregates']> {
  const { db, teamId } = scope;
  const p = await db
    .selectFrom('checkin')
    .select([sql<number>`count(*) filter (where status = 'answered')::int`.as('answered'), sql<number>`count(*)::int`.as('held')])
    .where('team_id', '=', teamId)
    .where('status', 'in', ['answered', 'missed'])
    .where('due_at', '>', since)
    .executeTakeFirst();
  const flags = await orgFlagCounts(scope);
  const open = await db
    .selectFrom('commitment')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('team_id', '=', teamId)
    .where('status', '=', 'open')
    .executeTakeFirst();
  return { participation: p && p.held > 0 ? p.answered / p.held : null, openFlags: flags.open, openCommitments: open?.n ?? 0, flags };
}
