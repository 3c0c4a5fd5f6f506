import { sql, type Kysely } from 'kysely';
import type { Database, Delivery } from '../db/types';

export type ClaimedDelivery = Delivery & { /** The status before this claim: `sending` means a lease expired. */ was: string };

/**
 * Claims up to `limit` due deliveries in one statement: the row lock, the status change and the attempt
 * count cannot come apart, and other workers skip the locked rows. A delivery left `sending` past the
 * lease (its worker crashed between Slack's answer and our write) is claimed again: at worst one
 * duplicate, never a lost prompt.
 *
 * Each workspace gets at most `perWorkspacePerMinute` claims in any minute, counted in the database, so
 * that several replicas together stay under Slack's workspace ceiling (two claiming at the very same
 * moment can overshoot once; the next minute's count includes both).
 */
export async function claimDue(db: Kysely<Database>, now: Date, limit: number, leaseMs: number, perWorkspacePerMinute = limit): Promise<ClaimedDelivery[]> {
  const expired = new Date(now.getTime() - leaseMs);
  const minuteAgo = new Date(now.getTime() - 60_000);
  const result = await sql<ClaimedDelivery>`
    with recent as (
      select team_id, count(*)::int as n from delivery
      where claimed_at > ${minuteAgo} and claimed_at <= ${now} and status in ('sending', 'sent', 'failed')
      group by team_id
    ), ranked as (
      select d.id, d.team_id, row_number() over (partition by d.team_id order by d.not_before, d.id) as rn
      from delivery d
      where (d.status = 'queued' and d.not_before <= ${now}) or (d.status = 'sending' and d.claimed_at < ${expired})
    ), allowed as (
      select r.id from ranked r left join recent c on c.team_id = r.team_id
      where r.rn <= ${perWorkspacePerMinute} - coalesce(c.n, 0)
    ), due as (
      select id, status as was from delivery
      where id in (select id from allowed)
        and ((status = 'queued' and not_before <= ${now}) or (status = 'sending' and claimed_at < ${expired}))
      order by not_before, id
      limit ${limit}
      for update skip locked
    )
    update delivery d set status = 'sending', claimed_at = ${now}, attempts = d.attempts + 1
    from due where d.id = due.id
    returning d.*, due.was`.execute(db);
  return result.rows.map((r) => ({ ...r, id: Number(r.id) }));
}

/** Records a prompt as delivered, and its check-in as sent, in one statement. */
export async function markPromptSent(db: Kysely<Database>, delivery: Delivery, channel: string, ts: string, now: Date): Promise<void> {
  await sql`
    with d as (
      update delivery set status = 'sent', sent_at = ${now}, channel_id = ${channel}, ts = ${ts}, last_error = null
      where id = ${delivery.id} returning checkin_id
    )
    update checkin c set status = case when c.status = 'scheduled' then 'sent' else c.status end,
                         channel_id = ${channel}, message_ts = ${ts}, updated_at = ${now}
    from d where c.id = d.checkin_id`.execute(db);
}

export async function markReminderSent(db: Kysely<Database>, delivery: Delivery, ts: string, now: Date): Promise<void> {
  await sql`
    with d as (
      update delivery set status = 'sent', sent_at = ${now}, ts = ${ts}, last_error = null
      where id = ${delivery.id} returning checkin_id
    )
    update checkin c set reminded_at = ${now} from d where c.id = d.checkin_id`.execute(db);
}

export async function markSent(db: Kysely<Database>, id: number, now: Date, where?: { channel: string; ts: string }): Promise<void> {
  await db
    .updateTable('delivery')
    .set({ status: 'sent', sent_at: now, last_error: null, ...(where ? { channel_id: where.channel, ts: where.ts } : {}) })
    .where('id', '=', id)
    .execute();
}

/** Records a team round's channel message, its round and its members' check-ins as sent, in one statement. */
export async function markTeamPosted(db: Kysely<Database>, delivery: Delivery, channel: string, ts: string, now: Date): Promise<void> {
  await sql`
    with d as (
      update delivery set status = 'sent', sent_at = ${now}, channel_id = ${channel}, ts = ${ts}, last_error = null
      where id = ${delivery.id} returning round_id
    ), r as (
      update round set channel_id = ${channel}, thread_ts = ${ts} from d where round.id = d.round_id returning round.id
    )
    update checkin c set status = 'sent', channel_id = ${channel}, updated_at = ${now}
    from r where c.round_id = r.id and c.status = 'scheduled'`.execute(db);
}

/** Records a round's live message and keeps where it is on the round, so that each change can edit it. */
export async function markRoundLivePosted(db: Kysely<Database>, delivery: Delivery, roundId: number, channel: string, ts: string, now: Date): Promise<void> {
  await sql`
    with d as (
      update delivery set status = 'sent', sent_at = ${now}, channel_id = ${channel}, ts = ${ts}, last_error = null
      where id = ${delivery.id} returning id
    )
    update round set live_channel = ${channel}, live_ts = ${ts} from d where round.id = ${roundId}`.execute(db);
}

export async function markCancelled(db: Kysely<Database>, id: number, reason: string): Promise<void> {
  await db.updateTable('delivery').set({ status: 'cancelled', last_error: reason }).where('id', '=', id).execute();
}

/** Back to the queue, not before `notBefore`; `refund` gives the attempt back (a rate limit is not the delivery's fault). */
export async function requeue(db: Kysely<Database>, id: number, notBefore: Date, error: string, refund = false): Promise<void> {
  await db
    .updateTable('delivery')
    .set((eb) => ({ status: 'queued', not_before: notBefore, last_error: error, claimed_at: null, ...(refund ? { attempts: eb('attempts', '-', 1) } : {}) }))
    .where('id', '=', id)
    .execute();
}

export async function markFailed(db: Kysely<Database>, id: number, error: string): Promise<void> {
  await db.updateTable('delivery').set({ status: 'failed', last_error: error }).where('id', '=', id).execute();
}
