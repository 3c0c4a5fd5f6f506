import type { Kysely } from 'kysely';
import type { Database, DigestScope } from '../db/types';
import { invalid, notAllowed } from '../errors';
import type { Scope } from '../org/policy';
import { getPerson } from '../org/people';
import { execPeople as execPair, leadsAnyone } from '../org/chain';
import { deliveryKey, enqueue, enqueueMany, type Deliveries } from '../outbox/vocabulary';
import { addDays, instantOf, localDate, localTime } from '../time/calendar';
import { type Period, digestPeriods, periodAround } from '../time/periods';
import { DAY_MS } from '../time/durations';

/** Whose digest a command means: a team digest is the caller's own team (or, for admins, the leader named). */
async function ownerFor(who: Scope, scope: DigestScope, leaderId?: string): Promise<string> {
  const { db, teamId } = who;
  const actorId = who.actor.id;
  const admin = who.actor.isAdmin;
  if (scope !== 'team') {
    if (!admin) throw notAllowed(`Only Cascade admins set the ${scope} digest.`);
    return '';
  }
  if (leaderId && leaderId !== actorId && !admin) throw notAllowed('You can set the digest of your own team; admins can set anyone’s.');
  const owner = leaderId ?? actorId;
  if (!(await leadsAnyone(db, teamId, owner)))
    throw invalid(`{@${owner}} leads no one in the org chart, so there is no team digest to set.`);
  return owner;
}

/** `/cascade digest channel <scope> #channel` (the exec digest may also go by DM to the CEO and the President: `dm`). */
export async function setDigestChannel(
  who: Scope,
  request: {
    scope: DigestScope;
    channelId: string;
    leaderId?: string;
    /** Checks that Cascade can post in the channel (Slack's side), once the actor may set it; throws to refuse. */
    checkChannel?: (channelId: string) => Promise<void>;
  },
): Promise<{ scope: DigestScope; ownerId: string; channelId: string }> {
  const { db } = who;
  const input = { ...request, teamId: who.teamId, now: who.now };
  if (input.channelId === 'dm' && input.scope !== 'exec')
    throw invalid('Only the exec digest can go by DM (to the CEO and the President).');
  const ownerId = await ownerFor(who, input.scope, input.leaderId);
  if (input.channelId !== 'dm') await input.checkChannel?.(input.channelId);
  await keepSetting(db, input, ownerId, {
    channel_id: input.channelId,
    ...(input.scope === 'exec' ? { frequency: 'monthly' as const } : {}),
  });
  return { scope: input.scope, ownerId, channelId: input.channelId };
}

/** {cmd:digest schedule <scope> weekly|monthly <weekday> <HH:MM>}. */
export async function setDigestSchedule(
  who: Scope,
  request: { scope: DigestScope; frequency: 'weekly' | 'monthly'; weekday: number; localTime: string },
): Promise<{ scope: DigestScope; frequency: string; weekday: number; localTime: string }> {
  const { db } = who;
  const input = { ...request, teamId: who.teamId, now: who.now };
  const ownerId = await ownerFor(who, input.scope);
  await keepSetting(db, input, ownerId, { frequency: input.frequency, weekday: input.weekday, local_time: input.localTime });
  return { scope: input.scope, frequency: input.frequency, weekday: input.weekday, localTime: input.localTime };
}

/**
 * A digest's setting, created or changed: only what the command names changes (a channel keeps its schedule and
 * the other way round), and the next digest is planned again from it.
 */
async function keepSetting(
  db: Kysely<Database>,
  at: { teamId: string; scope: DigestScope; now: Date },
  ownerId: string,
  change: { channel_id: string; frequency?: 'monthly' } | { frequency: 'weekly' | 'monthly'; weekday: number; local_time: string },
): Promise<void> {
  await db
    .insertInto('digest_setting')
    .values({ team_id: at.teamId, scope: at.scope, owner_id: ownerId, ...change, updated_at: at.now, next_due_at: null })
    .onConflict((oc) =>
      oc
        .columns(['team_id', 'scope', 'owner_id'])
        .doUpdateSet(
          'channel_id' in change
            ? { channel_id: change.channel_id, updated_at: at.now, next_due_at: null }
            : { ...change, updated_at: at.now, next_due_at: null },
        ),
    )
    .execute();
}

/** The zone a digest's schedule is read in: the team leader's, or for the org and exec digests the CEO's. */
async function zoneOf(db: Kysely<Database>, teamId: string, ownerId: string): Promise<string> {
  const row = ownerId
    ? await db.selectFrom('person').select('tz').where('team_id', '=', teamId).where('slack_user_id', '=', ownerId).executeTakeFirst()
    : (await execPair(db, teamId)).find((p) => p.top);
  return row?.tz ?? 'UTC';
}

/** What a digest delivery is about: its scope, whose team, and its period. */
function digestPayload(scope: DigestScope, ownerId: string, period: Period): Deliveries['digest'] {
  return { scope, ownerId, start: period.start, end: period.end };
}

function digestKey(scope: DigestScope, ownerId: string, period: Period, recipient = ''): string {
  return deliveryKey.digest(digestPayload(scope, ownerId, period), recipient);
}

/**
 * Queues the digests that fall due now: once per scope and period (the dedupe key holds both), in the
 * outbox like any prompt, so repeated or concurrent ticks never post one twice and a failure is retried.
 */
export async function planDigests(db: Kysely<Database>, teamId: string, now: Date): Promise<number> {
  const settings = await db
    .selectFrom('digest_setting')
    .selectAll()
    .where('team_id', '=', teamId)
    .where('channel_id', 'is not', null)
    .where((eb) => eb.or([eb('next_due_at', 'is', null), eb('next_due_at', '<=', now)]))
    .execute();
  let queued = 0;
  for (const s of settings) {
    const tz = await zoneOf(db, teamId, s.owner_id);
    const today = localDate(now, tz);
    const time = localTime(now, tz);
    // Due from its day and time this week (or, monthly, on the first such weekday of the month); a digest
    // whose moment passed while Cascade was down still goes out, once, within the next two days.
    const day = scheduledDay(s.frequency, s.weekday, today);
    let next: Date;
    if (today < day || (today === day && time < s.local_time)) next = instantOf(day, s.local_time, tz);
    else {
      if (today <= addDays(day, 2)) {
        const { current } = digestPeriods(s.frequency, today);
        const recipients = s.channel_id === 'dm' ? await execPeople(db, teamId) : [s.channel_id!];
        const payload = digestPayload(s.scope, s.owner_id, current);
        queued += await enqueueMany(
          db,
          'digest',
          recipients.map((r) => ({
            teamId,
            key: digestKey(s.scope, s.owner_id, current, s.channel_id === 'dm' ? r : ''),
            recipient: r,
            channelId: r,
            notBefore: now,
            payload,
          })),
        );
      }
      // Queued (or its chance gone): next due in the next week or month.
      const after = s.frequency === 'weekly' ? addDays(day, 7) : `${addDays(`${today.slice(0, 7)}-01`, 32).slice(0, 7)}-01`;
      next = instantOf(scheduledDay(s.frequency, s.weekday, after), s.local_time, tz);
    }
    // A tick at most a day later looks again (a leader who moved to another zone is read again then).
    const cap = new Date(now.getTime() + DAY_MS);
    await db
      .updateTable('digest_setting')
      .set({ next_due_at: next < cap ? next : cap })
      .where('team_id', '=', teamId)
      .where('scope', '=', s.scope)
      .where('owner_id', '=', s.owner_id)
      .where('updated_at', '=', s.updated_at)
      .execute();
  }
  return queued;
}

/** The day a digest is due in the week (or month) that holds `today`. Pure. */
export function scheduledDay(frequency: 'weekly' | 'monthly', weekday: number, today: string): string {
  const start = frequency === 'weekly' ? periodAround('week', today).start : `${today.slice(0, 7)}-01`;
  const first = new Date(`${start}T00:00:00Z`).getUTCDay();
  return addDays(start, (weekday - first + 7) % 7);
}

async function execPeople(db: Kysely<Database>, teamId: string): Promise<string[]> {
  return (await execPair(db, teamId)).map((p) => p.id);
}

/** Who may see a digest on demand: a team's people its own; leaders and admins the org's; the exec pair and admins the exec's. */
export async function previewTarget(
  who: Scope,
  scope: DigestScope,
): Promise<{ ownerId: string; frequency: 'weekly' | 'monthly'; current: Period; previous: Period }> {
  const { db } = who;
  const input = { scope, teamId: who.teamId, actorId: who.actor.id, now: who.now };
  const actor = await getPerson(db, input.teamId, input.actorId);
  const admin = who.actor.isAdmin;
  let ownerId = '';
  if (input.scope === 'team') {
    if (!actor) throw notAllowed('You are not in the org chart, so you have no team digest.');
    ownerId = (await leadsAnyone(db, input.teamId, actor.slack_user_id)) ? actor.slack_user_id : (actor.reports_to ?? '');
    if (!ownerId) throw notAllowed('You lead no one and report to no one, so there is no team digest for you.');
  } else if (input.scope === 'org' && !admin && !(actor?.active && (await leadsAnyone(db, input.teamId, actor.slack_user_id)))) {
    throw notAllowed('The organisation digest is for leaders and admins.');
  } else if (input.scope === 'exec' && !admin && !(await execPair(db, input.teamId)).some((p) => p.id === input.actorId)) {
    throw notAllowed('The exec digest is for the CEO, the President and admins.');
  }
  const setting = await digestSetting(db, input.teamId, input.scope, ownerId);
  const frequency = setting?.frequency ?? (input.scope === 'exec' ? 'monthly' : 'weekly');
  const { current, previous } = digestPeriods(frequency, localDate(input.now, actor?.tz ?? 'UTC'));
  return { ownerId, frequency, current, previous };
}

export async function digestChannel(db: Kysely<Database>, teamId: string, scope: DigestScope, ownerId: string): Promise<string | null> {
  return (await digestSetting(db, teamId, scope, ownerId))?.channel_id ?? null;
}

/** One digest's setting (where it goes, how often), if anyone set it. */
function digestSetting(db: Kysely<Database>, teamId: string, scope: DigestScope, ownerId: string) {
  return db
    .selectFrom('digest_setting')
    .select(['channel_id', 'frequency'])
    .where('team_id', '=', teamId)
    .where('scope', '=', scope)
    .where('owner_id', '=', ownerId)
    .executeTakeFirst();
}

/** Gives a claimed period back, when its channel refused it: once the channel is fixed, it can be posted. */
export async function releaseDigestClaim(db: Kysely<Database>, id: number): Promise<void> {
  await db.deleteFrom('delivery').where('id', '=', id).where('status', '<>', 'sent').execute();
}

/**
 * {cmd:digest now}: the digest posted on demand for the last complete period is that period's digest, so it
 * takes the period's place in the outbox (the same key the schedule uses), queued to go at once and waking the
 * dispatcher: neither a tick nor a second command posts it too; one that failed for good gives way. When the period
 * is already there, says how it stands.
 */
export async function queueDigestNow(
  db: Kysely<Database>,
  input: { teamId: string; scope: DigestScope; ownerId: string; period: Period; channelId: string; now: Date },
): Promise<{ queued: true; id: number } | { queued: false; status: string; channelId: string | null; sentAt: Date | null }> {
  const key = digestKey(input.scope, input.ownerId, input.period);
  const payload = digestPayload(input.scope, input.ownerId, input.period);
  // A period Slack refused for good (its retries spent) is given back, to be asked for again.
  await db.deleteFrom('delivery').where('dedupe_key', '=', key).where('status', '=', 'failed').execute();
  const queued = await enqueue(db, 'digest', payload, {
    teamId: input.teamId,
    key,
    recipient: input.channelId,
    channelId: input.channelId,
    notBefore: input.now,
    wake: true,
  });
  const row = await db
    .selectFrom('delivery')
    .select(['id', 'status', 'channel_id', 'sent_at'])
    .where('dedupe_key', '=', key)
    .executeTakeFirstOrThrow();
  return queued ? { queued: true, id: row.id } : { queued: false, status: row.status, channelId: row.channel_id, sentAt: row.sent_at };
}
