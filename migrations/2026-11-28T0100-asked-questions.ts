import { sql, type Kysely } from 'kysely';

/** The questions a check-in asked when its window first opened, so that editing the answers shows the same ones. */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table checkin add column question_ids integer[]`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table checkin drop column question_ids`.execute(db);
}
