import { sql, type Kysely } from 'kysely';

/**
 * A flag is a state, not an event: when its rule no longer fires on the latest evidence it is cleared by
 * Cascade, with what changed ("answered on 14 Dec"), and kept in history. A flag a leader closes by hand stays
 * `closed`, with their answer about organisational factors.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table flag drop constraint flag_status_check`.execute(db);
  await sql`alter table flag add constraint flag_status_check check (status in ('open', 'closed', 'cleared'))`.execute(db);
  await sql`alter table flag add column cleared_because text`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`update flag set status = 'closed' where status = 'cleared'`.execute(db);
  await sql`alter table flag drop column cleared_because`.execute(db);
  await sql`alter table flag drop constraint flag_status_check`.execute(db);
  await sql`alter table flag add constraint flag_status_check check (status in ('open', 'closed'))`.execute(db);
}
