import { sql, type Kysely } from 'kysely';
import type { Database, NewPerson, Person } from '../db/types';
import { invalid } from '../errors';
import type { DirectoryUser } from './directory';
import { HOUR_MS } from '../time/durations';

/** The workspace's row (see `openWorkspace` for everything a new workspace gets). */
export async function ensureWorkspace(db: Kysely<Database>, teamId: string, name: string, now: Date): Promise<void> {
  await db
    .insertInto('workspace')
    .values({ team_id: teamId, name })
    .onConflict((oc) => oc.column('team_id').doUpdateSet({ name, updated_at: now }))
    .execute();
}

export async function getWorkspace(db: Kysely<Database>, teamId: string) {
  return db.selectFrom('workspace').selectAll().where('team_id', '=', teamId).executeTakeFirst();
}

export async function listPeople(db: Kysely<Database>, teamId: string, options: { activeOnly?: boolean } = {}): Promise<Person[]> {
  let q = db.selectFrom('person').selectAll().where('team_id', '=', teamId);
  if (options.activeOnly) q = q.where('active', '=', true);
  return q.orderBy('name').execute();
}

/** A person's name as the org chart has it, or their Slack id when they are not (or no longer) in it. */
export async function nameOf(db: Kysely<Database>, teamId: string, userId: string): Promise<string> {
  const row = await db
    .selectFrom('person')
    .select('name')
    .where('team_id', '=', teamId)
    .where('slack_user_id', '=', userId)
    .executeTakeFirst();
  return row?.name ?? userId;
}

/** A leader's active direct reports, by name. */
export async function directReports(db: Kysely<Database>, teamId: string, leaderId: string): Promise<Person[]> {
  return db
    .selectFrom('person')
    .selectAll()
    .where('team_id', '=', teamId)
    .where('reports_to', '=', leaderId)
    .where('active', '=', true)
    .orderBy('name')
    .execute();
}

export async function getPerson(db: Kysely<Database>, teamId: string, userId: string): Promise<Person | undefined> {
  return db.selectFrom('person').selectAll().where('team_id', '=', teamId).where('slack_user_id', '=', userId).executeTakeFirst();
}

export async function listAdminIds(db: Kysely<Database>, teamId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('person')
    .select('slack_user_id')
    .where('team_id', '=', teamId)
    .where('active', '=', true)
    .where('is_admin', '=', true)
    .orderBy('name')
    .execute();
  return rows.map((r) => r.slack_user_id);
}

/** The pause of someone paused out of the cascade for good (`pause @p until never`, or active no in the CSV). */
export const PAUSED_FOR_GOOD = '9999-12-31';

/** Inserts or updates people by (team, Slack user), in batches that stay under Postgres' parameter limit. */
export async function upsertPeople(db: Kysely<Database>, people: readonly NewPerson[], now: Date): Promise<void> {
  const BATCH = 500;
  for (let i = 0; i < people.length; i += BATCH) {
    const batch = people.slice(i, i + BATCH).map((p) => ({ ...p, updated_at: now }));
    await db
      .insertInto('person')
      .values(batch)
      .onConflict((oc) =>
        oc.columns(['team_id', 'slack_user_id']).doUpdateSet((eb) => ({
          name: eb.ref('excluded.name'),
          email: eb.ref('excluded.email'),
          role: eb.ref('excluded.role'),
          is_admin: eb.ref('excluded.is_admin'),
          reports_to: eb.ref('excluded.reports_to'),
          tz: eb.ref('excluded.tz'),
          active: eb.ref('excluded.active'),
          in_chain: eb.ref('excluded.in_chain'),
          paused_until: eb.ref('excluded.paused_until'),
          profile_refreshed_at: sql`coalesce(excluded.profile_refreshed_at, person.profile_refreshed_at)`,
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }
}

export async function updateProfile(
  db: Kysely<Database>,
  teamId: string,
  userId: string,
  profile: { name: string; tz: string; email: string | null; status?: StoredStatus },
  now: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('person')
    .set({
      name: profile.name,
      tz: profile.tz,
      // Slack leaves out the email where it may not share it: keep the one we have.
      ...(profile.email ? { email: profile.email } : {}),
      ...(profile.status ? statusColumns(profile.status, now) : {}),
      profile_refreshed_at: now,
      updated_at: now,
    })
    .where('team_id', '=', teamId)
    .where('slack_user_id', '=', userId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * Names, time zones, emails and statuses of one directory page, written in one statement to the active people of
 * the workspace it names (others are not ours). Returns how many people were updated.
 */
export async function updateProfiles(db: Kysely<Database>, teamId: string, users: readonly DirectoryUser[], now: Date): Promise<number> {
  const known = users.filter((u) => u.id);
  if (known.length === 0) return 0;
  const rows = known.map(
    (u) => sql`(${u.id}, ${u.name}, ${u.tz}, ${u.email}, ${u.statusText}, ${u.statusEmoji}, ${String(u.statusExpiration ?? 0)})`,
  );
  const result = await sql`
    update person p set name = case when v.name <> '' then v.name else p.name end, tz = v.tz,
      email = coalesce(v.email, p.email), status_text = v.status_text, status_emoji = v.status_emoji,
      status_expiration = v.status_expiration::bigint, status_read_at = ${now}, profile_refreshed_at = ${now}, updated_at = ${now}
    from (values ${sql.join(rows)}) as v(id, name, tz, email, status_text, status_emoji, status_expiration)
    where p.team_id = ${teamId} and p.slack_user_id = v.id and p.active`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

/** Marks as read the active people not read since `before`: those Slack no longer lists keep their last profile. */
export async function markProfilesRead(db: Kysely<Database>, teamId: string, before: Date, now: Date): Promise<number> {
  const result = await db
    .updateTable('person')
    .set({ profile_refreshed_at: now })
    .where('team_id', '=', teamId)
    .where('active', '=', true)
    .where((eb) => eb.or([eb('profile_refreshed_at', 'is', null), eb('profile_refreshed_at', '<', before)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Active people whose name and time zone were last read from Slack before `before` (or never). */
export async function peopleDueForRefresh(db: Kysely<Database>, teamId: string, before: Date, limit: number): Promise<Person[]> {
  return db
    .selectFrom('person')
    .selectAll()
    .where('team_id', '=', teamId)
    .where('active', '=', true)
    .where((eb) => eb.or([eb('profile_refreshed_at', 'is', null), eb('profile_refreshed_at', '<', before)]))
    .orderBy('profile_refreshed_at', (ob) => ob.asc().nullsFirst())
    .limit(limit)
    .execute();
}

/** The statement at the top of App Home and under every digest. */
export async function setCoreValue(db: Kysely<Database>, teamId: string, text: string, now: Date): Promise<string> {
  const clean = text.trim().replace(/\s+/g, ' ');
  if (clean.length < 2 || clean.length > 150) throw invalid('The statement must be from 2 to 150 characters (it is shown as a header).');
  await db.updateTable('workspace').set({ core_value: clean, updated_at: now }).where('team_id', '=', teamId).execute();
  return clean;
}

/** A Slack status as kept with the person: text, emoji, and when it clears (Unix seconds, 0 never). */
export interface StoredStatus {
  readonly text: string;
  readonly emoji: string;
  readonly expiration: number;
}

/** How long a kept status is trusted before a due prompt asks Slack again. */
export const STATUS_FRESH_MS = 3 * HOUR_MS;

function statusColumns(status: StoredStatus, now: Date) {
  return { status_text: status.text, status_emoji: status.emoji, status_expiration: status.expiration, status_read_at: now };
}

/** Keeps what Slack just said of someone's status. */
export async function recordStatus(db: Kysely<Database>, teamId: string, userId: string, status: StoredStatus, now: Date): Promise<void> {
  await db
    .updateTable('person')
    .set(statusColumns(status, now))
    .where('team_id', '=', teamId)
    .where('slack_user_id', '=', userId)
    .execute();
}

/** A status as the person's row keeps it, with when it was read (null: never). */
export interface KeptStatus {
  readonly text: string | null;
  readonly emoji: string | null;
  readonly expiration: number | string | null;
  readonly readAt: Date | null;
}

/** The kept status when it was read within STATUS_FRESH_MS of `now` (null: no status); undefined when Slack must be asked. */
export function freshFrom(kept: KeptStatus | undefined, now: Date): StoredStatus | null | undefined {
  if (!kept?.readAt || kept.readAt.getTime() < now.getTime() - STATUS_FRESH_MS || kept.readAt.getTime() > now.getTime()) return undefined;
  if (!kept.text && !kept.emoji) return null;
  return { text: kept.text ?? '', emoji: kept.emoji ?? '', expiration: Number(kept.expiration ?? 0) };
}
