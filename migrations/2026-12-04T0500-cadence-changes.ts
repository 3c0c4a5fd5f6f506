import { sql, type Kysely } from 'kysely';

/**
 * A cadence change applies from the next period: when its schedule last changed is kept, so that planning never
 * makes a round dated before it; an override can be retired (reset) and its rounds kept; and a leader's rounds
 * are found by leader and date, to tell whether a period already has its conversation.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table cadence add column changed_at timestamptz, add column retired_at timestamptz`.execute(db);
  await sql`create index round_leader_occurrence on round (team_id, leader_id, occurrence)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index round_leader_occurrence`.execute(db);
  await sql`alter table cadence drop column changed_at, drop column retired_at`.execute(db);
}
