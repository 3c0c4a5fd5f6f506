import { sql, type Kysely } from 'kysely';

/** Commitments, goals and their progress, flags and their rules: accountability that rolls up the chain. */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table commitment (
      id                        serial primary key,
      team_id                   text not null references workspace (team_id) on delete cascade,
      owner_id                  text not null,
      leader_id                 text,
      text                      text not null,
      due_date                  date not null,
      status                    text not null default 'open' check (status in ('open', 'done', 'partly', 'missed', 'dropped')),
      source_checkin_id         int references checkin (id) on delete set null,
      slips                     int not null default 0,
      note                      text,
      last_reviewed_checkin_id  int,
      escalated_at              timestamptz,
      closed_at                 timestamptz,
      created_at                timestamptz not null default now(),
      updated_at                timestamptz not null default now()
    )`.execute(db);
  await sql`create unique index commitment_from_checkin on commitment (source_checkin_id) where source_checkin_id is not null`.execute(db);
  await sql`create index commitment_owner on commitment (team_id, owner_id, status)`.execute(db);

  await sql`
    create table goal (
      id          serial primary key,
      team_id     text not null references workspace (team_id) on delete cascade,
      owner_id    text not null,
      scope       text not null check (scope in ('person', 'team')),
      name        text not null,
      unit        text not null,
      target      numeric not null check (target > 0),
      period      text not null check (period in ('week', 'month', 'quarter')),
      created_by  text not null,
      active      boolean not null default true,
      created_at  timestamptz not null default now(),
      updated_at  timestamptz not null default now()
    )`.execute(db);
  await sql`create unique index goal_one_active on goal (team_id, owner_id, scope, lower(name)) where active`.execute(db);

  await sql`
    create table progress (
      id           bigserial primary key,
      team_id      text not null references workspace (team_id) on delete cascade,
      person_id    text not null,
      goal_name    text not null,
      value        numeric not null,
      recorded_on  date not null,
      source       text not null check (source in ('command', 'checkin', 'import')),
      source_ref   text,
      created_at   timestamptz not null default now()
    )`.execute(db);
  await sql`create index progress_person on progress (team_id, person_id, lower(goal_name), recorded_on)`.execute(db);
  await sql`create unique index progress_source on progress (team_id, source_ref) where source_ref is not null`.execute(db);

  await sql`
    create table flag (
      id           serial primary key,
      team_id      text not null references workspace (team_id) on delete cascade,
      person_id    text not null,
      rule         text not null,
      detail       text not null,
      status       text not null default 'open' check (status in ('open', 'closed')),
      raised_at    timestamptz not null default now(),
      org_factors  text,
      closed_by    text,
      closed_at    timestamptz
    )`.execute(db);
  await sql`create unique index flag_open on flag (team_id, person_id, rule) where status = 'open'`.execute(db);

  await sql`
    create table flag_rule (
      team_id    text not null references workspace (team_id) on delete cascade,
      key        text not null,
      active     boolean not null default true,
      threshold  numeric not null,
      primary key (team_id, key)
    )`.execute(db);

  await sql`alter table workspace add column flags_checked_at timestamptz`.execute(db);
  // A number question can feed a goal's progress; a question can be asked only when a condition holds.
  await sql`alter table question add column goal_name text`.execute(db);
  await sql`alter table question add column ask_when text check (ask_when in ('flags_piling'))`.execute(db);
  await sql`
    insert into question (team_id, text, kind, intent, levels, audience, required, fixed, position, ask_when)
    values (null, 'Flags are piling up across the sales organisation. Before looking at the people: could territory, tooling, training, process or support explain this — and what is mine to change?',
            'long_text', 'reflection', array['ceo_president'], 'leader', true, true, 1, 'flags_piling')`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`delete from question where ask_when is not null`.execute(db);
  await sql`alter table question drop column ask_when`.execute(db);
  await sql`alter table question drop column goal_name`.execute(db);
  await sql`alter table workspace drop column flags_checked_at`.execute(db);
  for (const table of ['flag_rule', 'flag', 'progress', 'goal', 'commitment']) await sql`drop table ${sql.table(table)}`.execute(db);
}
