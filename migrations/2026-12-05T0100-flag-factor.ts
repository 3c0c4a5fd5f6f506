import { sql, type Kysely } from 'kysely';

/**
 * The organisational factor a leader picks when closing a flag (territory, tooling, training, process, support,
 * the person, or none), beside their sentence: what the monthly pack groups flags by, exactly. Flags closed
 * before keep no factor.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table flag add column org_factor text check (org_factor in ('territory', 'tooling', 'training', 'process', 'support', 'person', 'none'))`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table flag drop column org_factor`.execute(db);
}
