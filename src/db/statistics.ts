import { sql, type Kysely } from 'kysely';
import type { Database } from './types';

/** The tables the scheduler plans from; their statistics decide whether planning joins by index or by scanning. */
const PLANNING_TABLES = ['person', 'cadence', 'round', 'checkin', 'delivery'] as const;

/**
 * Gives Postgres fresh statistics for the planning tables. Embedded PGlite has no autovacuum, and a server's
 * autovacuum comes late after a big import: without statistics a planning statement may join every round to
 * every person. Run after an org chart import and once a day.
 */
export async function analyzePlanning(db: Kysely<Database>): Promise<void> {
  for (const table of PLANNING_TABLES) await sql`analyze ${sql.table(table)}`.execute(db);
}

const analyzedOn = new WeakMap<object, string>();

/** Once per UTC day per process (the first tick of the day): a no-op the rest of the day. */
export async function analyzeDaily(db: Kysely<Database>, now: Date): Promise<boolean> {
  const day = now.toISOString().slice(0, 10);
  if (analyzedOn.get(db) === day) return false;
  analyzedOn.set(db, day);
  await analyzePlanning(db);
  return true;
}
