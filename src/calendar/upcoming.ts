import type { Kysely } from 'kysely';
import type { Cadence, Database, Person } from '../db/types';
import { getPerson } from '../org/people';
import { addDays, localDate, localTime } from '../time/calendar';
import { leaderPlace, type ChainLeader } from '../org/chain';
import { cadencesFor, plannable } from './assign';
import { occurrencesBetween } from './schedule';

/** The conversations ahead of someone: the calendar the cadences make, below check-ins and accountability. */

export interface UpcomingCheckin {
  readonly cadenceName: string;
  readonly withName: string;
  /** The calendar day and local time in the person's own zone. */
  readonly date: string;
  readonly localTime: string;
}

/** The workspace's cadences and the overrides in force (a reset override is kept for its rounds, never followed). */
export async function listCadences(db: Kysely<Database>, teamId: string, options: { activeOnly?: boolean } = {}): Promise<Cadence[]> {
  let q = db.selectFrom('cadence').selectAll().where('team_id', '=', teamId).where('retired_at', 'is', null);
  if (options.activeOnly) q = q.where('active', '=', true);
  return q.orderBy('id').execute();
}

/**
 * The next occurrence of each active cadence the person takes part in (as a member, or as a leader who
 * reflects), still ahead of `now` in their own zone, soonest first.
 */
export async function upcomingCheckins(
  db: Kysely<Database>,
  teamId: string,
  person: Person,
  now: Date,
): Promise<(UpcomingCheckin & { cadenceKey: string })[]> {
  if (!person.in_chain) return [];
  const leader = person.reports_to ? await getPerson(db, teamId, person.reports_to) : undefined;
  const cadences = await listCadences(db, teamId);
  // As a member: the cadences of their leader's relationship. As the top who reflects: those of their own.
  const asMember = leader?.active ? await leaderPlace(db, teamId, leader.slack_user_id) : undefined;
  const asLeader = person.reports_to === null ? await leaderPlace(db, teamId, person.slack_user_id) : undefined;
  const today = localDate(now, person.tz);
  const next: (UpcomingCheckin & { cadenceKey: string })[] = [];
  const add = (place: ChainLeader | undefined, member: boolean) => {
    for (const { cadence: c, schedule } of place ? cadencesFor(cadences, place) : []) {
      if (!plannable(c) || (!member && !c.leader_reflects)) continue;
      const dates = occurrencesBetween(schedule, today, addDays(today, 100));
      for (const date of dates.filter((d) => d > today || c.local_time > localTime(now, person.tz)).slice(0, 2)) {
        next.push({
          cadenceKey: c.key,
          cadenceName: c.name,
          withName: member ? leader!.name : 'your own reflection',
          date,
          localTime: c.local_time,
        });
      }
    }
  };
  add(asMember, true);
  add(asLeader, false);
  next.sort((a, b) => (a.date + a.localTime).localeCompare(b.date + b.localTime));
  return next;
}
