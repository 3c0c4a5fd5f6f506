import { sql, type Kysely } from 'kysely';

/**
 * Ticks that cost what is due: each workspace says when it next has planning or closing to do, and the
 * database keeps that true whatever writes the org, its cadences or its check-ins.
 *
 * - `plan_due_at`: planning changes only when the UTC date turns (new occurrences come into reach) or when
 *   what it reads changes. `plan_epoch` counts changes of the people and cadences planning reads (triggers
 *   below); `planned_epoch` is the count the last planning saw.
 * - `close_due_at`: the earliest window closing not yet handled (a trigger lowers it as check-ins are made).
 * - `digest_setting.next_due_at`: the next instant a digest falls due (null: work it out at the next tick).
 * - Indexes for the reminder and flag look-ups over all workspaces at once.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table workspace add column plan_due_at timestamptz, add column plan_epoch bigint not null default 0,
      add column planned_epoch bigint, add column close_due_at timestamptz`.execute(db);
  await sql`alter table digest_setting add column next_due_at timestamptz`.execute(db);

  await sql`
    create function cascade_people_changed() returns trigger language plpgsql as $$
    begin
      if tg_op = 'UPDATE' then
        update workspace w set plan_epoch = w.plan_epoch + 1
        where w.team_id in (
          select n.team_id from new_rows n join old_rows o on o.team_id = n.team_id and o.slack_user_id = n.slack_user_id
          where (n.reports_to, n.active, n.in_chain, n.paused_until, n.tz) is distinct from (o.reports_to, o.active, o.in_chain, o.paused_until, o.tz));
      elsif tg_op = 'INSERT' then
        update workspace w set plan_epoch = w.plan_epoch + 1 where w.team_id in (select team_id from new_rows);
      else
        update workspace w set plan_epoch = w.plan_epoch + 1 where w.team_id in (select team_id from old_rows);
      end if;
      return null;
    end $$`.execute(db);
  await sql`create trigger person_planned_insert after insert on person referencing new table as new_rows for each statement execute function cascade_people_changed()`.execute(db);
  await sql`create trigger person_planned_update after update on person referencing new table as new_rows old table as old_rows for each statement execute function cascade_people_changed()`.execute(db);
  await sql`create trigger person_planned_delete after delete on person referencing old table as old_rows for each statement execute function cascade_people_changed()`.execute(db);

  await sql`
    create function cascade_cadences_changed() returns trigger language plpgsql as $$
    begin
      update workspace w set plan_epoch = w.plan_epoch + 1
      where w.team_id in (select team_id from changed_rows);
      return null;
    end $$`.execute(db);
  await sql`create trigger cadence_planned_insert after insert on cadence referencing new table as changed_rows for each statement execute function cascade_cadences_changed()`.execute(db);
  await sql`create trigger cadence_planned_update after update on cadence referencing new table as changed_rows for each statement execute function cascade_cadences_changed()`.execute(db);
  await sql`create trigger cadence_planned_delete after delete on cadence referencing old table as changed_rows for each statement execute function cascade_cadences_changed()`.execute(db);

  await sql`
    create function cascade_checkins_made() returns trigger language plpgsql as $$
    begin
      update workspace w set close_due_at = least(coalesce(w.close_due_at, 'infinity'), x.closes_at)
      from (select team_id, min(closes_at) as closes_at from new_rows group by team_id) x
      where w.team_id = x.team_id and (w.close_due_at is null or w.close_due_at > x.closes_at);
      return null;
    end $$`.execute(db);
  await sql`create trigger checkin_closing after insert on checkin referencing new table as new_rows for each statement execute function cascade_checkins_made()`.execute(db);

  await sql`create index checkin_team_closes on checkin (team_id, closes_at)`.execute(db);
  await sql`create index checkin_team_updated on checkin (team_id, updated_at)`.execute(db);
  await sql`create index commitment_team_updated on commitment (team_id, updated_at)`.execute(db);
  await sql`create index checkin_to_remind on checkin (closes_at) where status = 'sent' and reminded_at is null`.execute(db);
  // Every workspace is due once, to work out its instants.
  await sql`update workspace set close_due_at = null, plan_due_at = null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index checkin_to_remind`.execute(db);
  await sql`drop index commitment_team_updated`.execute(db);
  await sql`drop index checkin_team_updated`.execute(db);
  await sql`drop index checkin_team_closes`.execute(db);
  await sql`drop trigger checkin_closing on checkin`.execute(db);
  for (const t of ['insert', 'update', 'delete']) {
    await sql.raw(`drop trigger cadence_planned_${t} on cadence`).execute(db);
    await sql.raw(`drop trigger person_planned_${t} on person`).execute(db);
  }
  await sql`drop function cascade_checkins_made()`.execute(db);
  await sql`drop function cascade_cadences_changed()`.execute(db);
  await sql`drop function cascade_people_changed()`.execute(db);
  await sql`alter table digest_setting drop column next_due_at`.execute(db);
  await sql`alter table workspace drop column plan_due_at, drop column plan_epoch, drop column planned_epoch, drop column close_due_at`.execute(db);
}
