import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/types';

/** Everyone below `leaderId`, at any depth, following today's reporting lines. */
export async function chainBelow(db: Kysely<Database>, teamId: string, leaderId: string): Promise<Set<string>> {
  const rows = await sql<{ id: string }>`
    with recursive below(id, depth) as (
      select slack_user_id, 1 from person where team_id = ${teamId} and reports_to = ${leaderId}
      union
      select p.slack_user_id, b.depth + 1 from person p join below b on p.reports_to = b.id
      where p.team_id = ${teamId} and b.depth < 32
    )
    select distinct id from below where id <> ${leaderId}`.execute(db);
  return new Set(rows.rows.map((r) => r.id));
}

/** The people above `personId`, nearest first, following today's reporting lines. */
export async function chainAbove(db: Kysely<Database>, teamId: string, personId: string): Promise<string[]> {
  const rows = await sql<{ id: string }>`
    with recursive up(id, depth) as (
      select reports_to, 1 from person where team_id = ${teamId} and slack_user_id = ${personId} and reports_to is not null
      union
      select p.reports_to, u.depth + 1 from person p join up u on p.slack_user_id = u.id
      where p.team_id = ${teamId} and p.reports_to is not null and u.depth < 32
    )
    select id from up order by depth`.execute(db);
  return rows.rows.map((r) => r.id).filter((id) => id !== personId);
}
