import { sql, type Kysely } from 'kysely';

/**
 * Each person's Slack status, kept from `user_change` events, the daily profile refresh and imports, so that
 * a prompt falling due reads it from the database instead of asking Slack (`users.info`) every time.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table person add column status_text text, add column status_emoji text,
      add column status_expiration bigint, add column status_read_at timestamptz`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table person drop column status_text, drop column status_emoji, drop column status_expiration, drop column status_read_at`.execute(db);
}
