import { sql, type Kysely } from 'kysely';
import { FLAGS_EVERY_MS } from '../accountability/flags';
import type { Database } from '../db/types';
import { addDays, utcDate } from '../time/calendar';
import { DAY_MS } from '../time/durations';
import { keyInSql } from '../outbox/vocabulary';

/** How often flags are looked at anyway (goal pace moves with the calendar alone). */
const FLAGS_AT_LEAST_MS = DAY_MS;

/** Which workspaces have what work at `now`; a workspace in none of these is not visited by the tick. */
interface DueWork {
  /** Workspaces whose planning is due: the change count it will have seen, and whether it continues a plan begun with that count. */
  readonly plan: Map<string, { epoch: number; continuing: boolean }>;
  readonly close: Set<string>;
  readonly remind: Set<string>;
  readonly flags: Set<string>;
  readonly digests: Set<string>;
}

/**
 * Finds due work for every workspace in a handful of indexed statements, so that a minute with nothing due
 * costs the same for a thousand workspaces as for one:
 * planning when its instant has come or what it reads has changed (migration `due-instants`), closing when a
 * window's end has come, reminders when a delivered prompt is past half its window, flags when they are a
 * day old or something they read changed since, digests when their next instant has come.
 */
export async function findDue(db: Kysely<Database>, now: Date): Promise<DueWork> {
  const workspaces = await sql<{ team_id: string; plan_epoch: number; planned_epoch: number | null; plan: boolean; close: boolean }>`
    select team_id, plan_epoch, planned_epoch,
           plan_due_at is null or plan_due_at <= ${now} or planned_epoch is distinct from plan_epoch as plan,
           close_due_at is null or close_due_at <= ${now} as close
    from workspace where uninstalled_at is null`.execute(db);
  // A workspace that removed the app gets nothing planned or sent (its data waits for the purge).
  const installed = new Set(workspaces.rows.map((w) => w.team_id));
  const plan = new Map<string, { epoch: number; continuing: boolean }>();
  const close = new Set<string>();
  for (const w of workspaces.rows) {
    if (w.plan)
      plan.set(w.team_id, {
        epoch: Number(w.plan_epoch),
        continuing: w.planned_epoch !== null && Number(w.planned_epoch) === Number(w.plan_epoch),
      });
    if (w.close) close.add(w.team_id);
  }
  const remind = await sql<{ team_id: string }>`
    select distinct c.team_id from checkin c
    join round r on r.id = c.round_id join cadence k on k.id = r.cadence_id and k.reminder
    where c.status = 'sent' and c.reminded_at is null and (c.due_at + (c.closes_at - c.due_at) / 2) <= ${now}
      and c.closes_at > ${now} and c.message_ts is not null and (c.snoozed_until is null or c.snoozed_until <= ${now})
    union
    select r.team_id from round r join cadence k on k.id = r.cadence_id and k.reminder
    where r.status = 'open' and r.thread_ts is not null
      and not exists (select 1 from delivery d where d.dedupe_key = ${keyInSql('teamReminder', sql.ref('r.id'))})
      and exists (select 1 from checkin c where c.round_id = r.id and c.status = 'sent'
                  and c.due_at + (c.closes_at - c.due_at) / 2 <= ${now} and c.closes_at > ${now})`.execute(db);
  const flags = await sql<{ team_id: string }>`
    select w.team_id from workspace w
    where w.uninstalled_at is null and (w.flags_checked_at is null or w.flags_checked_at > ${now} or w.flags_checked_at <= ${new Date(now.getTime() - FLAGS_AT_LEAST_MS)}
       or (w.flags_checked_at <= ${new Date(now.getTime() - FLAGS_EVERY_MS)}
           and (exists (select 1 from checkin c where c.team_id = w.team_id and c.updated_at > w.flags_checked_at)
                or exists (select 1 from commitment m where m.team_id = w.team_id and m.updated_at > w.flags_checked_at)
                or exists (select 1 from progress p where p.team_id = w.team_id and p.recorded_on >= (w.flags_checked_at at time zone 'UTC')::date))))`.execute(
    db,
  );
  const digests = await sql<{ team_id: string }>`
    select distinct team_id from digest_setting where channel_id is not null and (next_due_at is null or next_due_at <= ${now})`.execute(
    db,
  );
  return {
    plan,
    close,
    remind: new Set(remind.rows.map((r) => r.team_id).filter((t) => installed.has(t))),
    flags: new Set(flags.rows.map((r) => r.team_id)),
    digests: new Set(digests.rows.map((r) => r.team_id).filter((t) => installed.has(t))),
  };
}

/**
 * Planning for a workspace is done up to `now`: it is next due when the UTC date turns, unless what it reads
 * changed while it ran (then the change count differs and the next tick plans again).
 */
export async function planned(db: Kysely<Database>, teamId: string, epoch: number, now: Date): Promise<void> {
  const midnight = new Date(`${addDays(utcDate(now), 1)}T00:00:00Z`);
  await db.updateTable('workspace').set({ plan_due_at: midnight, planned_epoch: epoch }).where('team_id', '=', teamId).execute();
}

/** Closing for a workspace is done up to `now`: it is next due at the next window's end. */
export async function closed(db: Kysely<Database>, teamId: string, now: Date): Promise<void> {
  await sql`
    update workspace set close_due_at = coalesce(
      (select min(closes_at) from checkin where team_id = ${teamId} and closes_at > ${now}), 'infinity')
    where team_id = ${teamId}`.execute(db);
}
