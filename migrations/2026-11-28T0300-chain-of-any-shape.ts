import { sql, type Kysely } from 'kysely';

/**
 * An org of any shape: a person's place is where they stand in the reporting tree, not one of four words.
 * `role` becomes a free title (the four old words stay valid titles); people can stand outside the chain
 * (`in_chain`); one top per workspace instead of one CEO; each round keeps its leader's depth when it was
 * planned (null on rows written without it: read as its level's depth in a four-level chain), so the funnel of past periods stays as it was; a cadence can be overridden for one leader or one
 * level of the tree. Existing rows keep their meaning: the CEO is the top, rounds keep their level's depth.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table person drop constraint if exists person_role_check`.execute(db);
  await sql`alter table person add constraint person_title_check check (length(role) between 1 and 100)`.execute(db);
  await sql`alter table person add column in_chain boolean not null default true`.execute(db);
  await sql`drop index if exists person_one_active_ceo`.execute(db);
  await sql`create unique index person_one_top on person (team_id) where reports_to is null and active and in_chain`.execute(db);

  await sql`alter table round add column depth int`.execute(db);
  await sql`
    update round r set depth = case k.level when 'ceo_president' then 0 when 'president_managers' then 1 else 2 end
    from cadence k where k.id = r.cadence_id`.execute(db);

  await sql`alter table cadence add column overrides text`.execute(db);
  await sql`alter table cadence add column for_leader text`.execute(db);
  await sql`alter table cadence add column for_level int check (for_level between 1 and 12)`.execute(db);
  await sql`
    alter table cadence add constraint cadence_override_check
    check ((overrides is null and for_leader is null and for_level is null)
        or (overrides is not null and ((for_leader is null) <> (for_level is null))))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`delete from cadence where overrides is not null`.execute(db);
  await sql`alter table cadence drop constraint cadence_override_check`.execute(db);
  await sql`alter table cadence drop column overrides, drop column for_leader, drop column for_level`.execute(db);
  await sql`alter table round drop column depth`.execute(db);
  await sql`drop index person_one_top`.execute(db);
  await sql`alter table person drop column in_chain`.execute(db);
  await sql`alter table person drop constraint person_title_check`.execute(db);
  await sql`create unique index person_one_active_ceo on person (team_id) where role = 'ceo' and active`.execute(db);
}
