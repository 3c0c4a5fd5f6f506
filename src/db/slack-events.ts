import { sql, type Kysely } from 'kysely';
import { AlreadyTaken } from '../errors';
import type { Database } from './types';
import { DAY_MS } from '../time/durations';

/**
 * Records a Slack event by its `event_id`; false when it was already recorded. Slack retries an event
 * it thinks we missed, and several replicas may receive the retry: the primary key lets exactly one
 * of them handle it.
 */
export async function firstTimeSeen(db: Kysely<Database>, teamId: string, eventId: string): Promise<boolean> {
  const result = await db
    .insertInto('slack_event')
    .values({ event_id: eventId, team_id: teamId })
    .onConflict((oc) => oc.column('event_id').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** Slack retries for minutes, not days: older records can go. */
export async function forgetOldEvents(db: Kysely<Database>, now: Date): Promise<void> {
  await sql`delete from slack_event where received_at < ${new Date(now.getTime() - 3 * DAY_MS)}`.execute(db);
}

/**
 * A submission is taken once: `once` names it (a Slack window's id and hash), and its key is kept in the same
 * transaction as what it changes, so a replay or a retry of the same window changes nothing (AlreadyTaken).
 * Without a name, nothing is checked.
 */
export async function takeOnce(tx: Kysely<Database>, teamId: string, once: string | undefined): Promise<void> {
  if (once !== undefined && !(await firstTimeSeen(tx, teamId, `submission:${once}`))) throw new AlreadyTaken();
}
