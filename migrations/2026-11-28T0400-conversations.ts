import { sql, type Kysely } from 'kysely';

/**
 * Conversations that come back down: a leader's live message for each round (kept on the round), replies and
 * acknowledgements on a check-in (and the member's one answer to a reply), the 1:1 agenda's topics, and the
 * 1:1 itself marked held with a shared and a private note. A leader may ask for one DM per answer.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table person add column notify_each_answer boolean not null default false`.execute(db);
  await sql`alter table round add column live_channel text, add column live_ts text`.execute(db);
  await sql`
    alter table checkin add column held_at timestamptz, add column held_by text,
      add column shared_note text check (length(shared_note) <= 3000),
      add column private_note text check (length(private_note) <= 3000)`.execute(db);
  await sql`
    create table reply (
      id          serial primary key,
      team_id     text not null references workspace (team_id) on delete cascade,
      checkin_id  int not null references checkin (id) on delete cascade,
      author_id   text not null,
      kind        text not null check (kind in ('reply', 'ack', 'answer')),
      text        text check (length(text) <= 3000),
      parent_id   int references reply (id) on delete cascade,
      created_at  timestamptz not null default now(),
      check ((kind = 'ack') = (text is null)),
      check ((kind = 'answer') = (parent_id is not null))
    )`.execute(db);
  await sql`create index reply_checkin on reply (checkin_id, created_at)`.execute(db);
  // "Got it" once per reader and check-in; the member answers a reply once.
  await sql`create unique index reply_ack_once on reply (checkin_id, author_id) where kind = 'ack'`.execute(db);
  await sql`create unique index reply_answer_once on reply (parent_id) where kind = 'answer'`.execute(db);
  await sql`
    create table agenda_item (
      id          serial primary key,
      team_id     text not null references workspace (team_id) on delete cascade,
      checkin_id  int not null references checkin (id) on delete cascade,
      author_id   text not null,
      text        text not null check (length(text) between 1 and 500),
      created_at  timestamptz not null default now()
    )`.execute(db);
  await sql`create index agenda_item_checkin on agenda_item (checkin_id, id)`.execute(db);
  await sql`alter table delivery drop constraint delivery_kind_check`.execute(db);
  await sql`
    alter table delivery add constraint delivery_kind_check
    check (kind in ('prompt', 'reminder', 'team_reminder', 'update', 'team_update', 'brief', 'team_post', 'share', 'digest',
                    'round_live', 'round_live_update', 'answer_note', 'reply'))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`delete from delivery where kind in ('round_live', 'round_live_update', 'answer_note', 'reply')`.execute(db);
  await sql`alter table delivery drop constraint delivery_kind_check`.execute(db);
  await sql`
    alter table delivery add constraint delivery_kind_check
    check (kind in ('prompt', 'reminder', 'team_reminder', 'update', 'team_update', 'brief', 'team_post', 'share', 'digest'))`.execute(db);
  await sql`drop table agenda_item`.execute(db);
  await sql`drop table reply`.execute(db);
  await sql`alter table checkin drop column held_at, drop column held_by, drop column shared_note, drop column private_note`.execute(db);
  await sql`alter table round drop column live_channel, drop column live_ts`.execute(db);
  await sql`alter table person drop column notify_each_answer`.execute(db);
}
