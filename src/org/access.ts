import type { Kysely } from 'kysely';
import type { Database, Person } from '../db/types';
import { notAllowed } from '../errors';
import { listAdminIds } from './people';

/** An admin is named in the org chart or in CASCADE_ADMINS (which works before any chart exists). */
export function isAdmin(userId: string, person: Pick<Person, 'is_admin' | 'active'> | undefined, configAdmins: readonly string[]): boolean {
  return configAdmins.includes(userId) || (person !== undefined && person.active && person.is_admin);
}

/** Whether someone leads anyone in the chart (has an active direct report) and whether they are an admin. */
export async function audienceOf(db: Kysely<Database>, teamId: string, userId: string, configAdmins: readonly string[]): Promise<{ leader: boolean; admin: boolean }> {
  const person = await db.selectFrom('person').select(['is_admin', 'active']).where('team_id', '=', teamId).where('slack_user_id', '=', userId).executeTakeFirst();
  const report = await db.selectFrom('person').select('slack_user_id').where('team_id', '=', teamId).where('reports_to', '=', userId).where('active', '=', true).limit(1).executeTakeFirst();
  return { leader: report !== undefined && person?.active === true, admin: isAdmin(userId, person, configAdmins) };
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
