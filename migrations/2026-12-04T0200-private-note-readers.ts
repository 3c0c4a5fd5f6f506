import { sql, type Kysely } from 'kysely';

/**
 * A private 1:1 note is for the leader who wrote it and the chain above that leader when it was written: a
 * re-org must not hand it to a new leader. The readers are kept with the note; notes written before are
 * given their author and the author's chain of today.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table checkin add column private_note_readers text[]`.execute(db);
  await sql`
    update checkin c set private_note_readers = (
      with recursive up (id, depth) as (
        select c.held_by, 0
        union
        select p.reports_to, u.depth + 1 from person p join up u on p.slack_user_id = u.id
        where p.team_id = c.team_id and p.reports_to is not null and u.depth < 32
      )
      select array_agg(id) from up
    )
    where c.private_note is not null and c.held_by is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table checkin drop column private_note_readers`.execute(db);
}
