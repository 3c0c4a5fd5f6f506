import { performance } from 'node:perf_hooks';
import { sql, type Kysely, type Transaction } from 'kysely';
import { assignCadences } from '../calendar/assign';
import { occurrencesBetween } from '../calendar/schedule';
import { listCadences } from '../calendar/upcoming';
import { chainLeaders, type ChainLeader } from '../org/chain';
import { PAUSED_FOR_GOOD } from '../org/people';
import type { Cadence, Database } from '../db/types';
import { type CalendarDate, addDays, utcDate, weekdayOf } from '../time/calendar';
import { addWorkdays } from '../time/hours';
import { holidaysFrom, workspaceHours } from '../calendar/hours';
import { deliveryKey, enqueueFrom, enqueueMany, type QueueRow } from '../outbox/vocabulary';
import { periodAround } from '../time/periods';
import { before, days } from '../time/durations';

export interface PlanReport {
  rounds: number;
  checkins: number;
  deliveries: number;
}

/** How many check-ins one planning transaction makes at most (leaders are taken whole). */
const CHUNK_CHECKINS = 2_500;

interface PlanOptions {
  /**
   * Planning continues what an earlier tick began, with nothing it reads changed since: leaders who already
   * have their round for an occurrence are done, and are skipped. Otherwise every leader is planned again
   * (idempotently), so that people added or moved since get their check-ins.
   */
  readonly continuing?: boolean;
  /** After this long, a continuing plan stops between chunks; the next tick carries on. */
  readonly budgetMs?: number;
  /**
   * The workspace's count of changes to people and cadences (scheduler/due.ts): the chain read at a count is
   * kept for the ticks that continue the plan at that same count, instead of walking 100,000 people again.
   */
  readonly epoch?: number;
}

/** Per database (a process may hold several, as tests do), the chain of each workspace at its change count. */
const chains = new WeakMap<Kysely<Database>, Map<string, { epoch: number; leaders: readonly ChainLeader[] }>>();

async function chainAt(db: Kysely<Database>, teamId: string, epoch: number | undefined): Promise<readonly ChainLeader[]> {
  if (epoch === undefined) return chainLeaders(db, teamId);
  let kept = chains.get(db);
  if (!kept) {
    kept = new Map();
    chains.set(db, kept);
  }
  const hit = kept.get(teamId);
  if (hit?.epoch === epoch) return hit.leaders;
  const leaders = await chainLeaders(db, teamId);
  kept.delete(teamId);
  // A few workspaces' chains at most (a leader is a few dozen bytes): the oldest goes first.
  if (kept.size >= 32) kept.delete(kept.keys().next().value!);
  kept.set(teamId, { epoch, leaders });
  return leaders;
}

/**
 * Creates the rounds, check-ins and prompt deliveries that are due, idempotently: a round is unique per
 * (cadence, leader, occurrence), a check-in per (round, person), a delivery per dedupe key. Each leader of
 * the chain follows the cadence of their kind of relationship (or its override for their level or for them,
 * see calendar/assign.ts); their members are their active direct reports in the chain. An occurrence is
 * planned from the day before it (so that the earliest time zone is covered) until its window closes, so
 * what fell due during downtime still goes out once. Each member's prompt is due at the cadence's local
 * time in the member's own IANA zone, computed by Postgres for that very date (daylight saving included).
 *
 * A big org is planned in chunks of leaders, one transaction each; a continuing plan stops after
 * `budgetMs` and reports itself incomplete, so that no tick is held for long by a 100,000-person week.
 */
export async function planDue(
  db: Kysely<Database>,
  teamId: string,
  now: Date,
  options: PlanOptions = {},
): Promise<PlanReport & { complete: boolean }> {
  const started = performance.now();
  const report = { rounds: 0, checkins: 0, deliveries: 0, complete: true };
  let chunks = 0;
  const cadences = await listCadences(db, teamId);
  if (!cadences.some((c) => c.active)) return report;
  const today = utcDate(now);
  // Answer windows count the workspace's working days: its weekend and holidays never close one.
  const hours = await workspaceHours(db, teamId);
  const holidays = await holidaysFrom(db, teamId, addDays(today, -40));
  for (const { cadence, schedule, leaders } of assignCadences(cadences, await chainAt(db, teamId, options.epoch))) {
    const lookBack = cadence.answer_window_days + 4;
    // A schedule applies from the day it was set: never a round dated before it (catch-up covers downtime only).
    const since = cadence.changed_at ? utcDate(cadence.changed_at) : null;
    for (const occurrence of occurrencesBetween(schedule, addDays(today, -lookBack), addDays(today, 1))) {
      if (since && occurrence < since) continue;
      const closeDate = addWorkdays(occurrence, cadence.answer_window_days, hours, holidays);
      // Nowhere on Earth is this occurrence's window still open: nothing to plan.
      if (addDays(closeDate, 1) < today) continue;
      let todo = leaders;
      if (options.continuing) {
        const done = new Set(
          (
            await db
              .selectFrom('round')
              .select('leader_id')
              .where('cadence_id', '=', cadence.id)
              .where('occurrence', '=', occurrence)
              .execute()
          ).map((r) => r.leader_id),
        );
        todo = leaders.filter((l) => !done.has(l.id));
      }
      for (const chunk of chunksOf(todo)) {
        // One chunk at least per call, so that every tick moves the plan on.
        if (options.continuing && options.budgetMs !== undefined && chunks > 0 && performance.now() - started > options.budgetMs) {
          report.complete = false;
          return report;
        }
        const r = await planOccurrence(db, cadence, chunk, occurrence, closeDate, now);
        chunks += 1;
        report.rounds += r.rounds;
        report.checkins += r.checkins;
        report.deliveries += r.deliveries;
      }
    }
  }
  return report;
}

/** Leaders in groups of about CHUNK_CHECKINS check-ins (their reports, and their own reflection). */
function chunksOf(leaders: readonly ChainLeader[]): ChainLeader[][] {
  const chunks: ChainLeader[][] = [];
  let current: ChainLeader[] = [];
  let size = 0;
  for (const leader of leaders) {
    if (current.length > 0 && size + leader.reports + 1 > CHUNK_CHECKINS) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(leader);
    size += leader.reports + 1;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/**
 * The period an occurrence belongs to, in which a leader has one conversation of a kind: its month for a
 * monthly cadence, its week (Monday to Sunday) for a weekly or biweekly one, its day for a cron one.
 */
function periodOf(c: Pick<Cadence, 'frequency'>, occurrence: CalendarDate): { start: CalendarDate; end: CalendarDate } {
  if (c.frequency === 'cron') return { start: occurrence, end: occurrence };
  if (c.frequency === 'monthly') {
    const start = `${occurrence.slice(0, 8)}01`;
    return { start, end: addDays(`${addDays(start, 32).slice(0, 8)}01`, -1) };
  }
  const start = addDays(occurrence, -((weekdayOf(occurrence) + 6) % 7));
  return { start, end: addDays(start, 6) };
}

/** One period of a cadence being planned: for whom, which day, until when, and in which period it falls. */
interface Planned {
  readonly c: Cadence;
  readonly ids: readonly string[];
  readonly depths: readonly number[];
  readonly occurrence: CalendarDate;
  readonly closeDate: CalendarDate;
  readonly time: string;
  readonly now: Date;
}

async function planOccurrence(
  db: Kysely<Database>,
  c: Cadence,
  leaders: readonly ChainLeader[],
  occurrence: CalendarDate,
  closeDate: CalendarDate,
  now: Date,
): Promise<PlanReport> {
  const plan: Planned = {
    c,
    ids: leaders.map((l) => l.id),
    depths: leaders.map((l) => l.depth),
    occurrence,
    closeDate,
    time: c.local_time,
    now,
  };
  return db.transaction().execute(async (tx) => {
    const rounds = await planRounds(tx, plan);
    const counts = c.mode === 'team' ? await planTeamPosts(tx, plan) : await planPrompts(tx, plan);
    if (c.mode !== 'team' && plan.depths.includes(0)) await planPacks(tx, plan);
    await settleCloses(tx, plan);
    return {
      rounds,
      checkins: Number(counts.rows[0]?.checkins ?? 0),
      deliveries: Number(counts.rows[0]?.deliveries ?? 0),
    };
  });
}

/**
 * The period's rounds, one per leader: only where someone can still answer (a window closed everywhere leaves no
 * empty round behind), and one conversation of a kind per period (a changed schedule never plans a second one in
 * a period that already has its round: it applies from the next period).
 */
async function planRounds(tx: Transaction<Database>, { c, ids, depths, occurrence, closeDate, time, now }: Planned): Promise<number> {
  // The relationship this cadence schedules (an override schedules the same one as the cadence it overrides).
  const family = c.overrides ?? c.key;
  const period = periodOf(c, occurrence);
  const rounds = await sql`
    insert into round (team_id, cadence_id, leader_id, depth, occurrence)
    select ${c.team_id}, ${c.id}, l.id, l.depth, ${occurrence}::date
    from unnest(${ids}::text[], ${depths}::int[]) as l(id, depth)
    -- A round only where someone can still answer: a window closed everywhere leaves no empty round behind.
    where exists (select 1 from person m
                  where m.team_id = ${c.team_id} and m.reports_to = l.id and m.active and m.in_chain
                    and m.paused_until is distinct from ${PAUSED_FOR_GOOD}::date
                    and (${closeDate}::date + ${time}::time) at time zone m.tz > ${now})
      -- One conversation of a kind per period: a changed schedule never plans a second one in a period that
      -- already has its round (it applies from the next period).
      and not exists (select 1 from round o join cadence ok on ok.id = o.cadence_id
                      where o.team_id = ${c.team_id} and o.leader_id = l.id
                        and o.occurrence between ${period.start}::date and ${period.end}::date
                        and not (o.cadence_id = ${c.id} and o.occurrence = ${occurrence}::date)
                        and coalesce(ok.overrides, ok.key) = ${family})
    on conflict (cadence_id, leader_id, occurrence) do nothing`.execute(tx);
  return Number(rounds.numAffectedRows ?? 0);
}

/**
 * The check-ins of the period's rounds, as an insert that returns what it made (never a join the planner must
 * guess, so the plan is the same with statistics or without): its prompts and live messages are planned from that.
 */
function checkinsMade({ c, ids, occurrence, closeDate, time, now }: Planned) {
  const paused = sql`p.paused_until is not null and p.paused_until >= ${occurrence}::date`;
  return sql`
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
    on conflict (round_id, person_id) do nothing
    returning id, team_id, round_id, person_id, part, status, due_at, closes_at`;
}

/** Team rounds: one channel message per round, at the leader's local time; its members answer from there. */
function planTeamPosts(tx: Transaction<Database>, plan: Planned) {
  const { c, occurrence, time } = plan;
  return sql<{ checkins: number; deliveries: number }>`
with made as (${checkinsMade(plan)}),
posts as (
  ${enqueueFrom(
    tx,
    'team_post',
    'teamPost',
    sql<QueueRow>`
  select r.team_id, r.id as subject, ${c.channel_id}::text as recipient, ${c.channel_id}::text as channel_id,
         (${occurrence}::date + ${time}::time) at time zone l.tz as not_before
  from (select distinct round_id from made where status = 'scheduled') m
  join round r on r.id = m.round_id
  join person l on l.team_id = r.team_id and l.slack_user_id = r.leader_id`,
  ).returning(sql.lit(1).as('one'))}
)
select (select count(*) from made)::int as checkins, (select count(*) from posts)::int as deliveries`.execute(tx);
}

/** One-by-one rounds: one DM per check-in at the member's local time, and one live message to the leader with the first prompt, edited as members answer. */
function planPrompts(tx: Transaction<Database>, plan: Planned) {
  return sql<{ checkins: number; deliveries: number }>`
with made as (${checkinsMade(plan)}),
prompts as (
  ${enqueueFrom(
    tx,
    'prompt',
    'prompt',
    sql<QueueRow>`select team_id, id as subject, person_id as recipient, null::text as channel_id, due_at as not_before from made where status = 'scheduled'`,
  ).returning(sql.lit(1).as('one'))}
),
lives as (
  ${enqueueFrom(
    tx,
    'round_live',
    'roundLive',
    sql<QueueRow>`
  select r.team_id, r.id as subject, r.leader_id as recipient, null::text as channel_id, m.first_due as not_before
  from (select round_id, min(due_at) as first_due from made where part = 'member' and status = 'scheduled' group by round_id) m
  join round r on r.id = m.round_id
  where r.live_ts is null`,
  )}
)
select (select count(*) from made)::int as checkins, (select count(*) from prompts)::int as deliveries`.execute(tx);
}

/**
 * The top's conversation of the month with each direct report comes with the monthly analytics pack (the month
 * before, complete): one message, the same for both, a day before the report's prompt — never before the month
 * begins, so that the month it reads is over — and held to each one's working hours. Once a month per pair: a
 * second conversation in the month, or a weekly cadence at the top, gets none.
 */
async function planPacks(tx: Transaction<Database>, { c, ids, depths, occurrence }: Planned): Promise<void> {
  const top = ids[depths.indexOf(0)]!;
  const reports = await tx
    .selectFrom('checkin as k')
    .innerJoin('round as r', 'r.id', 'k.round_id')
    .select(['k.id', 'k.person_id', 'k.due_at'])
    .where('r.cadence_id', '=', c.id)
    .where('r.occurrence', '=', occurrence)
    .where('r.leader_id', '=', top)
    .where('k.part', '=', 'member')
    .where('k.status', '=', 'scheduled')
    .execute();
  const thisMonth = periodAround('month', occurrence);
  const month = periodAround('month', addDays(thisMonth.start, -1)).start;
  const monthBegins = new Date(`${thisMonth.start}T00:00:00Z`);
  const items = reports.flatMap((r) =>
    [r.person_id, top].map((recipient) => {
      const dayBefore = before(new Date(r.due_at), days(1));
      return {
        teamId: c.team_id,
        payload: { checkinId: r.id, reportId: r.person_id, month },
        key: deliveryKey.pack({ reportId: r.person_id, month }, recipient),
        recipient,
        notBefore: dayBefore > monthBegins ? dayBefore : monthBegins,
      };
    }),
  );
  await enqueueMany(tx, 'pack', items);
}

/** Each round of the period closes when its last member's window does. */
async function settleCloses(tx: Transaction<Database>, { c, occurrence }: Planned): Promise<void> {
  await sql`
    update round r set closes_at = x.closes_at
    from (select k.round_id, max(k.closes_at) as closes_at from checkin k
          where k.round_id = any(array(select id from round where cadence_id = ${c.id} and occurrence = ${occurrence}::date))
          group by k.round_id) x
    where x.round_id = r.id and r.closes_at is distinct from x.closes_at`.execute(tx);
}
