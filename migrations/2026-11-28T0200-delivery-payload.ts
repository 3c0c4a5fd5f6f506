import { sql, type Kysely } from 'kysely';

/**
 * The outbox speaks a vocabulary: each delivery carries a typed payload (jsonb) instead of a key to parse,
 * and a team round's reminder and edit are kinds of their own rather than a prompt's kind without a check-in.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table delivery add column payload jsonb not null default '{}'::jsonb`.execute(db);
  await sql`alter table delivery drop constraint delivery_kind_check`.execute(db);
  await sql`update delivery set kind = 'team_reminder' where kind = 'reminder' and checkin_id is null`.execute(db);
  await sql`update delivery set kind = 'team_update' where kind = 'update' and checkin_id is null`.execute(db);
  await sql`
    alter table delivery add constraint delivery_kind_check
    check (kind in ('prompt', 'reminder', 'team_reminder', 'update', 'team_update', 'brief', 'team_post', 'share', 'digest'))`.execute(db);
  await sql`update delivery set payload = jsonb_build_object('checkinId', checkin_id) where checkin_id is not null`.execute(db);
  await sql`update delivery set payload = jsonb_build_object('roundId', round_id) where checkin_id is null and round_id is not null`.execute(db);
  await sql`
    update delivery set payload = jsonb_build_object(
      'scope', split_part(dedupe_key, ':', 2), 'ownerId', split_part(dedupe_key, ':', 3),
      'start', split_part(dedupe_key, ':', 4), 'end', split_part(dedupe_key, ':', 5))
    where kind = 'digest'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table delivery drop constraint delivery_kind_check`.execute(db);
  await sql`update delivery set kind = 'reminder' where kind = 'team_reminder'`.execute(db);
  await sql`update delivery set kind = 'update' where kind = 'team_update'`.execute(db);
  await sql`
    alter table delivery add constraint delivery_kind_check
    check (kind in ('prompt', 'reminder', 'update', 'brief', 'team_post', 'share', 'digest'))`.execute(db);
  await sql`alter table delivery drop column payload`.execute(db);
}
