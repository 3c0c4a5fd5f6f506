import { sql, type Kysely } from 'kysely';
import type { Database, Delivery } from '../db/types';
import { LANE_START } from './pace';
import { MINUTE_MS } from '../time/durations';

export type ClaimedDelivery = Delivery & {
  /** The status before this claim: `sending` means a lease expired. */
  was: string;
};

/** A claimed delivery with what its workspace's budget was at the claim. */
export type PacedDelivery = ClaimedDelivery & {
  /** How many this pass's claim allowed the delivery's workspace in its lane (its pace, less what the last minute used). */
  budget: number;
  /** How many of the workspace's deliveries of that lane were due at the claim, counted up to one more than its budget. */
  wanted: number;
};

/** Claims from every replica take turns (a transaction-scoped advisory lock), so none counts the minute stale. */
const CLAIM_LOCK = 7_401_923;

/**
 * Claims due deliveries in one statement: the row lock, the status change and the attempt count cannot
 * come apart, and other workers skip the locked rows. A delivery left `sending` past its lease (its worker
 * crashed between Slack's answer and our write, or before it reached it) is claimed again: at worst one
 * duplicate of what was in flight, never a lost prompt. The worker renews the lease as it goes (`renewLease`).
 *
 * Each workspace has its own budget: its learned pace (outbox/pace.ts, `fixedPace` in tests) less what was
 * claimed for it in the last minute, across every replica, and nothing while Slack asked it to wait. `limit`
 * caps the whole pass (so that a pass ends well within its lease); the workspaces share it fairly, the first
 * due of each before the second of any.
 */
export async function claimDue(
  db: Kysely<Database>,
  now: Date,
  limit: number,
  leaseMs: number,
  fixedPace?: number,
): Promise<PacedDelivery[]> {
  if (limit <= 0) return [];
  const leaseUntil = new Date(now.getTime() + leaseMs);
  const minuteAgo = new Date(now.getTime() - MINUTE_MS);
  const pace = fixedPace === undefined ? sql`coalesce(p.per_minute, l.start)` : sql`${fixedPace}::int`;
  const lanes = sql.join(Object.entries(LANE_START).map(([lane, start]) => sql`(${lane}::text, ${start}::int)`));
  const result = await db.transaction().execute(async (tx) => {
    await sql`select pg_advisory_xact_lock(${CLAIM_LOCK})`.execute(tx);
    // The planner cannot know each workspace's budget, so it guesses a large claim, and a server with JIT
    // would spend more compiling the statement than running it (a pass every 10 seconds).
    await sql`set local jit = off`.execute(tx);
    return sql<PacedDelivery>`
    with recent as (
      select team_id, lane, count(*)::int as n from delivery
      where claimed_at > ${minuteAgo} and claimed_at <= ${now} and status in ('sending', 'sent', 'failed')
      group by team_id, lane
    ), budgets as (
      -- Each workspace's lanes, each with its own pace (outbox/pace.ts).
      select w.team_id, l.lane, greatest(0, ${pace} - coalesce(c.n, 0))::int as budget
      from workspace w
      cross join (values ${lanes}) as l (lane, start)
      left join slack_pace p on p.team_id = w.team_id and p.lane = l.lane
      left join recent c on c.team_id = w.team_id and c.lane = l.lane
      where p.paused_until is null or p.paused_until <= ${now}
    ), candidates as (
      -- Per workspace and lane with budget left, its first due deliveries in order (one more, to know whether
      -- more was due than allowed): an index probe each, however long the queue.
      select b.team_id, b.lane, b.budget, x.id, x.not_before,
             row_number() over (partition by b.team_id, b.lane order by x.not_before, x.id) as rn,
             count(*) over (partition by b.team_id, b.lane) as wanted
      from budgets b cross join lateral (
        (select d.id, d.not_before from delivery d
         where d.team_id = b.team_id and d.lane = b.lane and d.status = 'queued' and d.not_before <= ${now}
         order by d.not_before, d.id limit b.budget + 1)
        union all
        (select d.id, d.not_before from delivery d
         where d.team_id = b.team_id and d.lane = b.lane and d.status = 'sending' and d.lease_until < ${now}
         order by d.lease_until limit b.budget + 1)
      ) x
      where b.budget > 0
    ), due as (
      select d.id, d.status as was, a.budget, a.wanted::int as wanted from delivery d join candidates a on a.id = d.id
      where a.rn <= a.budget
        and ((d.status = 'queued' and d.not_before <= ${now}) or (d.status = 'sending' and d.lease_until < ${now}))
      order by a.rn, d.not_before, d.id
      limit ${limit}
      for update of d skip locked
    )
    update delivery d set status = 'sending', claimed_at = ${now}, lease_until = ${leaseUntil}, attempts = d.attempts + 1
    from due where d.id = due.id
    returning d.*, due.was, due.budget, due.wanted`.execute(tx);
  });
  return result.rows.map((r) => ({ ...r, id: Number(r.id), budget: Number(r.budget), wanted: Number(r.wanted) }));
}

/**
 * The claimed deliveries a worker has not finished yet stay its own until `until`: renewed while the pass goes
 * on, so a short lease is enough for a long pass, and a worker that dies holds its batch for one lease only.
 */
export async function renewLease(db: Kysely<Database>, ids: readonly number[], until: Date): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('delivery')
    .set({ lease_until: until })
    .where('id', 'in', [...ids])
    .where('status', '=', 'sending')
    .execute();
}

/** The dispatcher's record of a delivery Slack has (scheduler/dispatch.ts): no handler writes the delivery row. */
export async function markSent(db: Kysely<Database>, id: number, now: Date, where?: { channel: string; ts: string }): Promise<void> {
  await db
    .updateTable('delivery')
    .set({ status: 'sent', sent_at: now, last_error: null, ...(where ? { channel_id: where.channel, ts: where.ts } : {}) })
    .where('id', '=', id)
    .execute();
}

export async function markCancelled(db: Kysely<Database>, id: number, reason: string): Promise<void> {
  await db.updateTable('delivery').set({ status: 'cancelled', last_error: reason }).where('id', '=', id).execute();
}

/** Back to the queue, not before `notBefore`; `refund` gives the attempt back (a rate limit is not the delivery's fault). */
export async function requeue(
  db: Kysely<Database>,
  ids: number | readonly number[],
  notBefore: Date,
  error: string,
  refund = false,
): Promise<void> {
  const list = typeof ids === 'number' ? [ids] : ids;
  if (list.length === 0) return;
  await db
    .updateTable('delivery')
    .set((eb) => ({
      status: 'queued',
      not_before: notBefore,
      last_error: error,
      claimed_at: null,
      lease_until: null,
      ...(refund ? { attempts: eb('attempts', '-', 1) } : {}),
    }))
    .where('id', 'in', list)
    .execute();
}

/**
 * Puts claimed deliveries back for later, each at its own time (a recipient's next working hour), in one
 * statement; the attempt is given back (waiting for someone's morning is not a failure).
 */
export async function deferTo(db: Kysely<Database>, until: ReadonlyMap<number, Date>): Promise<void> {
  if (until.size === 0) return;
  await sql`
    update delivery d set status = 'queued', not_before = u.at, claimed_at = null, lease_until = null, attempts = d.attempts - 1
    from unnest(${[...until.keys()]}::int[], ${[...until.values()].map((t) => t.toISOString())}::timestamptz[]) as u (id, at)
    where d.id = u.id and d.status = 'sending'`.execute(db);
}

export async function markFailed(db: Kysely<Database>, id: number, error: string): Promise<void> {
  await db.updateTable('delivery').set({ status: 'failed', last_error: error }).where('id', '=', id).execute();
}

/** How a delivery stands: where it went when sent, why when it failed. */
interface DeliveryState {
  readonly status: string;
  readonly channelId: string | null;
  readonly lastError: string | null;
}

/**
 * Waits for the dispatcher to be done with a delivery (sent, cancelled or failed), looking every 50 ms for up to
 * `waitMs`; a delivery still queued or sending then (being retried, or no worker awake) is returned as it stands.
 */
export async function settledDelivery(db: Kysely<Database>, id: number, waitMs: number): Promise<DeliveryState | undefined> {
  const LOOK_MS = 50;
  for (let waited = 0; ; waited += LOOK_MS) {
    const row = await db.selectFrom('delivery').select(['status', 'channel_id', 'last_error']).where('id', '=', id).executeTakeFirst();
    if (!row) return undefined;
    const state = { status: row.status, channelId: row.channel_id, lastError: row.last_error };
    if ((row.status !== 'queued' && row.status !== 'sending') || waited >= waitMs) return state;
    await new Promise((resolve) => setTimeout(resolve, LOOK_MS));
  }
}

/** Where the delivery of a key went, once sent (the message a later edit changes). */
export async function sentMessage(db: Kysely<Database>, key: string): Promise<{ channel: string; ts: string } | undefined> {
  const row = await db
    .selectFrom('delivery')
    .select(['channel_id', 'ts'])
    .where('dedupe_key', '=', key)
    .where('status', '=', 'sent')
    .executeTakeFirst();
  return row?.channel_id && row.ts ? { channel: row.channel_id, ts: row.ts } : undefined;
}
