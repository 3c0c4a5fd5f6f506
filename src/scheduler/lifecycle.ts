import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/types';

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
        await tx
          .insertInto('delivery')
          .values(sent.map((r) => ({ team_id: teamId, kind: 'update' as const, dedupe_key: `update:missed:${r.id}`, checkin_id: r.id, recipient: r.person_id, not_before: now })))
          .onConflict((oc) => oc.column('dedupe_key').doNothing())
          .execute();
      }
    }
    const rounds = await sql`
      update round r set status = 'closed', closed_at = ${now}
      where r.team_id = ${teamId} and r.status = 'open' and r.closes_at <= ${now}
        and not exists (select 1 from checkin c where c.round_id = r.id and c.status in ('scheduled', 'sent'))`.execute(tx);
    return { missed: ids.length, rounds: Number(rounds.numAffectedRows ?? 0) };
  });
}

/** One reminder at most, halfway through the window, for prompts that were delivered and not answered. */
export async function enqueueReminders(db: Kysely<Database>, teamId: string, now: Date): Promise<number> {
  const result = await sql`
    insert into delivery (team_id, kind, dedupe_key, checkin_id, recipient, not_before)
    select c.team_id, 'reminder', 'reminder:' || c.id, c.id, c.person_id, ${now}
    from checkin c join round r on r.id = c.round_id join cadence k on k.id = r.cadence_id
    where c.team_id = ${teamId} and c.status = 'sent' and k.reminder and c.message_ts is not null
      and c.due_at + (c.closes_at - c.due_at) / 2 <= ${now} and c.closes_at > ${now}
      and (c.snoozed_until is null or c.snoozed_until <= ${now})
    on conflict (dedupe_key) do nothing`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
