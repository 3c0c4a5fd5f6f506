import type { Kysely } from 'kysely';
import type { Database } from './types';
import { before, days } from '../time/durations';

/*
 * Data that leaves: a workspace that removed the app is purged after a grace period (or at once, by
 * `cascade purge`), and the outbox keeps a delivery for RETENTION_DAYS, not for good.
 */

/** Rows deleted in one statement: each batch holds its row locks for a few milliseconds, never a second. */
const BATCH = 1000;

/**
 * The app was removed (`app_uninstalled`, or the bot token revoked): what would be sent is cancelled, the CRM's
 * credentials go at once, and the rest waits for the grace period in case the app is installed again.
 */
export async function markUninstalled(db: Kysely<Database>, teamId: string, now: Date): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await tx.updateTable('workspace').set({ uninstalled_at: now, updated_at: now }).where('team_id', '=', teamId).execute();
    await tx
      .updateTable('delivery')
      .set({ status: 'cancelled', last_error: 'the app was removed from the workspace' })
      .where('team_id', '=', teamId)
      .where('status', 'in', ['queued', 'sending'])
      .execute();
    await tx.deleteFrom('crm_connection').where('team_id', '=', teamId).execute();
    // Its Slack tokens too (installs by OAuth): they no longer work, and an install again brings new ones.
    await tx.deleteFrom('slack_installation').where('team_id', '=', teamId).execute();
  });
}

/** Installed (again): the workspace's data stays. */
export async function markInstalled(db: Kysely<Database>, teamId: string): Promise<void> {
  await db
    .updateTable('workspace')
    .set({ uninstalled_at: null })
    .where('team_id', '=', teamId)
    .where('uninstalled_at', 'is not', null)
    .execute();
}

/**
 * Everything of a workspace, now: the workspace row takes every table that belongs to it with it (foreign keys,
 * `on delete cascade`); the records of Slack events, which have none, go by hand. Returns whether it was there.
 */
export async function purgeWorkspace(db: Kysely<Database>, teamId: string): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    await tx.deleteFrom('slack_event').where('team_id', '=', teamId).execute();
    const r = await tx.deleteFrom('workspace').where('team_id', '=', teamId).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  });
}

/**
 * Deliveries sent, cancelled or failed more than `keepDays` ago, deleted in batches; how many. Ids rise with time,
 * so the walk goes up the primary key from the oldest and stops at the first batch that reaches the recent ones:
 * a day with nothing old to delete costs one index probe, however long the outbox.
 */
export async function pruneDeliveries(db: Kysely<Database>, now: Date, keepDays: number, batch = BATCH): Promise<number> {
  const cutoff = before(now, days(keepDays));
  let total = 0;
  for (let after = 0; ; ) {
    const rows = await db
      .selectFrom('delivery')
      .select(['id', 'created_at', 'status'])
      .where('id', '>', after)
      .orderBy('id')
      .limit(batch)
      .execute();
    const old = rows.filter((r) => r.created_at < cutoff);
    const gone = old.filter((r) => r.status === 'sent' || r.status === 'cancelled' || r.status === 'failed').map((r) => r.id);
    if (gone.length > 0) {
      const r = await db
        .deleteFrom('delivery')
        .where('id', 'in', gone)
        .where('status', 'in', ['sent', 'cancelled', 'failed'])
        .executeTakeFirst();
      total += Number(r.numDeletedRows);
    }
    if (rows.length < batch || old.length < rows.length) return total;
    after = rows[rows.length - 1]!.id;
  }
}

const doneOn = new WeakMap<Kysely<Database>, string>();

/**
 * Once a day per process (the first tick of the UTC day): old deliveries go, and workspaces that removed the app
 * more than `purgeAfterDays` ago are purged. Several replicas doing it the same day delete nothing twice.
 */
export async function keepWhatIsNeededDaily(
  db: Kysely<Database>,
  now: Date,
  limits: { retentionDays: number; purgeAfterDays: number },
): Promise<{ deliveries: number; purged: string[] } | null> {
  const day = now.toISOString().slice(0, 10);
  if (doneOn.get(db) === day) return null;
  doneOn.set(db, day);
  const gone = await db
    .selectFrom('workspace')
    .select('team_id')
    .where('uninstalled_at', '<=', before(now, days(limits.purgeAfterDays)))
    .execute();
  for (const w of gone) await purgeWorkspace(db, w.team_id);
  return { deliveries: await pruneDeliveries(db, now, limits.retentionDays), purged: gone.map((w) => w.team_id) };
}
