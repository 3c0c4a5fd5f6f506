import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table workspace (
      team_id     text primary key,
      name        text not null default '',
      core_value  text not null default 'Sales Excellence',
      created_at  timestamptz not null default now(),
      updated_at  timestamptz not null default now()
    )`.execute(db);

  await sql`
    create table person (
      team_id               text not null references workspace (team_id) on delete cascade,
      slack_user_id         text not null,
      name                  text not null,
      email                 text,
      role                  text not null check (role in ('ceo', 'president', 'manager', 'rep')),
      is_admin              boolean not null default false,
      reports_to            text,
      tz                    text not null default 'UTC',
      active                boolean not null default true,
      paused_until          date,
      profile_refreshed_at  timestamptz,
      created_at            timestamptz not null default now(),
      updated_at            timestamptz not null default now(),
      primary key (team_id, slack_user_id),
      foreign key (team_id, reports_to) references person (team_id, slack_user_id) deferrable initially deferred,
      check (reports_to is null or reports_to <> slack_user_id)
    )`.execute(db);

  await sql`create index person_reports_to on person (team_id, reports_to)`.execute(db);
  await sql`create unique index person_email on person (team_id, lower(email)) where email is not null`.execute(db);
  await sql`create unique index person_one_active_ceo on person (team_id) where role = 'ceo' and active`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table person`.execute(db);
  await sql`drop table workspace`.execute(db);
}
