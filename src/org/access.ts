import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Database, Person } from '../db/types';
import { notAllowed } from '../errors';
import { listAdminIds } from './people';

/** An admin is named in the org chart or in CASCADE_ADMINS (which works before any chart exists). */
export function isAdmin(userId: string, person: Pick<Person, 'is_admin' | 'active'> | undefined, configAdmins: readonly string[]): boolean {
  return configAdmins.includes(userId) || (person !== undefined && person.active && person.is_admin);
}

/** Throws a refusal that names who can do it, unless `userId` is an admin. */
export async function requireAdmin(
  db: Kysely<Database>,
  teamId: string,
  userId: string,
  configAdmins: readonly string[],
  what: string,
): Promise<void> {
  const person = await db
    .selectFrom('person')
    .select(['is_admin', 'active'])
    .where('team_id', '=', teamId)
    .where('slack_user_id', '=', userId)
    .executeTakeFirst();
  if (isAdmin(userId, person, configAdmins)) return;
  const admins = [...new Set([...(await listAdminIds(db, teamId)), ...configAdmins])];
  const who = admins.length > 0 ? `Ask ${admins.map((id) => `<@${id}>`).join(', ')}.` : 'No admin is set yet: the operator can name one in CASCADE_ADMINS.';
  throw notAllowed(`Only Cascade admins can ${what}. ${who}`);
}

/**
 * Who may see what: a person sees their own data and that of everyone below them in the chain
 * (direct and indirect reports), never a peer's or a leader's.
 */
export async function canSeePersonData(db: Kysely<Database>, teamId: string, viewerId: string, subjectId: string): Promise<boolean> {
  if (viewerId === subjectId) return true;
  const row = await sql<{ found: number }>`
    with recursive chain as (
      select slack_user_id, reports_to, 1 as depth from person where team_id = ${teamId} and slack_user_id = ${subjectId}
      union all
      select p.slack_user_id, p.reports_to, c.depth + 1
      from person p join chain c on p.team_id = ${teamId} and p.slack_user_id = c.reports_to
      where c.depth < 32
    )
    select 1 as found from chain where slack_user_id = ${viewerId} limit 1`.execute(db);
  return row.rows.length > 0;
}
