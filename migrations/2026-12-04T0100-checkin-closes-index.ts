import { sql, type Kysely } from 'kysely';

/**
 * `/metrics` reports the week's check-ins by status: an index on the close of their answer window lets it
 * read just that week (an index-only range) instead of every check-in ever kept.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index checkin_closes_status on checkin (closes_at, status)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index checkin_closes_status`.execute(db);
}
