import { sql, type Kysely } from 'kysely';

const KINDS_BEFORE = `'prompt', 'reminder', 'team_reminder', 'update', 'team_update', 'brief', 'team_post', 'share', 'digest', 'round_live', 'round_live_update', 'answer_note', 'reply', 'held_note', 'reply_update'`;

/**
 * The monthly analytics pack, sent to the top of the chain and to each direct report before their monthly
 * conversation (`pack`, a post: its lane is derived as before).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table delivery drop constraint delivery_kind_check`.execute(db);
  await sql.raw(`alter table delivery add constraint delivery_kind_check check (kind in (${KINDS_BEFORE}, 'pack'))`).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`delete from delivery where kind = 'pack'`.execute(db);
  await sql`alter table delivery drop constraint delivery_kind_check`.execute(db);
  await sql.raw(`alter table delivery add constraint delivery_kind_check check (kind in (${KINDS_BEFORE}))`).execute(db);
}
