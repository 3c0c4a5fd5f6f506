import { sql, type Kysely } from 'kysely';
import type { Database } from '../src/db/types';

/**
 * Fifty-two weeks of manager ↔ rep rounds for every manager of the workspace, written by Postgres itself:
 * four in five check-ins answered (six answers each, one in twenty methodology answers shared), the rest
 * missed or skipped.
 */
export async function seedYear(db: Kysely<Database>, teamId: string): Promise<{ checkins: number; answers: number }> {
  const cadence = await db.selectFrom('cadence').select('id').where('team_id', '=', teamId).where('key', '=', 'manager_reps').executeTakeFirstOrThrow();
  await sql`
    insert into round (team_id, cadence_id, leader_id, occurrence, status, closes_at, closed_at)
    select ${teamId}, ${cadence.id}, m.slack_user_id, d::date, 'closed', d + interval '2 days 10 hours', d + interval '2 days 10 hours'
    from person m, generate_series('2025-12-01'::date, '2026-11-23'::date, interval '7 days') d
    where m.team_id = ${teamId} and m.role = 'manager'
    on conflict (cadence_id, leader_id, occurrence) do nothing`.execute(db);
  const checkins = await sql`
    insert into checkin (team_id, round_id, person_id, part, status, due_at, closes_at, answered_at)
    select r.team_id, r.id, p.slack_user_id, 'member', s.status, r.occurrence + time '10:00', r.occurrence + interval '2 days 10 hours',
           case when s.status = 'answered' then r.occurrence + time '11:00' end
    from round r
    join person p on p.team_id = r.team_id and p.reports_to = r.leader_id and p.role = 'rep'
    cross join lateral (select case when random() < 0.8 then 'answered' when random() < 0.5 then 'missed' else 'skipped' end as status) s
    where r.team_id = ${teamId} and r.cadence_id = ${cadence.id}
    on conflict (round_id, person_id) do nothing`.execute(db);
  const answers = await sql`
    insert into answer (checkin_id, position, question_text, kind, intent, value_text, value_number, shared)
    select c.id, q.pos, q.text, q.kind, q.intent,
           case when q.kind in ('rating_1_5', 'number') then null
                when q.intent = 'obstacles' then (array['legal review', 'pricing approval', 'slow procurement', 'missing case studies', 'CRM hygiene'])[1 + (c.id % 5)]
                else 'Answer ' || c.id || '-' || q.pos end,
           case when q.kind = 'rating_1_5' then 1 + (c.id % 5) when q.kind = 'number' then c.id % 17 end,
           q.intent = 'methodology' and c.id % 20 = 0
    from checkin c
    cross join (values
      (1, 'What worked this week, and why?', 'long_text', 'methodology'),
      (2, 'How confident are you in reaching your goal? (1 = not at all, 5 = fully)', 'rating_1_5', 'goals'),
      (3, 'Where did your process get stuck this week?', 'text', 'process'),
      (4, 'Which obstacle is slowing you down most right now?', 'text', 'obstacles'),
      (5, 'How many meaningful customer conversations did you have this week?', 'number', 'process'),
      (6, 'What will you commit to before our next conversation?', 'commitment', 'commitment')
    ) as q(pos, text, kind, intent)
    where c.team_id = ${teamId} and c.status = 'answered'`.execute(db);
  await sql`analyze round`.execute(db);
  await sql`analyze checkin`.execute(db);
  await sql`analyze answer`.execute(db);
  return { checkins: Number(checkins.numAffectedRows ?? 0), answers: Number(answers.numAffectedRows ?? 0) };
}
