import type { Kysely } from 'kysely';
import type { Database, Person, Role } from '../db/types';
import { invalid, notFound } from '../errors';
import { isAdmin, requireAdmin, type Scope } from './policy';
import { MAX_LEVELS, validateChart, type ChartEntry } from './chart';
import type { Directory, DirectoryPage } from './directory';
import {
  directReports,
  getPerson,
  getWorkspace,
  listPeople,
  markProfilesRead,
  peopleDueForRefresh,
  updateProfile,
  updateProfiles,
  upsertPeople,
} from './people';
import type { Clock } from '../time/clock';
import { DAY_MS, MINUTE_MS } from '../time/durations';

interface OrgDeps {
  readonly db: Kysely<Database>;
  readonly directory: Directory;
  readonly clock: Clock;
}

interface SetPersonInput {
  readonly userId: string;
  readonly role: Role;
  /** Undefined keeps the current leader; null makes them the top (the title ceo does too). */
  readonly reportsTo?: string | null;
  /** Undefined keeps the current flag. */
  readonly admin?: boolean;
  /** False puts them in the org outside the chain; undefined keeps where they are. */
  readonly inChain?: boolean;
}

const toEntry = (p: Pick<Person, 'slack_user_id' | 'name' | 'role' | 'reports_to' | 'in_chain'>): ChartEntry => ({
  id: p.slack_user_id,
  name: p.name,
  role: p.role,
  reportsTo: p.reports_to,
  inChain: p.in_chain,
});

/** Adds a person to the org chart or changes their role, leader or admin flag; admins only. */
export async function setPerson(scope: Scope, directory: Directory, input: SetPersonInput): Promise<{ person: Person; created: boolean }> {
  const { db, teamId } = scope;
  await requireAdmin(scope, 'change the org chart');

  const user = await directory.userById(input.userId);
  if (!user) throw notFound(`Slack does not know the user {@${input.userId}}.`);
  if (user.deleted || user.isBot)
    throw invalid(`{@${input.userId}} is ${user.isBot ? 'a bot' : 'deactivated in Slack'} and cannot join the org chart.`);

  const people = await listPeople(db, teamId, { activeOnly: true });
  const before = people.find((p) => p.slack_user_id === input.userId);
  const existing = before ?? (await getPerson(db, teamId, input.userId));
  const inChain = input.inChain ?? existing?.in_chain ?? true;
  const reportsTo =
    !inChain || (input.role === 'ceo' && input.reportsTo === undefined)
      ? null
      : input.reportsTo !== undefined
        ? input.reportsTo
        : (before?.reports_to ?? null);
  if (reportsTo !== null && !people.some((p) => p.slack_user_id === reportsTo)) {
    throw invalid(`{@${reportsTo}} is not in the org chart yet: add them first with {cmd:org set @leader <title> …}.`);
  }

  const proposed = people.filter((p) => p.slack_user_id !== input.userId).map(toEntry);
  proposed.push({ id: input.userId, name: user.name, role: input.role, reportsTo, inChain });
  const problems = validateChart(proposed).filter(
    (p) => p.personId === input.userId || p.personId === '' || reportsToTarget(proposed, p.personId, input.userId),
  );
  if (problems.length > 0) {
    throw invalid(`That change would break the chain:\n${problems.map((p) => `• ${p.message}`).join('\n')}`);
  }

  const now = scope.now;
  await upsertPeople(
    db,
    [
      {
        team_id: teamId,
        slack_user_id: input.userId,
        name: user.name,
        email: user.email ?? existing?.email ?? null,
        role: input.role,
        is_admin: input.admin ?? existing?.is_admin ?? false,
        reports_to: reportsTo,
        tz: user.tz || existing?.tz || 'UTC',
        active: true,
        in_chain: inChain,
        paused_until: existing?.paused_until ?? null,
        profile_refreshed_at: now,
      },
    ],
    now,
  );
  const person = (await getPerson(db, teamId, input.userId))!;
  return { person, created: !existing };
}

function reportsToTarget(entries: readonly ChartEntry[], personId: string, targetId: string): boolean {
  return entries.some((e) => e.id === personId && e.reportsTo === targetId);
}

/** Takes a person out of the org chart (history is kept); refused while anyone still reports to them. */
export async function removePerson(scope: Scope, input: { userId: string }): Promise<Person> {
  const { db, teamId } = scope;
  await requireAdmin(scope, 'change the org chart');
  const person = await getPerson(db, teamId, input.userId);
  if (!person?.active) throw notFound(`{@${input.userId}} is not in the org chart.`);
  const reports = await directReports(db, teamId, input.userId);
  if (reports.length > 0) {
    const names = reports.map((r) => `{@${r.slack_user_id}}`).join(', ');
    throw invalid(
      `${person.name} still leads ${names}. Move them to another leader first with {cmd:org set @person <title> reports-to @leader}.`,
    );
  }
  const now = scope.now;
  await db
    .updateTable('person')
    .set({ active: false, updated_at: now })
    .where('team_id', '=', teamId)
    .where('slack_user_id', '=', input.userId)
    .execute();
  return person;
}

export interface OrgView {
  readonly person: Person;
  /** From the top of the chain down to the person's own leader. */
  readonly chain: Person[];
  readonly reports: Person[];
}

/** A person's place in the org: their chain up and their direct reports. Anyone may look. */
export async function showPerson(db: Kysely<Database>, teamId: string, userId: string): Promise<OrgView> {
  // A few rows, whatever the size of the org: the person, their chain up (at most 12 levels), their reports.
  const person = await getPerson(db, teamId, userId);
  if (!person?.active)
    throw notFound(`{@${userId}} is not in the org chart. An admin can add them with {cmd:org set} or {cmd:org import}.`);
  const chain: Person[] = [];
  const seen = new Set<string>([userId]);
  let leaderId = person.reports_to;
  while (leaderId && !seen.has(leaderId) && chain.length < MAX_LEVELS) {
    const leader = await getPerson(db, teamId, leaderId);
    if (!leader?.active) break;
    chain.unshift(leader);
    seen.add(leaderId);
    leaderId = leader.reports_to;
  }
  const reports = await directReports(db, teamId, userId);
  return { person, chain, reports };
}

/** Pages a full read of the directory may take at most (200 users each); a cursor that never ends stops here. */
const MAX_DIRECTORY_PAGES = 5_000;

/**
 * How stale the directory may grow when it can be listed: just under two hours, so that the hourly job reads it
 * every second hour and every kept status is younger than STATUS_FRESH_MS (three hours) when a prompt falls
 * due: prompts never ask Slack one by one. 100,000 people are 500 calls of Tier 2, about 25 minutes, every two hours.
 */
const LIST_EVERY_MS = 110 * MINUTE_MS;

/**
 * Refreshes names, time zones and statuses from Slack. A directory that can list users is read a page at a time
 * (`users.list`, 200 people per call), the whole org every LIST_EVERY_MS; one that cannot is asked one person at
 * a time, `limit` people per call, each person once a day.
 */
export async function refreshProfiles(
  deps: Pick<OrgDeps, 'db' | 'directory' | 'clock'>,
  teamId: string,
  options: { limit: number },
): Promise<number> {
  const now = deps.clock.now();
  const { directory } = deps;
  if (directory.listUsers) {
    const before = new Date(now.getTime() - LIST_EVERY_MS);
    if ((await peopleDueForRefresh(deps.db, teamId, before, 1)).length === 0) return 0;
    let refreshed = 0;
    let cursor: string | null = null;
    const seen = new Set<string>();
    for (let page = 0; page < MAX_DIRECTORY_PAGES; page += 1) {
      const { users, next }: DirectoryPage = await directory.listUsers(cursor);
      refreshed += await updateProfiles(deps.db, teamId, users, now);
      if (!next || seen.has(next)) break;
      seen.add(next);
      cursor = next;
    }
    // A user Slack no longer lists keeps their last profile; they are still marked read until the next pass.
    return refreshed + (await markProfilesRead(deps.db, teamId, before, now));
  }
  const due = await peopleDueForRefresh(deps.db, teamId, new Date(now.getTime() - DAY_MS), options.limit);
  let refreshed = 0;
  for (const person of due) {
    // A user Slack no longer knows keeps their last profile; it is still marked read so the batch moves on.
    const user = await directory.userById(person.slack_user_id);
    const profile = {
      name: user?.name || person.name,
      tz: user?.tz || person.tz,
      email: user?.email ?? person.email,
      ...(user ? { status: { text: user.statusText, emoji: user.statusEmoji, expiration: user.statusExpiration ?? 0 } } : {}),
    };
    await updateProfile(deps.db, teamId, person.slack_user_id, profile, now);
    refreshed += 1;
  }
  return refreshed;
}

export interface HomeSummary {
  readonly coreValue: string;
  readonly view: OrgView | null;
  readonly isAdmin: boolean;
  readonly peopleCount: number;
  /** For an admin: how many digests have a channel (the first run's second step). */
  readonly digestChannels: number;
}

/** What App Home shows a person about their place in the org. */
export async function homeSummary(
  db: Kysely<Database>,
  teamId: string,
  userId: string,
  configAdmins: readonly string[],
): Promise<HomeSummary> {
  const workspace = await getWorkspace(db, teamId);
  const me = await getPerson(db, teamId, userId);
  const view = me?.active ? await showPerson(db, teamId, userId) : null;
  const admin = isAdmin(userId, me ?? undefined, configAdmins);
  const firstRun = await firstRunProgress(db, teamId);
  return {
    coreValue: workspace?.core_value ?? 'Sales Excellence',
    view,
    isAdmin: admin,
    peopleCount: firstRun.peopleCount,
    digestChannels: admin ? firstRun.digestChannels : 0,
  };
}

/** A new workspace's first steps: how many people the org chart has, and how many digests have a channel. */
export async function firstRunProgress(db: Kysely<Database>, teamId: string): Promise<{ peopleCount: number; digestChannels: number }> {
  const count = await db
    .selectFrom('person')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('team_id', '=', teamId)
    .where('active', '=', true)
    .executeTakeFirstOrThrow();
  const digests = await db
    .selectFrom('digest_setting')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('team_id', '=', teamId)
    .where('channel_id', 'is not', null)
    .executeTakeFirstOrThrow();
  return { peopleCount: Number(count.n), digestChannels: Number(digests.n) };
}
