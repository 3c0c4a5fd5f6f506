import type { Cadence } from '../db/types';
import type { ChainLeader, ChainLevel } from '../org/chain';
import type { Schedule } from './schedule';

/**
 * Which cadence each relationship of the chain follows. A cadence attaches to a kind of relationship (the
 * top's, a leader of leaders', a first-line leader's); an admin can override it for one tree level or one
 * leader, and the most specific wins: the leader's override, then the level's, then the cadence itself.
 * Leaders of leaders below the first such level meet a week after the level above (up to three weeks), so
 * that within a period the conversations still run top-down at every depth.
 */

interface Assignment {
  readonly cadence: Cadence;
  readonly schedule: Schedule;
  readonly leaders: readonly ChainLeader[];
}

/** The most weeks a deeper level of leaders of leaders waits after the level above. */
const MAX_STEP_WEEKS = 3;

function scheduleOf(cadence: Cadence, depth: number): Schedule {
  const steps =
    cadence.overrides === null &&
    cadence.level === 'president_managers' &&
    (cadence.frequency === 'monthly' || cadence.frequency === 'biweekly');
  return {
    frequency: cadence.frequency,
    weekday: cadence.weekday,
    nth: cadence.nth,
    anchorDate: cadence.anchor_date,
    cron: cadence.cron,
    offsetDays: steps ? 7 * Math.min(Math.max(depth - 1, 0), MAX_STEP_WEEKS) : 0,
  };
}

/** The cadences one leader's relationship follows (one per base cadence of their kind), active or not. */
export function cadencesFor(
  cadences: readonly Cadence[],
  leader: Pick<ChainLeader, 'id' | 'depth' | 'kind'>,
): { cadence: Cadence; schedule: Schedule }[] {
  const out: { cadence: Cadence; schedule: Schedule }[] = [];
  for (const base of cadences) {
    if (base.overrides !== null || base.level !== leader.kind) continue;
    const chosen =
      cadences.find((c) => c.overrides === base.key && c.for_leader === leader.id) ??
      cadences.find((c) => c.overrides === base.key && c.for_level === leader.depth + 1) ??
      base;
    out.push({ cadence: chosen, schedule: scheduleOf(chosen, leader.depth) });
  }
  return out;
}

/** Whether rounds of this cadence can be planned at all (on, and a team cadence has its channel). */
export function plannable(c: Cadence): boolean {
  return c.active && !(c.mode === 'team' && !c.channel_id);
}

/** The leaders of the chain grouped by the cadence and the schedule they follow; cadences that are off are left out. */
export function assignCadences(cadences: readonly Cadence[], leaders: readonly ChainLeader[]): Assignment[] {
  const groups = new Map<string, { cadence: Cadence; schedule: Schedule; leaders: ChainLeader[] }>();
  for (const leader of leaders) {
    for (const { cadence, schedule } of cadencesFor(cadences, leader)) {
      if (!plannable(cadence)) continue;
      const key = `${cadence.id}:${schedule.offsetDays ?? 0}`;
      const group = groups.get(key) ?? { cadence, schedule, leaders: [] };
      group.leaders.push(leader);
      groups.set(key, group);
    }
  }
  return [...groups.values()];
}

/** One level of the chain with the cadences its leaders follow, for `/cascade cadence list`. */
export interface LevelCadences {
  readonly level: number;
  readonly label: string;
  readonly leaders: number;
  readonly cadences: readonly { cadence: Cadence; schedule: Schedule; leaders: number }[];
}

/** The tree's levels, top-down, each with the cadences (and overrides) its leaders follow. Pure. */
export function cadencesByLevel(cadences: readonly Cadence[], levels: readonly ChainLevel[]): LevelCadences[] {
  return levels.map((level) => {
    const followed = new Map<string, { cadence: Cadence; schedule: Schedule; leaders: number }>();
    for (const leader of level.leaders) {
      for (const { cadence, schedule } of cadencesFor(cadences, leader)) {
        const key = `${cadence.id}:${schedule.offsetDays ?? 0}`;
        const entry = followed.get(key) ?? { cadence, schedule, leaders: 0 };
        entry.leaders += 1;
        followed.set(key, entry);
      }
    }
    return { level: level.depth + 1, label: level.label, leaders: level.leaders.length, cadences: [...followed.values()] };
  });
}
