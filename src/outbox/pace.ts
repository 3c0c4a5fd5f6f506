import { sql, type Kysely } from 'kysely';
import type { Database, DeliveryLane } from '../db/types';
import { MINUTE_MS } from '../time/durations';

/**
 * How fast Cascade sends to one workspace, learned from Slack itself and kept in the database so that every
 * replica shares it (table `slack_pace`). Slack limits calls per method, per app, per workspace, and does not
 * say the workspace-wide ceiling of `chat.postMessage`; so the outbox starts at a safe pace and finds it:
 *
 * - **Start:** `START` calls a minute, a pace Slack's docs promise (Tier 4 is 100+; posting is "several
 *   hundred" a workspace). Until Slack first answers 429 the pace doubles on every pass that had more due
 *   than it allowed (slow start), so a big workspace finds its ceiling within a minute or so of its first wave.
 * - **On a 429:** Slack's `Retry-After` is honoured (the workspace is paused until then, for all replicas),
 *   and the pace steps back to `DECREASE` × what Slack accepted in the last minute (multiplicative decrease;
 *   × the pace itself when next to nothing was accepted, as when another method's limit answered).
 * - **While Slack accepts:** the pace goes up by `STEP_SHARE` of the ceiling last seen (at least `MIN_STEP`),
 *   at most once a minute (counted from the last raise or step back), on passes that had more due than it allowed (additive increase).
 *
 * The learned pace outlives the wave: next Monday starts where this one ended.
 *
 * Each workspace has a pace per lane (`delivery.lane`): `post` for the calls that send (`chat.postMessage`,
 * uploads), `update` for `chat.update`, which Slack limits on its own (Tier 3): a burst of edits that Slack
 * slows down never holds up a prompt. The `update` lane starts at `START_UPDATE`, Tier 3's documented 50.
 */
export const PACE = {
  START: 200,
  START_UPDATE: 50,
  MIN: 10,
  MAX: 6000,
  DECREASE: 0.9,
  STEP_SHARE: 0.05,
  MIN_STEP: 5,
} as const;

export interface Pace {
  readonly perMinute: number;
  readonly pausedUntil: Date | null;
  /** The most Slack accepted in a minute when it last said 429; null while the outbox has never been refused. */
  readonly limitedPerMinute: number | null;
}

/** Where each lane's pace starts before Slack has said anything. */
export const LANE_START: Readonly<Record<DeliveryLane, number>> = { post: PACE.START, update: PACE.START_UPDATE };

function startOf(lane: DeliveryLane): number {
  return LANE_START[lane];
}

export async function paceOf(db: Kysely<Database>, teamId: string, lane: DeliveryLane = 'post'): Promise<Pace> {
  const row = await db.selectFrom('slack_pace').selectAll().where('team_id', '=', teamId).where('lane', '=', lane).executeTakeFirst();
  return {
    perMinute: row?.per_minute ?? startOf(lane),
    pausedUntil: row?.paused_until ?? null,
    limitedPerMinute: row?.limited_per_minute ?? null,
  };
}

/**
 * Slack answered 429 for this workspace at `now`: pause it until Retry-After, and step its pace back to a
 * share of what Slack accepted in the last minute. Several replicas (or workers) hitting the same limit count
 * as one step back: a workspace already paused only has its pause extended.
 */
export async function paceLimited(
  db: Kysely<Database>,
  teamId: string,
  now: Date,
  retryAfterSeconds: number,
  lane: DeliveryLane = 'post',
): Promise<void> {
  const until = new Date(now.getTime() + Math.max(1, retryAfterSeconds) * 1000);
  const minuteAgo = new Date(now.getTime() - MINUTE_MS);
  const start = startOf(lane);
  await sql`
    with accepted as (
      select count(*)::int as n from delivery
      where claimed_at > ${minuteAgo} and claimed_at <= ${now} and team_id = ${teamId} and lane = ${lane} and status = 'sent'
    )
    insert into slack_pace as p (team_id, lane, per_minute, limited_at, limited_per_minute, paused_until, updated_at)
    select ${teamId}, ${lane}, greatest(${PACE.MIN}, floor(least(${start}, case when a.n >= ${PACE.MIN} then a.n else ${start} end) * ${PACE.DECREASE}::float8)::int),
           ${now}, a.n, ${until}, ${now}
    from accepted a
    on conflict (team_id, lane) do update set
      per_minute = case when p.paused_until > ${now} then p.per_minute
                        else greatest(${PACE.MIN}, floor(least(p.per_minute, coalesce((select n from accepted where n >= ${PACE.MIN}), p.per_minute)) * ${PACE.DECREASE}::float8)::int) end,
      limited_per_minute = case when p.paused_until > ${now} then greatest(p.limited_per_minute, (select n from accepted)) else (select n from accepted) end,
      limited_at = ${now},
      paused_until = greatest(coalesce(p.paused_until, ${until}), ${until}),
      updated_at = ${now}`.execute(db);
}

/**
 * A pass sent all that the workspace's pace allowed, Slack accepted it, and more was due: raise the pace
 * (doubling until Slack has ever refused, then a step at most once a minute). Replicas' passes at nearly the
 * same instant raise it once.
 */
export async function paceHeld(db: Kysely<Database>, teamId: string, now: Date, lane: DeliveryLane = 'post'): Promise<void> {
  const minuteAgo = new Date(now.getTime() - MINUTE_MS);
  const moments = new Date(now.getTime() - 5_000);
  await sql`
    insert into slack_pace as p (team_id, lane, per_minute, raised_at, updated_at)
    values (${teamId}, ${lane}, ${Math.min(PACE.MAX, startOf(lane) * 2)}, ${now}, ${now})
    on conflict (team_id, lane) do update set
      per_minute = case
        when p.limited_at is null then least(${PACE.MAX}, p.per_minute * 2)
        else least(${PACE.MAX}, p.per_minute + greatest(${PACE.MIN_STEP}, round(coalesce(p.limited_per_minute, p.per_minute) * ${PACE.STEP_SHARE}::float8)::int)) end,
      raised_at = ${now},
      updated_at = ${now}
    where (p.paused_until is null or p.paused_until <= ${now})
      and ((p.raised_at is null and (p.limited_at is null or p.limited_at <= ${minuteAgo}))
           or (p.limited_at is null and p.raised_at <= ${moments})
           or (p.limited_at is not null and greatest(p.raised_at, p.limited_at) <= ${minuteAgo}))`.execute(db);
}
