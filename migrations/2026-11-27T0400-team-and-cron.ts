import { sql, type Kysely } from 'kysely';

/**
 * Team rounds (one channel message and its thread per round), cron cadences, the deliveries they need,
 * each workspace's own copy of the question bank, and a record of Slack events already handled, so that Slack's retries are processed once.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table cadence add column cron text`.execute(db);
  await sql`alter table cadence drop constraint cadence_frequency_check`.execute(db);
  await sql`
    alter table cadence add constraint cadence_frequency_check
      check (frequency in ('weekly', 'biweekly', 'monthly', 'cron') and ((frequency = 'cron') = (cron is not null)))`.execute(db);

  await sql`alter table round add column channel_id text`.execute(db);
  await sql`alter table round add column thread_ts text`.execute(db);

  await sql`alter table delivery drop constraint delivery_kind_check`.execute(db);
  await sql`
    alter table delivery add constraint delivery_kind_check
      check (kind in ('prompt', 'reminder', 'update', 'brief', 'team_post', 'share'))`.execute(db);
  await sql`create index delivery_round on delivery (round_id) where round_id is not null`.execute(db);
  await sql`create index checkin_round on checkin (round_id, status)`.execute(db);

  // Each workspace gets its own copy of the shipped bank, so that its admins can edit and retire questions.
  await sql`alter table question add column source_id int references question (id) on delete set null`.execute(db);
  await sql`create unique index question_copy on question (team_id, source_id)`.execute(db);

  await sql`
    create table slack_event (
      event_id     text primary key,
      team_id      text not null,
      received_at  timestamptz not null default now()
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table slack_event`.execute(db);
  await sql`drop index question_copy`.execute(db);
  await sql`alter table question drop column source_id`.execute(db);
  await sql`drop index checkin_round`.execute(db);
  await sql`drop index delivery_round`.execute(db);
  await sql`alter table delivery drop constraint delivery_kind_check`.execute(db);
  await sql`alter table delivery add constraint delivery_kind_check check (kind in ('prompt', 'reminder', 'update', 'brief'))`.execute(db);
  await sql`alter table round drop column thread_ts`.execute(db);
  await sql`alter table round drop column channel_id`.execute(db);
  await sql`alter table cadence drop constraint cadence_frequency_check`.execute(db);
  await sql`alter table cadence add constraint cadence_frequency_check check (frequency in ('weekly', 'biweekly', 'monthly'))`.execute(db);
  await sql`alter table cadence drop column cron`.execute(db);
}
