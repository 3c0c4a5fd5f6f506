import type { Kysely } from 'kysely';
import { localDate, localTime } from '../time/calendar';
import type { Database, Person } from '../db/types';
import { notAllowed, notFound, invalid } from '../errors';
import { isAdmin } from '../org/access';
import { getPerson } from '../org/people';
import { chainBelow } from '../org/visibility';
import { listCadences } from './cadences';
import { checkinContext, type CheckinContext } from './context';
import { LEVELS, occurrencesBetween } from './schedule';
import { addDays } from '../time/calendar';

export interface UpcomingCheckin {
  readonly cadenceName: string;
  readonly withName: string;
  /** The calendar day and local time in the person's own zone. */
  readonly date: string;
  readonly localTime: string;
}

/** What `/cascade status` shows a person: only their own check-ins, never anyone else's. */
export interface MyStatus {
  readonly person: Person;
  readonly open: readonly CheckinContext[];
  readonly next: readonly UpcomingCheckin[];
}

export async function myStatus(db: Kysely<Database>, teamId: string, userId: string, now: Date): Promise<MyStatus> {
  const person = await getPerson(db, teamId, userId);
  if (!person || !person.active) throw notFound('You are not in the org chart yet, so Cascade has no check-ins for you. An admin can add you with `/cascade org set`.');

  const rows = await db
    .selectFrom('checkin')
    .select(['id'])
    .where('team_id', '=', teamId)
    .where('person_id', '=', userId)
    .where('status', 'in', ['scheduled', 'sent', 'answered'])
    .where('closes_at', '>', now)
    .orderBy('due_at')
    .execute();
  const open: CheckinContext[] = [];
  for (const r of rows) {
    const ctx = await checkinContext(db, r.id);
    if (ctx) open.push(ctx);
  }

  // The next occurrence of each cadence this person takes part in, after what is already planned.
  const planned = new Set(open.map((c) => `${c.cadenceName}|${c.occurrence}`));
  const seen = new Set<string>();
  const next = (await upcomingCheckins(db, teamId, person, now)).filter((u) => {
    if (planned.has(`${u.cadenceName}|${u.date}`) || seen.has(u.cadenceKey)) return false;
    seen.add(u.cadenceKey);
    return true;
  });
  return { person, open, next };
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

/**
 * Pauses someone's check-ins until a day (inclusive), or ends the pause (`until` null). Anyone may pause
 * themselves; a leader may pause people below them; an admin anyone.
 */
export async function setPause(
  db: Kysely<Database>,
  input: { teamId: string; actorId: string; userId: string; until: string | null; now: Date; admins: readonly string[] },
): Promise<Person> {
  const target = await getPerson(db, input.teamId, input.userId);
  if (!target || !target.active) throw notFound(`<@${input.userId}> is not in the org chart.`);
  if (input.actorId !== input.userId) {
    const actor = await getPerson(db, input.teamId, input.actorId);
    const leads = (await chainBelow(db, input.teamId, input.actorId)).has(input.userId);
    if (!leads && !isAdmin(input.actorId, actor, input.admins)) {
      throw notAllowed(`You can pause yourself and the people below you in the chain; <@${input.userId}> is not below you. An admin can pause anyone.`);
    }
  }
  if (input.until !== null && input.until < localDate(input.now, target.tz)) throw invalid(`${input.until} has already passed: give today or a later day.`);
  return db
    .updateTable('person')
    .set({ paused_until: input.until, updated_at: input.now })
    .where('team_id', '=', input.teamId)
    .where('slack_user_id', '=', input.userId)
    .returningAll()
    .executeTakeFirstOrThrow();
}
