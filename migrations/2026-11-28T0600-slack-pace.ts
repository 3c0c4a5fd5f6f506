import { sql, type Kysely } from 'kysely';

/**
 * Each workspace's learned sending pace, shared by every replica on this database: how many Slack calls a
 * minute the outbox may make for it now, whether Slack has ever said "too fast" (until then the pace may
 * double), and until when Slack asked it to wait. The claim counts the calls of the last minute through
 * `delivery_claimed`, and reads each workspace's due deliveries through `delivery_team_due`.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table slack_pace (
      team_id text primary key references workspace (team_id) on delete cascade,
      per_minute integer not null check (per_minute > 0),
      limited_at timestamptz,
      limited_per_minute integer,
      paused_until timestamptz,
      raised_at timestamptz,
      updated_at timestamptz not null
    )`.execute(db);
  await sql`create index delivery_claimed on delivery (claimed_at) where claimed_at is not null`.execute(db);
  // Each workspace's due deliveries in order, so that a pass reads only as many as the workspace may send.
  // Closing a window cancels its check-ins' queued prompts, and deleting a check-in checks its deliveries:
  // without this index each of those read the whole outbox.
  await sql`create index delivery_checkin on delivery (checkin_id) where checkin_id is not null`.execute(db);
  // The other foreign keys nothing indexed: removing a workspace (or a question) read these tables whole,
  // once per row removed.
  await sql`create index answer_question on answer (question_id)`.execute(db);
  await sql`create index question_source on question (source_id) where source_id is not null`.execute(db);
  await sql`create index reply_team on reply (team_id)`.execute(db);
  await sql`create index agenda_item_team on agenda_item (team_id)`.execute(db);
  // (Not partial: removing a workspace deletes its deliveries by team_id through this index too.)
  await sql`create index delivery_team_due on delivery (team_id, status, not_before, id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index delivery_team_due`.execute(db);
  await sql`drop index delivery_checkin`.execute(db);
  for (const index of ['answer_question', 'question_source', 'reply_team', 'agenda_item_team']) await sql`drop index ${sql.id(index)}`.execute(db);
  await sql`drop index delivery_claimed`.execute(db);
  await sql`drop table slack_pace`.execute(db);
}
