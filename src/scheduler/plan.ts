import { sql, type Kysely } from 'kysely';
import { assignCadences } from '../calendar/assign';
import { occurrencesBetween } from '../calendar/schedule';
import { listCadences } from '../calendar/upcoming';
import { chainLeaders, type ChainLeader } from '../org/chain';
import { PAUSED_FOR_GOOD } from '../org/people';
import type { Cadence, Database } from '../db/types';
import { type CalendarDate, addDays, addWorkingDays, utcDate } from '../time/calendar';

export interface PlanReport {
  rounds: number;
  checkins: number;
  deliveries: number;
}

/**
 * Creates the rounds, check-ins and prompt deliveries that are due, idempotently: a round is unique per
 * (cadence, leader, occurrence), a check-in per (round, person), a delivery per dedupe key. Each leader of
 * the chain follows the cadence of their kind of relationship (or its override for their level or for them,
 * see calendar/assign.ts); their members are their active direct reports in the chain. An occurrence is
 * planned from the day before it (so that the earliest time zone is covered) until its window closes, so
 * what fell due during downtime still goes out once. Each member's prompt is due at the cadence's local
 * time in the member's own IANA zone, computed by Postgres for that very date (daylight saving included).
 */
export async function planDue(db: Kysely<Database>, teamId: string, now: Date): Promise<PlanReport> {
  const report: PlanReport = { rounds: 0, checkins: 0, deliveries: 0 };
  const cadences = await listCadences(db, teamId);
  if (!cadences.some((c) => c.active)) return report;
  const today = utcDate(now);
  for (const { cadence, schedule, leaders } of assignCadences(cadences, await chainLeaders(db, teamId))) {
    const lookBack = cadence.answer_window_days + 4;
    for (const occurrence of occurrencesBetween(schedule, addDays(today, -lookBack), addDays(today, 1))) {
      const closeDate = addWorkingDays(occurrence, cadence.answer_window_days);
      // Nowhere on Earth is this occurrence's window still open: nothing to plan.
      if (addDays(closeDate, 1) < today) continue;
      const r = await planOccurrence(db, cadence, leaders, occurrence, closeDate, now);
      report.rounds += r.rounds;
      report.checkins += r.checkins;
      report.deliveries += r.deliveries;
    }
  }
  return report;
}

async function planOccurrence(db: Kysely<Database>, c: Cadence, leaders: readonly ChainLeader[], occurrence: CalendarDate, closeDate: CalendarDate, now: Date): Promise<PlanReport> {
  const time = c.local_time;
  const ids = leaders.map((l) => l.id);
  const depths = leaders.map((l) => l.depth);
  return db.transaction().execute(async (tx) => {
    const rounds = await sql`
      insert into round (team_id, cadence_id, leader_id, depth, occurrence)
      select ${c.team_id}, ${c.id}, l.id, l.depth, ${occurrence}::date
      from unnest(${ids}::text[], ${depths}::int[]) as l(id, depth)
      -- A round only where someone can still answer: a window closed everywhere leaves no empty round behind.
      where exists (select 1 from person m
                    where m.team_id = ${c.team_id} and m.reports_to = l.id and m.active and m.in_chain
                      and m.paused_until is distinct from ${PAUSED_FOR_GOOD}::date
                      and (${closeDate}::date + ${time}::time) at time zone m.tz > ${now})
      on conflict (cadence_id, leader_id, occurrence) do nothing`.execute(tx);

    const paused = sql`p.paused_until is not null and p.paused_until >= ${occurrence}::date`;
    const checkins = await sql`
      insert into checkin (team_id, round_id, person_id, part, status, skip_reason, due_at, closes_at)
      select r.team_id, r.id, p.slack_user_id, parts.part,
             case when ${paused} then 'skipped' else 'scheduled' end,
             case when ${paused} then 'paused until ' || p.paused_until::text end,
             (${occurrence}::date + ${time}::time) at time zone p.tz,
             (${closeDate}::date + ${time}::time) at time zone p.tz
      from round r
      join lateral (
        select m.slack_user_id as person_id, 'member' as part from person m
        where m.team_id = r.team_id and m.reports_to = r.leader_id and m.active and m.in_chain
        union all
        select r.leader_id, 'leader' where ${c.leader_reflects}
      ) parts on true
      join person p on p.team_id = r.team_id and p.slack_user_id = parts.person_id and p.active
        and p.paused_until is distinct from ${PAUSED_FOR_GOOD}::date
      where r.cadence_id = ${c.id} and r.occurrence = ${occurrence}::date and r.leader_id = any(${ids}::text[])
        and (${closeDate}::date + ${time}::time) at time zone p.tz > ${now}
      on conflict (round_id, person_id) do nothing`.execute(tx);

    await sql`
      update round r set closes_at = x.closes_at
      from (select k.round_id, max(k.closes_at) as closes_at from checkin k join round o on o.id = k.round_id
            where o.cadence_id = ${c.id} and o.occurrence = ${occurrence}::date group by k.round_id) x
      where x.round_id = r.id and r.closes_at is distinct from x.closes_at`.execute(tx);

    // Individual rounds: one DM per check-in, at the member's local time. Team rounds: one channel
    // message per round, at the leader's local time; its members answer from there.
    const deliveries =
      c.mode === 'team'
        ? await sql`
      insert into delivery (team_id, kind, dedupe_key, round_id, recipient, channel_id, not_before, payload)
      select r.team_id, 'team_post', 'team_post:' || r.id, r.id, ${c.channel_id}, ${c.channel_id},
             (${occurrence}::date + ${time}::time) at time zone l.tz, jsonb_build_object('roundId', r.id)
      from round r join person l on l.team_id = r.team_id and l.slack_user_id = r.leader_id
      where r.cadence_id = ${c.id} and r.occurrence = ${occurrence}::date
        and exists (select 1 from checkin c where c.round_id = r.id and c.status = 'scheduled')
      on conflict (dedupe_key) do nothing`.execute(tx)
        : await sql`
      insert into delivery (team_id, kind, dedupe_key, checkin_id, recipient, not_before, payload)
      select c.team_id, 'prompt', 'prompt:' || c.id, c.id, c.person_id, c.due_at, jsonb_build_object('checkinId', c.id)
      from checkin c join round r on r.id = c.round_id
      where r.cadence_id = ${c.id} and r.occurrence = ${occurrence}::date and c.status = 'scheduled'
      on conflict (dedupe_key) do nothing`.execute(tx);

    // One live message to each leader of a one-by-one round, with its first prompt, edited as members answer.
    if (c.mode !== 'team') {
      await sql`
      insert into delivery (team_id, kind, dedupe_key, round_id, recipient, not_before, payload)
      select r.team_id, 'round_live', 'round_live:' || r.id, r.id, r.leader_id, min(c.due_at), jsonb_build_object('roundId', r.id)
      from round r join checkin c on c.round_id = r.id and c.part = 'member' and c.status = 'scheduled'
      where r.cadence_id = ${c.id} and r.occurrence = ${occurrence}::date and r.live_ts is null
      group by r.id
      on conflict (dedupe_key) do nothing`.execute(tx);
    }

    return {
      rounds: Number(rounds.numAffectedRows ?? 0),
      checkins: Number(checkins.numAffectedRows ?? 0),
      deliveries: Number(deliveries.numAffectedRows ?? 0),
    };
  });
}
