import { sql, type Kysely } from 'kysely';

/**
 * A claimed delivery holds a lease that its worker renews while the pass goes on: a worker that dies gives back
 * what it had not reached within a minute, instead of holding the whole claimed batch for five. `claimed_at`
 * stays when it was claimed (the pace counts claims by it); `lease_until` is how long the claim holds.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table delivery add column lease_until timestamptz`.execute(db);
  await sql`update delivery set lease_until = claimed_at + interval '5 minutes' where status = 'sending'`.execute(db);
  await sql`drop index delivery_leased`.execute(db);
  await sql`create index delivery_leased on delivery (lease_until) where status = 'sending'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index delivery_leased`.execute(db);
  await sql`create index delivery_leased on delivery (claimed_at) where status = 'sending'`.execute(db);
  await sql`alter table delivery drop column lease_until`.execute(db);
}
