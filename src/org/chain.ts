import { sql, type Kysely } from 'kysely';
import type { Database, Relationship } from '../db/types';
import { MAX_LEVELS } from './chart';
import { relationshipLabel } from './roles';

/**
 * Where people stand in the reporting tree, read from today's reporting lines: the top (depth 0), every
 * level of leaders below, and the individual contributors. Only active people in the chain count: someone
 * outside the chain, or deactivated, neither leads nor reports here.
 */

/** A leader: someone in the chain with at least one active report in the chain. */
export interface ChainLeader {
  readonly id: string;
  /** 0 for the top; the tree level is depth + 1. */
  readonly depth: number;
  /** The kind of relationship they lead: the top's, a leader of leaders', or a first-line leader's. */
  readonly kind: Relationship;
  readonly reports: number;
}

/** The kind of relationship a leader at `depth` leads, given whether any of their reports leads people. */
export function kindOf(depth: number, leadsLeaders: boolean): Relationship {
  if (depth === 0) return 'ceo_president';
  return leadsLeaders ? 'president_managers' : 'manager_reps';
}

/** The chain walked from the top down (recursive SQL), with each person's depth and leader. */
const chainCte = (teamId: string) => sql`
  with recursive chain(id, parent, depth) as (
    select slack_user_id, null::text, 0 from person
    where team_id = ${teamId} and active and in_chain and reports_to is null
    union all
    select p.slack_user_id, p.reports_to, c.depth + 1 from person p join chain c on p.reports_to = c.id
    where p.team_id = ${teamId} and p.active and p.in_chain and c.depth < ${MAX_LEVELS - 1}
  )`;

/** Every leader of the workspace's chain, top-down. One statement, whatever the size of the org. */
export async function chainLeaders(db: Kysely<Database>, teamId: string): Promise<ChainLeader[]> {
  const rows = await sql<{ id: string; depth: number; leads_leaders: boolean; reports: number }>`
    ${chainCte(teamId)},
    parents as materialized (select distinct parent from chain where parent is not null)
    select m.parent as id, min(m.depth)::int - 1 as depth,
           bool_or(m.id in (select parent from parents)) as leads_leaders, count(*)::int as reports
    from chain m where m.parent is not null
    group by m.parent
    order by 2, 1`.execute(db);
  return rows.rows.map((r) => ({ id: r.id, depth: r.depth, kind: kindOf(r.depth, r.leads_leaders), reports: r.reports }));
}

/** One leader's place (for one person's calendar or Home), without walking the whole org. */
export async function leaderPlace(db: Kysely<Database>, teamId: string, leaderId: string): Promise<ChainLeader | undefined> {
  const row = await sql<{ depth: number | null; reports: number; leads_leaders: boolean }>`
    with recursive up(id, reports_to, in_chain, active, depth) as (
      select slack_user_id, reports_to, in_chain, active, 0 from person where team_id = ${teamId} and slack_user_id = ${leaderId}
      union all
      select p.slack_user_id, p.reports_to, p.in_chain, p.active, u.depth + 1 from person p join up u on p.slack_user_id = u.reports_to
      where p.team_id = ${teamId} and u.depth < ${MAX_LEVELS}
    )
    select
      (select max(depth) from up where reports_to is null and active and in_chain
         and not exists (select 1 from up x where not (x.active and x.in_chain)))::int as depth,
      (select count(*)::int from person m where m.team_id = ${teamId} and m.reports_to = ${leaderId} and m.active and m.in_chain) as reports,
      exists (select 1 from person m join person g on g.team_id = m.team_id and g.reports_to = m.slack_user_id and g.active and g.in_chain
              where m.team_id = ${teamId} and m.reports_to = ${leaderId} and m.active and m.in_chain) as leads_leaders`.execute(db);
  const r = row.rows[0];
  if (!r || r.depth === null || r.reports === 0) return undefined;
  return { id: leaderId, depth: r.depth, kind: kindOf(r.depth, r.leads_leaders), reports: r.reports };
}

/** Each person's depth in the chain (the top 0), for the people given; those outside or cut off are left out. */
export async function depthsOf(db: Kysely<Database>, teamId: string): Promise<Map<string, number>> {
  const rows = await sql<{ id: string; depth: number }>`${chainCte(teamId)} select id, depth from chain`.execute(db);
  return new Map(rows.rows.map((r) => [r.id, r.depth]));
}

/** The top of the chain and their direct reports (the CEO and the President in a four-level chart): the exec pair. */
export async function execPeople(db: Kysely<Database>, teamId: string): Promise<{ id: string; tz: string; top: boolean }[]> {
  const rows = await sql<{ id: string; tz: string; top: boolean }>`
    select t.slack_user_id as id, t.tz, true as top from person t
    where t.team_id = ${teamId} and t.active and t.in_chain and t.reports_to is null
    union all
    select p.slack_user_id, p.tz, false from person p join person t on t.team_id = p.team_id and t.slack_user_id = p.reports_to
    where p.team_id = ${teamId} and p.active and p.in_chain and t.active and t.in_chain and t.reports_to is null
    order by 3 desc, 1`.execute(db);
  return rows.rows;
}

/** Whether someone leads anyone in the chain (an active report in the chain). */
export async function leadsAnyone(db: Kysely<Database>, teamId: string, userId: string): Promise<boolean> {
  const row = await db
    .selectFrom('person')
    .select('slack_user_id')
    .where('team_id', '=', teamId)
    .where('reports_to', '=', userId)
    .where('active', '=', true)
    .where('in_chain', '=', true)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** One level of today's chain: its leaders, and the titles of those leaders and of their direct reports. */
export interface ChainLevel {
  readonly depth: number;
  readonly leaders: readonly ChainLeader[];
  readonly label: string;
}

/** The chain's levels of leaders, top-down, each named from its titles ("CEO ↔ CRO", "RVPs ↔ directors"). */
export async function chainLevels(db: Kysely<Database>, teamId: string): Promise<ChainLevel[]> {
  const leaders = await chainLeaders(db, teamId);
  if (leaders.length === 0) return [];
  const titles = await sql<{ depth: number; side: 'leader' | 'member'; title: string; n: number }>`
    ${chainCte(teamId)},
    parents as materialized (select distinct parent from chain where parent is not null)
    select c.depth - 1 as depth, 'member' as side, p.role as title, count(*)::int as n
    from chain c join person p on p.team_id = ${teamId} and p.slack_user_id = c.id where c.parent is not null group by 1, 2, 3
    union all
    select c.depth, 'leader', p.role, count(*)::int
    from chain c join person p on p.team_id = ${teamId} and p.slack_user_id = c.id where c.id in (select parent from parents) group by 1, 2, 3`.execute(
    db,
  );
  const depths = [...new Set(leaders.map((l) => l.depth))].sort((a, b) => a - b);
  return depths.map((depth) => {
    const at = titles.rows.filter((t) => t.depth === depth);
    const count = (side: 'leader' | 'member') => at.filter((t) => t.side === side).map((t) => ({ title: t.title, count: t.n }));
    return { depth, leaders: leaders.filter((l) => l.depth === depth), label: relationshipLabel(count('leader'), count('member')) };
  });
}
