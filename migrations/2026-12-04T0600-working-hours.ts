import { sql, type Kysely } from 'kysely';

/**
 * Nothing goes out outside a person's working hours, at their weekend or on a holiday: the workspace's hours
 * (Monday to Friday, 08:00–18:00 by default, in each person's zone), a person's own when they set them, and the
 * workspace's holidays, on which nothing is sent and no answer window closes.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table workspace
      add column work_days int[] not null default '{1,2,3,4,5}',
      add column work_start text not null default '08:00' check (work_start ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
      add column work_end text not null default '18:00' check (work_end ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$')`.execute(db);
  await sql`
    alter table person
      add column work_days int[],
      add column work_start text check (work_start ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
      add column work_end text check (work_end ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$')`.execute(db);
  await sql`
    create table holiday (
      team_id  text not null references workspace (team_id) on delete cascade,
      day      date not null,
      name     text not null default '' check (length(name) <= 100),
      primary key (team_id, day)
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table holiday`.execute(db);
  await sql`alter table person drop column work_days, drop column work_start, drop column work_end`.execute(db);
  await sql`alter table workspace drop column work_days, drop column work_start, drop column work_end`.execute(db);
}
