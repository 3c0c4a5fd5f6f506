import type { Kysely } from 'kysely';
import type { Cadence, Database, Person } from '../db/types';
import { getPerson } from '../org/people';
import { addDays, localDate, localTime } from '../time/calendar';
import { LEVELS, occurrencesBetween } from './schedule';

/** The conversations ahead of someone: the calendar the cadences make, below check-ins and accountability. */

export interface UpcomingCheckin {
  readonly cadenceName: string;
  readonly withName: string;
  /** The calendar day and local time in the person's own zone. */
  readonly date: string;
  readonly localTime: string;
}

export async function listCadences(db: Kysely<Database>, teamId: string, options: { activeOnly?: boolean } = {}): Promise<Cadence[]> {
  let q = db.selectFrom('cadence').selectAll().where('team_id', '=', teamId);
  if (options.activeOnly) q = q.where('active', '=', true);
  return q.orderBy('id').execute();
}

/**
 * The next occurrence of each active cadence the person takes part in (as a member, or as a leader who
 * reflects), still ahead of `now` in their own zone, soonest first.
 */
export async function upcomingCheckins(db: Kysely<Database>, teamId: string, person: Person, now: Date): Promise<(UpcomingCheckin & { cadenceKey: string })[]> {
  const leader = person.reports_to ? await getPerson(db, teamId, person.reports_to) : undefined;
  const today = localDate(now, person.tz);
  const next: (UpcomingCheckin & { cadenceKey: string })[] = [];
  for (const c of await listCadences(db, teamId, { activeOnly: true })) {
    const { leader: leaderRole, member } = LEVELS[c.level];
    const asMember = person.role === member && leader?.role === leaderRole && leader.active;
    const asLeader = c.leader_reflects && person.role === leaderRole;
    if (!asMember && !asLeader) continue;
    if (c.mode === 'team' && !c.channel_id) continue;
    const dates = occurrencesBetween({ frequency: c.frequency, weekday: c.weekday, nth: c.nth, anchorDate: c.anchor_date, cron: c.cron }, today, addDays(today, 100));
    for (const date of dates.filter((d) => d > today || c.local_time > localTime(now, person.tz)).slice(0, 2)) {
      next.push({ cadenceKey: c.key, cadenceName: c.name, withName: asMember ? leader!.name : 'your own reflection', date, localTime: c.local_time });
    }
  }
  next.sort((a, b) => (a.date + a.localTime).localeCompare(b.date + b.localTime));
  return next;
}

