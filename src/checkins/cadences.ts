import type { Kysely } from 'kysely';
import type { Cadence, Database, Level } from '../db/types';

type DefaultCadence = Omit<Cadence, 'id' | 'team_id' | 'created_at' | 'answer_window_days' | 'reminder' | 'channel_id' | 'cron'> & {
  channel_id?: null;
};

/**
 * Top-down inside a month: the CEO and President meet on the first Monday, the President sees the
 * managers one by one on the first Thursday, and the managers see their reps every Monday — so what
 * the top decides reaches the bottom in the same month.
 */
export const DEFAULT_CADENCES: readonly DefaultCadence[] = [
  { key: 'ceo_president', level: 'ceo_president', name: 'CEO ↔ President monthly', frequency: 'monthly', weekday: 1, nth: 1, local_time: '09:00', mode: 'individual', anchor_date: '2026-01-05', leader_reflects: true, active: true },
  { key: 'president_managers_team', level: 'president_managers', name: 'President ↔ managers, as a team', frequency: 'biweekly', weekday: 3, nth: null, local_time: '09:00', mode: 'team', anchor_date: '2026-01-07', leader_reflects: false, active: false },
  { key: 'president_managers', level: 'president_managers', name: 'President ↔ each manager', frequency: 'monthly', weekday: 4, nth: 1, local_time: '09:00', mode: 'individual', anchor_date: '2026-01-01', leader_reflects: false, active: true },
  { key: 'manager_reps', level: 'manager_reps', name: 'Manager ↔ each rep, weekly', frequency: 'weekly', weekday: 1, nth: null, local_time: '10:00', mode: 'individual', anchor_date: '2026-01-05', leader_reflects: false, active: true },
];

/** Gives a workspace the default cadences it lacks; ones an admin changed are left alone. */
export async function ensureDefaultCadences(db: Kysely<Database>, teamId: string): Promise<void> {
  await db
    .insertInto('cadence')
    .values(DEFAULT_CADENCES.map((c) => ({ ...c, team_id: teamId, channel_id: null })))
    .onConflict((oc) => oc.columns(['team_id', 'key']).doNothing())
    .execute();
}

export async function listCadences(db: Kysely<Database>, teamId: string, options: { activeOnly?: boolean } = {}): Promise<Cadence[]> {
  let q = db.selectFrom('cadence').selectAll().where('team_id', '=', teamId);
  if (options.activeOnly) q = q.where('active', '=', true);
  return q.orderBy('id').execute();
}

export type { Level };
