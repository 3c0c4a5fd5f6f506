import { sql, type Kysely } from 'kysely';

/** Cadences, rounds, check-ins, answers, the question bank and the delivery outbox. */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table cadence (
      id                   serial primary key,
      team_id              text not null references workspace (team_id) on delete cascade,
      key                  text not null,
      level                text not null check (level in ('ceo_president', 'president_managers', 'manager_reps')),
      name                 text not null,
      frequency            text not null check (frequency in ('weekly', 'biweekly', 'monthly')),
      weekday              int not null check (weekday between 0 and 6),
      nth                  int check (nth is null or nth between -1 and 4),
      local_time           text not null check (local_time ~ '^[0-2][0-9]:[0-5][0-9]$'),
      mode                 text not null check (mode in ('individual', 'team')),
      channel_id           text,
      answer_window_days   int not null default 2 check (answer_window_days between 1 and 14),
      reminder             boolean not null default true,
      anchor_date          date not null,
      leader_reflects      boolean not null default false,
      active               boolean not null default true,
      created_at           timestamptz not null default now(),
      unique (team_id, key)
    )`.execute(db);

  await sql`
    create table question (
      id              serial primary key,
      team_id         text references workspace (team_id) on delete cascade,
      text            text not null,
      kind            text not null check (kind in ('text', 'long_text', 'rating_1_5', 'number', 'yes_no', 'choice', 'commitment')),
      intent          text not null check (intent in ('experience', 'process', 'methodology', 'goals', 'obstacles', 'support', 'reflection', 'commitment')),
      levels          text[] not null,
      audience        text not null default 'member' check (audience in ('member', 'leader')),
      choices         text[],
      required        boolean not null default false,
      fixed           boolean not null default false,
      position        int not null default 100,
      active          boolean not null default true,
      created_at      timestamptz not null default now()
    )`.execute(db);

  await sql`
    create table round (
      id            serial primary key,
      team_id       text not null references workspace (team_id) on delete cascade,
      cadence_id    int not null references cadence (id) on delete cascade,
      leader_id     text not null,
      occurrence    date not null,
      status        text not null default 'open' check (status in ('open', 'closed')),
      closes_at     timestamptz,
      closed_at     timestamptz,
      created_at    timestamptz not null default now(),
      unique (cadence_id, leader_id, occurrence)
    )`.execute(db);

  await sql`
    create table checkin (
      id            serial primary key,
      team_id       text not null references workspace (team_id) on delete cascade,
      round_id      int not null references round (id) on delete cascade,
      person_id     text not null,
      part          text not null default 'member' check (part in ('member', 'leader')),
      status        text not null check (status in ('scheduled', 'sent', 'answered', 'missed', 'skipped')),
      skip_reason   text,
      due_at        timestamptz not null,
      closes_at     timestamptz not null,
      snoozed_until timestamptz,
      answered_at   timestamptz,
      reminded_at   timestamptz,
      channel_id    text,
      message_ts    text,
      created_at    timestamptz not null default now(),
      updated_at    timestamptz not null default now(),
      unique (round_id, person_id)
    )`.execute(db);
  await sql`create index checkin_person on checkin (team_id, person_id, due_at)`.execute(db);
  await sql`create index checkin_open on checkin (status, closes_at) where status in ('scheduled', 'sent')`.execute(db);

  await sql`
    create table answer (
      id             serial primary key,
      checkin_id     int not null references checkin (id) on delete cascade,
      question_id    int references question (id) on delete set null,
      position       int not null,
      question_text  text not null,
      kind           text not null,
      intent         text not null,
      value_text     text,
      value_number   numeric,
      shared         boolean not null default false,
      created_at     timestamptz not null default now(),
      updated_at     timestamptz not null default now(),
      unique (checkin_id, position)
    )`.execute(db);

  await sql`
    create table delivery (
      id           bigserial primary key,
      team_id      text not null references workspace (team_id) on delete cascade,
      kind         text not null check (kind in ('prompt', 'reminder', 'update', 'brief')),
      dedupe_key   text not null unique,
      checkin_id   int references checkin (id) on delete cascade,
      round_id     int references round (id) on delete cascade,
      recipient    text not null,
      status       text not null default 'queued' check (status in ('queued', 'sending', 'sent', 'failed', 'cancelled')),
      not_before   timestamptz not null,
      attempts     int not null default 0,
      claimed_at   timestamptz,
      sent_at      timestamptz,
      channel_id   text,
      ts           text,
      last_error   text,
      created_at   timestamptz not null default now()
    )`.execute(db);
  await sql`create index delivery_due on delivery (not_before) where status = 'queued'`.execute(db);
  await sql`create index delivery_leased on delivery (claimed_at) where status = 'sending'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['delivery', 'answer', 'checkin', 'round', 'question', 'cadence']) {
    await sql`drop table ${sql.table(table)}`.execute(db);
  }
}
