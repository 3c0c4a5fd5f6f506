import { sql, type Kysely } from 'kysely';

/** Digests and exports read rounds by workspace and date range. */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index round_occurrence on round (team_id, occurrence)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index round_occurrence`.execute(db);
}
