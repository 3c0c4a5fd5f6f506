import { sql, type Kysely } from 'kysely';
import type { Database } from '../src/db/types';

/**
 * Fifty-two weeks (or `weeks`) of manager ↔ rep rounds for every manager of the workspace, written by Postgres itself:
 * four in five check-ins answered (six answers each, one in twenty methodology answers shared), the rest
 * missed or skipped.
 */
export async function seedYear(
  db: Kysely<Database>,
  teamId: string,
  options: { weeks?: number; managerDepth?: number } = {},
): Promise<{ checkins: number; answers: number }> {
  const weeks = options.weeks ?? 52;
  const first = new Date(Date.parse('2026-11-23T00:00:00Z') - (weeks - 1) * 7 * 86_400_000).toISOString().slice(0, 10);
  const cadence = await db
    .selectFrom('cadence')
    .select('id')
    .where('team_id', '=', teamId)
    .where('key', '=', 'manager_reps')
    .executeTakeFirstOrThrow();
  await sql`
    insert into round (team_id, cadence_id, leader_id, depth, occurrence, status, closes_at, closed_at)
    select ${teamId}, ${cadence.id}, m.slack_user_id, ${options.managerDepth ?? 2}, d::date, 'closed', d + interval '2 days 10 hours', d + interval '2 days 10 hours'
    from person m, generate_series(${first}::date, '2026-11-23'::date, interval '7 days') d
    where m.team_id = ${teamId} and m.role = 'manager'
    on conflict (cadence_id, leader_id, occurrence) do nothing`.execute(db);
  const checkins = await sql`
    insert into checkin (team_id, round_id, person_id, part, status, due_at, closes_at, answered_at)
    select r.team_id, r.id, p.slack_user_id, 'member', s.status, r.occurrence + time '10:00', r.occurrence + interval '2 days 10 hours',
           case when s.status = 'answered' then r.occurrence + time '11:00' end
    from round r
    join person p on p.team_id = r.team_id and p.reports_to = r.leader_id and p.role = 'rep'
    -- Per check-in (a lateral subquery of random() alone is evaluated once: every check-in got the same status).
    cross join lateral (select case when x < 8 then 'answered' when x = 8 then 'missed' else 'skipped' end as status
                        from (select abs(hashtext(p.slack_user_id || ':' || r.id)) % 10 as x) h) s
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

/**
 * The monthly rounds of every leader of leaders over the same weeks (the top's and each level below), their
 * direct reports answering four in five, all in the month's fourth week: so that a weekly org digest of
 * that week has a funnel row for every level.
 */
export async function seedUpperLevels(db: Kysely<Database>, teamId: string, weeks: number): Promise<number> {
  const first = new Date(Date.parse('2026-11-23T00:00:00Z') - (weeks - 1) * 7 * 86_400_000).toISOString().slice(0, 10);
  const rows = await sql`
    with recursive chain(id, depth) as (
      select slack_user_id, 0 from person where team_id = ${teamId} and reports_to is null and active and in_chain
      union all
      select p.slack_user_id, c.depth + 1 from person p join chain c on p.reports_to = c.id where p.team_id = ${teamId} and p.active
    ),
    leaders as (
      select c.id, c.depth, case when c.depth = 0 then 'ceo_president' else 'president_managers' end as kind from chain c
      where exists (select 1 from person m join person g on g.team_id = m.team_id and g.reports_to = m.slack_user_id
                    where m.team_id = ${teamId} and m.reports_to = c.id)
    ),
    rounds as (
      insert into round (team_id, cadence_id, leader_id, depth, occurrence, status, closes_at, closed_at)
      -- Every level meets in the last full week of the month, so that a weekly digest sees them all.
      select ${teamId}, k.id, l.id, l.depth, d::date + 22 + l.depth, 'closed', d + interval '28 days', d + interval '28 days'
      from leaders l join cadence k on k.team_id = ${teamId} and k.key = l.kind,
           generate_series(date_trunc('month', ${first}::date), '2026-11-01'::date, interval '1 month') d
      on conflict (cadence_id, leader_id, occurrence) do nothing
      returning id, leader_id, occurrence
    )
    insert into checkin (team_id, round_id, person_id, part, status, due_at, closes_at, answered_at)
    select ${teamId}, r.id, p.slack_user_id, 'member', case when random() < 0.8 then 'answered' else 'missed' end,
           r.occurrence + time '09:00', r.occurrence + interval '2 days 9 hours', null
    from rounds r join person p on p.team_id = ${teamId} and p.reports_to = r.leader_id
    on conflict (round_id, person_id) do nothing`.execute(db);
  await sql`analyze round`.execute(db);
  await sql`analyze checkin`.execute(db);
  return Number(rows.numAffectedRows ?? 0);
}

/**
 * A year of the numbers a monthly pack reads, for every rep: a monthly bookings goal set a year ago with its
 * month-to-date progress reported weekly, and one commitment a month to their manager (made in the month's first
 * week; most kept, some partly, some missed, the last month's still open).
 */
export async function seedGoalsAndCommitments(
  db: Kysely<Database>,
  teamId: string,
  weeks = 52,
): Promise<{ progress: number; commitments: number }> {
  const first = new Date(Date.parse('2026-11-23T00:00:00Z') - (weeks - 1) * 7 * 86_400_000).toISOString().slice(0, 10);
  await sql`
    insert into goal (team_id, owner_id, scope, name, unit, target, period, created_by, created_at)
    select ${teamId}, p.slack_user_id, 'person', 'New bookings', 'USD', 50000, 'month', p.reports_to, ${first}::date - 1
    from person p where p.team_id = ${teamId} and p.role = 'rep'`.execute(db);
  const progress = await sql`
    insert into progress (team_id, person_id, goal_name, value, recorded_on, source)
    select ${teamId}, p.slack_user_id, 'New bookings',
           -- Month to date: a rep's share grows through the month, some reps ahead and some behind.
           round((extract(day from d) / 30.0) * (30000 + (hashtext(p.slack_user_id) & 40000)))::int, d::date, 'import'
    from person p, generate_series(${first}::date, '2026-11-30'::date, interval '7 days') d
    where p.team_id = ${teamId} and p.role = 'rep'`.execute(db);
  const commitments = await sql`
    insert into commitment (team_id, owner_id, leader_id, text, due_date, status, closed_at, created_at)
    select ${teamId}, p.slack_user_id, p.reports_to, 'Follow up every open proposal', (m + interval '20 days')::date,
           case when m >= '2026-11-01' then 'open' when random() < 0.7 then 'done' when random() < 0.5 then 'partly' else 'missed' end,
           case when m < '2026-11-01' then m + interval '21 days' end, m + interval '2 days'
    from person p, generate_series(date_trunc('month', ${first}::date), '2026-11-01'::date, interval '1 month') m
    where p.team_id = ${teamId} and p.role = 'rep'`.execute(db);
  await sql`analyze goal`.execute(db);
  await sql`analyze progress`.execute(db);
  await sql`analyze commitment`.execute(db);
  return { progress: Number(progress.numAffectedRows ?? 0), commitments: Number(commitments.numAffectedRows ?? 0) };
}
