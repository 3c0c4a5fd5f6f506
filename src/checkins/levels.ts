import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../db/types';
import { KIND_LABEL, relationshipLabel, type TitleCount } from '../org/roles';

/**
 * The levels of the chain as the funnel counts them: a round belongs to the level of its leader (0 = the
 * top), as it stood when the round was planned. Each level is named from the titles of the leaders of the
 * rounds counted and of those leaders' reports ("CEO ↔ CRO", "RVPs ↔ directors").
 */

/**
 * A round's depth, for SQL that joins `round r` and `cadence k`: the one kept when it was planned, or, for a
 * row written without it, the depth its kind of relationship has in a four-level chart.
 */
export const ROUND_DEPTH: RawBuilder<number> = sql<number>`coalesce(r.depth, case k.level when 'ceo_president' then 0 when 'president_managers' then 1 else 2 end)`;

/** The name of each level of the rounds that `where` selects (SQL over `round r` and `cadence k`). */
export async function levelLabels(db: Kysely<Database>, teamId: string, where: RawBuilder<boolean>): Promise<Map<number, string>> {
  const rows = await sql<{ depth: number; side: 'leader' | 'member'; title: string; n: number; kind: string }>`
    with rr as materialized (
      select r.id, r.leader_id, ${ROUND_DEPTH} as depth, k.level as kind
      from round r join cadence k on k.id = r.cadence_id
      where r.team_id = ${teamId} and ${where}
    ),
    lead as (select depth, leader_id as id, min(kind) as kind from rr group by 1, 2),
    -- Members are named from the leaders' reports (reading every check-in of a period would cost far more).
    mem as (select distinct l.depth, p.slack_user_id as id from lead l join person p on p.team_id = ${teamId} and p.reports_to = l.id and p.active and p.in_chain)
    select l.depth, 'leader' as side, coalesce(p.role, '') as title, count(*)::int as n, min(l.kind) as kind
    from lead l left join person p on p.team_id = ${teamId} and p.slack_user_id = l.id group by 1, 2, 3
    union all
    select m.depth, 'member', coalesce(p.role, ''), count(*)::int, null
    from mem m left join person p on p.team_id = ${teamId} and p.slack_user_id = m.id group by 1, 2, 3`.execute(db);
  const byDepth = new Map<number, { leaders: TitleCount[]; members: TitleCount[]; kind: string }>();
  for (const r of rows.rows) {
    const entry = byDepth.get(r.depth) ?? { leaders: [], members: [], kind: r.kind };
    if (r.kind) entry.kind = r.kind;
    if (r.title) (r.side === 'leader' ? entry.leaders : entry.members).push({ title: r.title, count: r.n });
    byDepth.set(r.depth, entry);
  }
  return new Map(
    [...byDepth.entries()].map(([depth, e]) => [
      depth,
      e.leaders.length > 0
        ? relationshipLabel(e.leaders, e.members)
        : ((KIND_LABEL as Record<string, string>)[e.kind] ?? `Level ${depth + 1}`),
    ]),
  );
}

/** The label of one level, or a plain one when nothing names it. */
export const labelOf = (labels: ReadonlyMap<number, string>, depth: number) => labels.get(depth) ?? `Level ${depth + 1}`;
