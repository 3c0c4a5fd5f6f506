import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/types';
import { deliveryKey, enqueueFrom, enqueueMany, type QueueRow } from '../outbox/vocabulary';
import { DAY_MS } from '../time/durations';

/**
 * Closes what is past its window: unanswered check-ins become `missed` (their prompt is then edited to
 * say so), undelivered prompts are cancelled, and rounds whose every check-in is closed become `closed`.
 */
export async function closeDue(db: Kysely<Database>, teamId: string, now: Date): Promise<{ missed: number; rounds: number }> {
  return db.transaction().execute(async (tx) => {
    const missed = await sql<{ id: number; person_id: string; message_ts: string | null }>`
      update checkin set status = 'missed', updated_at = ${now}
      where team_id = ${teamId} and status in ('scheduled', 'sent') and closes_at <= ${now}
      returning id, person_id, message_ts`.execute(tx);
    const ids = missed.rows.map((r) => r.id);
    if (ids.length > 0) {
      await tx.updateTable('delivery').set({ status: 'cancelled' }).where('checkin_id', 'in', ids).where('status', '=', 'queued').execute();
      const sent = missed.rows.filter((r) => r.message_ts);
      if (sent.length > 0) {
        await enqueueMany(
          tx,
          'update',
          sent.map((r) => ({
            teamId,
            key: deliveryKey.missed(r.id),
            recipient: r.person_id,
            notBefore: now,
            payload: { checkinId: r.id },
          })),
        );
      }
    }
    // An answered prompt whose window has just closed loses its "Edit answers" button (once, the day it closes).
    await enqueueFrom(
      tx,
      'update',
      'answeredClosed',
      sql<QueueRow>`
      select c.team_id, c.id as subject, c.person_id as recipient, null::text as channel_id, ${now}::timestamptz as not_before
      from checkin c
      where c.team_id = ${teamId} and c.status = 'answered' and c.message_ts is not null
        and c.closes_at <= ${now} and c.closes_at > ${new Date(now.getTime() - DAY_MS)}`,
    ).execute();
    // A closed round brings its leader a brief, and a team round's channel message says it closed.
    const rounds = await sql<{ id: number }>`
      with closed as (
        update round r set status = 'closed', closed_at = ${now}
        where r.team_id = ${teamId} and r.status = 'open' and r.closes_at <= ${now}
          and not exists (select 1 from checkin c where c.round_id = r.id and c.status in ('scheduled', 'sent'))
        returning r.id, r.team_id, r.leader_id, r.channel_id, r.thread_ts, r.live_ts
      ), unposted as (
        -- A live message that never went out is not sent after the close: the brief says it all.
        update delivery d set status = 'cancelled', last_error = 'the round closed before its live message went out'
        from closed where d.round_id = closed.id and d.kind = 'round_live' and d.status = 'queued'
      ), lives as (
        -- The leader's live message says the round closed (and that the brief has the rest).
        ${enqueueFrom(tx, 'round_live_update', 'roundLiveClosed', sql<QueueRow>`select team_id, id as subject, leader_id as recipient, null::text as channel_id, ${now}::timestamptz as not_before from closed where live_ts is not null`)}
      ), briefs as (
        ${enqueueFrom(tx, 'brief', 'brief', sql<QueueRow>`select team_id, id as subject, leader_id as recipient, null::text as channel_id, ${now}::timestamptz as not_before from closed`)}
      ), edits as (
        ${enqueueFrom(tx, 'team_update', 'roundClosed', sql<QueueRow>`select team_id, id as subject, channel_id as recipient, channel_id, ${now}::timestamptz as not_before from closed where thread_ts is not null`)}
      )
      select id from closed`.execute(tx);
    return { missed: ids.length, rounds: rounds.rows.length };
  });
}

/**
 * One reminder at most, halfway through the window, for prompts that were delivered and not answered;
 * a team round gets one in its thread, naming who has not answered yet.
 */
export async function enqueueReminders(db: Kysely<Database>, teamId: string, now: Date): Promise<number> {
  const [team] = await enqueueFrom(
    db,
    'team_reminder',
    'teamReminder',
    sql<QueueRow>`
    select r.team_id, r.id as subject, r.channel_id as recipient, r.channel_id, ${now}::timestamptz as not_before
    from round r join cadence k on k.id = r.cadence_id
    where r.team_id = ${teamId} and r.status = 'open' and r.thread_ts is not null and k.reminder
      and exists (select 1 from checkin c where c.round_id = r.id and c.status = 'sent'
                  and c.due_at + (c.closes_at - c.due_at) / 2 <= ${now} and c.closes_at > ${now})`,
  ).execute();
  const [members] = await enqueueFrom(
    db,
    'reminder',
    'reminder',
    sql<QueueRow>`
    select c.team_id, c.id as subject, c.person_id as recipient, null::text as channel_id, ${now}::timestamptz as not_before
    from checkin c join round r on r.id = c.round_id join cadence k on k.id = r.cadence_id
    where c.team_id = ${teamId} and c.status = 'sent' and k.reminder and c.message_ts is not null
      and c.due_at + (c.closes_at - c.due_at) / 2 <= ${now} and c.closes_at > ${now}
      and (c.snoozed_until is null or c.snoozed_until <= ${now})`,
  ).execute();
  return Number(members?.numInsertedOrUpdatedRows ?? 0) + Number(team?.numInsertedOrUpdatedRows ?? 0);
}
