import { sql, type Kysely } from 'kysely';

const KINDS_BEFORE = `'prompt', 'reminder', 'team_reminder', 'update', 'team_update', 'brief', 'team_post', 'share', 'digest', 'round_live', 'round_live_update', 'answer_note', 'reply'`;
const UPDATES_BEFORE = `'update', 'team_update', 'round_live_update'`;

/** The lane is derived from the kind (src/outbox/vocabulary.ts, UPDATE_KINDS): redefined with the list. */
async function lanes(db: Kysely<any>, updates: string): Promise<void> {
  await sql`drop index delivery_team_due`.execute(db);
  await sql`alter table delivery drop column lane`.execute(db);
  await sql.raw(`alter table delivery add column lane text not null generated always as (case when kind in (${updates}) then 'update' else 'post' end) stored`).execute(db);
  await sql`create index delivery_team_due on delivery (team_id, lane, status, not_before, id)`.execute(db);
}

/**
 * Both sides of the conversation. The shared note of a 1:1 marked held reaches the member in the thread of that
 * check-in (`held_note`); a reply the member answered loses its Answer button (`reply_update`, an edit). An
 * agenda topic carries over to the next 1:1 until someone ticks it off (`done_at`, `done_by`).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table delivery drop constraint delivery_kind_check`.execute(db);
  await sql.raw(`alter table delivery add constraint delivery_kind_check check (kind in (${KINDS_BEFORE}, 'held_note', 'reply_update'))`).execute(db);
  await lanes(db, `${UPDATES_BEFORE}, 'reply_update'`);
  await sql`alter table agenda_item add column done_at timestamptz, add column done_by text`.execute(db);
  await sql`create index agenda_item_open on agenda_item (team_id, checkin_id) where done_at is null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index agenda_item_open`.execute(db);
  await sql`alter table agenda_item drop column done_at, drop column done_by`.execute(db);
  await sql`delete from delivery where kind in ('held_note', 'reply_update')`.execute(db);
  await lanes(db, UPDATES_BEFORE);
  await sql`alter table delivery drop constraint delivery_kind_check`.execute(db);
  await sql.raw(`alter table delivery add constraint delivery_kind_check check (kind in (${KINDS_BEFORE}))`).execute(db);
}
