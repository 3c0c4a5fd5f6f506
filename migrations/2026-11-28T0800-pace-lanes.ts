import { sql, type Kysely } from 'kysely';

/**
 * Slack limits each Web API method on its own: `chat.update` is Tier 3 (about 50 a minute), far below what
 * `chat.postMessage` allows a workspace. One pace per workspace let a burst of edits (every prompt of a
 * closing window marked missed, a live message per answer) answer 429 and pause the prompts and reminders
 * with them. Each delivery now belongs to a lane, derived from its kind — `update` for the kinds that edit a
 * message in place (the list in `src/outbox/vocabulary.ts`, `UPDATE_KINDS`), `post` for the rest — and each
 * workspace has a pace per lane. The due-deliveries index leads with the lane so that a pass probes each
 * lane of a workspace on its own.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table delivery add column lane text not null
      generated always as (case when kind in ('update', 'team_update', 'round_live_update') then 'update' else 'post' end) stored`.execute(db);
  await sql`alter table slack_pace add column lane text not null default 'post' check (lane in ('post', 'update'))`.execute(db);
  await sql`alter table slack_pace drop constraint slack_pace_pkey`.execute(db);
  await sql`alter table slack_pace add primary key (team_id, lane)`.execute(db);
  await sql`drop index delivery_team_due`.execute(db);
  await sql`create index delivery_team_due on delivery (team_id, lane, status, not_before, id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index delivery_team_due`.execute(db);
  await sql`create index delivery_team_due on delivery (team_id, status, not_before, id)`.execute(db);
  await sql`delete from slack_pace where lane <> 'post'`.execute(db);
  await sql`alter table slack_pace drop constraint slack_pace_pkey`.execute(db);
  await sql`alter table slack_pace add primary key (team_id)`.execute(db);
  await sql`alter table slack_pace drop column lane`.execute(db);
  await sql`alter table delivery drop column lane`.execute(db);
}
