import { sql, type Kysely } from 'kysely';

/** Digest channels and schedules per scope, and the digest delivery kind. */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table digest_setting (
      team_id     text not null references workspace (team_id) on delete cascade,
      scope       text not null check (scope in ('team', 'org', 'exec')),
      owner_id    text not null default '',
      channel_id  text,
      frequency   text not null default 'weekly' check (frequency in ('weekly', 'monthly')),
      weekday     int not null default 1 check (weekday between 0 and 6),
      local_time  text not null default '08:00' check (local_time ~ '^[0-2][0-9]:[0-5][0-9]$'),
      updated_at  timestamptz not null default now(),
      primary key (team_id, scope, owner_id)
    )`.execute(db);
  await sql`alter table delivery drop constraint delivery_kind_check`.execute(db);
  await sql`
    alter table delivery add constraint delivery_kind_check
      check (kind in ('prompt', 'reminder', 'update', 'brief', 'team_post', 'share', 'digest'))`.execute(db);
  await sql`create index answer_checkin on answer (checkin_id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index answer_checkin`.execute(db);
  await sql`alter table delivery drop constraint delivery_kind_check`.execute(db);
  await sql`alter table delivery add constraint delivery_kind_check check (kind in ('prompt', 'reminder', 'update', 'brief', 'team_post', 'share'))`.execute(db);
  await sql`drop table digest_setting`.execute(db);
}
