import { sql, type Kysely } from 'kysely';

/** When a workspace removed the app: its data is purged PURGE_AFTER_DAYS later, unless the app is installed again. */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table workspace add column uninstalled_at timestamptz`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table workspace drop column uninstalled_at`.execute(db);
}
