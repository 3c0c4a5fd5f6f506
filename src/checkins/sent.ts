import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/types';
import type { StoredStatus } from '../org/people';

/*
 * What the domain records when Slack has one of its messages: the `onSent` steps of the outbox's handlers,
 * run by the dispatcher in the transaction that marks the delivery sent (scheduler/dispatch.ts), so that the
 * delivery and what it means cannot come apart.
 */

/**
 * A prompt reached the member: its check-in is sent, with where its message is (the reminder's thread, the
 * edits). The member's Slack status just read to send it is kept in the same statement, for the next prompt.
 */
export async function promptSent(
  db: Kysely<Database>,
  checkinId: number,
  at: { channel: string; ts: string },
  now: Date,
  status?: { teamId: string; userId: string } & StoredStatus,
): Promise<void> {
  const keep = status
    ? sql`with s as (
      update person set status_text = ${status.text}, status_emoji = ${status.emoji}, status_expiration = ${status.expiration}, status_read_at = ${now}
      where team_id = ${status.teamId} and slack_user_id = ${status.userId}
    ) `
    : sql``;
  await sql`${keep}update checkin set status = case when status = 'scheduled' then 'sent' else status end,
                         channel_id = ${at.channel}, message_ts = ${at.ts}, updated_at = ${now}
    where id = ${checkinId}`.execute(db);
}

/** The one reminder went: the check-in says when, so that it is never reminded twice. */
export async function reminderSent(db: Kysely<Database>, checkinId: number, now: Date): Promise<void> {
  await db.updateTable('checkin').set({ reminded_at: now }).where('id', '=', checkinId).execute();
}

/** A team round's channel message is posted: the round keeps its thread, and its members' check-ins are sent. */
export async function teamRoundPosted(
  db: Kysely<Database>,
  roundId: number,
  at: { channel: string; ts: string },
  now: Date,
): Promise<void> {
  await sql`
    with r as (update round set channel_id = ${at.channel}, thread_ts = ${at.ts} where id = ${roundId} returning id)
    update checkin c set status = 'sent', channel_id = ${at.channel}, updated_at = ${now}
    from r where c.round_id = r.id and c.status = 'scheduled'`.execute(db);
}

/** A round's live message is posted: the round keeps where it is, so that each change can edit it. */
export async function roundLivePosted(db: Kysely<Database>, roundId: number, at: { channel: string; ts: string }): Promise<void> {
  await db.updateTable('round').set({ live_channel: at.channel, live_ts: at.ts }).where('id', '=', roundId).execute();
}
