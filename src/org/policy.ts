import type { Kysely } from 'kysely';
import type { Database, Person } from '../db/types';
import { notAllowed } from '../errors';
import { getPerson, listAdminIds } from './people';
import { chainAbove, chainBelow } from './visibility';
import { leadsAnyone } from './chain';

/*
 * Who may see and do what, in one place. Person-level data (answers, commitments, goals, progress, flags,
 * check-ins, skip reasons) is readable by the person and by everyone above them in the chain, never by a
 * peer; an admin outside the chain sees the organisation's figures, never a person's text. Commands, App
 * Home, briefs, digests and export all ask here.
 */

/** Who is asking: built once per request (or tick) with `scopeOf`. */
interface Actor {
  readonly id: string;
  readonly isAdmin: boolean;
  /** Active and in the chain, so person-level data below them is theirs to read (someone outside the chain is not). */
  readonly inChart: boolean;
}

/** Built once per request (or tick): every domain function that acts for someone takes it first. */
export interface Scope {
  readonly db: Kysely<Database>;
  readonly teamId: string;
  readonly actor: Actor;
  readonly now: Date;
  /** CASCADE_ADMINS and whoever added Cascade to the workspace by "Add to Slack": admins before any chart names one. */
  readonly configAdmins: readonly string[];
}

async function actorOf(db: Kysely<Database>, teamId: string, actorId: string, configAdmins: readonly string[]): Promise<Actor> {
  const person = await getPerson(db, teamId, actorId);
  return { id: actorId, isAdmin: isAdmin(actorId, person, configAdmins), inChart: person?.active === true && person.in_chain };
}

export async function scopeOf(
  db: Kysely<Database>,
  teamId: string,
  actorId: string,
  configAdmins: readonly string[],
  now: Date,
): Promise<Scope> {
  const admins = await withInstaller(db, teamId, configAdmins);
  return { db, teamId, now, configAdmins: admins, actor: await actorOf(db, teamId, actorId, admins) };
}

/** The person who installed Cascade by OAuth is an admin of that workspace, as CASCADE_ADMINS are of every one. */
async function withInstaller(db: Kysely<Database>, teamId: string, configAdmins: readonly string[]): Promise<readonly string[]> {
  const row = await db.selectFrom('slack_installation').select('installer_user_id').where('team_id', '=', teamId).executeTakeFirst();
  const installer = row?.installer_user_id;
  return installer && !configAdmins.includes(installer) ? [...configAdmins, installer] : configAdmins;
}

/** The people whose person-level data the actor may read: themselves and everyone below them. */
export async function readablePeople(db: Kysely<Database>, teamId: string, actorId: string): Promise<Set<string>> {
  return new Set([actorId, ...(await chainBelow(db, teamId, actorId))]);
}

/** Of `subjects`, those the actor may read. */
export async function readableAmong(
  db: Kysely<Database>,
  teamId: string,
  actorId: string,
  subjects: readonly string[],
): Promise<Set<string>> {
  if (subjects.length === 0) return new Set();
  const readable = await readablePeople(db, teamId, actorId);
  return new Set(subjects.filter((id) => readable.has(id)));
}

/** Whether the scope's actor may read `subjectId`'s person-level data: their own, or someone below them. */
export async function maySee(scope: Scope, subjectId: string): Promise<boolean> {
  return scope.actor.id === subjectId || (await chainBelow(scope.db, scope.teamId, scope.actor.id)).has(subjectId);
}

/** The one refusal of a read of someone's `what` (goals, commitments, check-ins) by a person not above them. */
export async function assertMaySee(scope: Scope, subjectId: string, what: string): Promise<void> {
  if (!(await maySee(scope, subjectId))) {
    throw notAllowed(`You can see your own ${what} and those of the people below you in the chain; {@${subjectId}} is not below you.`);
  }
}

/** Strictly below the actor: what flags are about (never one's own), and whom a leader may act for. */
export async function isBelow(db: Kysely<Database>, teamId: string, actorId: string, subjectId: string): Promise<boolean> {
  return (await chainBelow(db, teamId, actorId)).has(subjectId);
}

/**
 * A private 1:1 note is read by the leader who wrote it and by the chain above that leader when it was written
 * (kept with the note), not by whoever leads the member after a re-org, and never by the member.
 */
export function mayReadPrivateNote(readers: readonly string[] | null, actorId: string): boolean {
  return readers?.includes(actorId) ?? false;
}

/** The readers of a private note written now by `authorId`: the author and everyone above them today. */
export async function privateNoteReaders(db: Kysely<Database>, teamId: string, authorId: string): Promise<string[]> {
  return [authorId, ...(await chainAbove(db, teamId, authorId))];
}

/** Someone who may configure Cascade but is not in the chain: figures only, never a person's text. */
export function figuresOnly(actor: Actor): boolean {
  return actor.isAdmin && !actor.inChart;
}

/** An admin is named in the org chart or in CASCADE_ADMINS (which works before any chart exists). */
export function isAdmin(userId: string, person: Pick<Person, 'is_admin' | 'active'> | undefined, configAdmins: readonly string[]): boolean {
  return configAdmins.includes(userId) || (person?.active === true && person.is_admin);
}

/** Whether someone leads anyone in the chart (has an active direct report) and whether they are an admin. */
export async function audienceOf(
  db: Kysely<Database>,
  teamId: string,
  userId: string,
  configAdmins: readonly string[],
): Promise<{ leader: boolean; admin: boolean }> {
  const person = await db
    .selectFrom('person')
    .select(['is_admin', 'active'])
    .where('team_id', '=', teamId)
    .where('slack_user_id', '=', userId)
    .executeTakeFirst();
  const leads = await leadsAnyone(db, teamId, userId);
  return { leader: leads && person?.active === true, admin: isAdmin(userId, person, configAdmins) };
}

/** Throws a refusal that names who can do it, unless `userId` is an admin. */
export async function requireAdmin(scope: Scope, what: string): Promise<void> {
  if (scope.actor.isAdmin) return;
  const admins = [...new Set([...(await listAdminIds(scope.db, scope.teamId)), ...scope.configAdmins])];
  const who =
    admins.length > 0
      ? `Ask ${admins.map((id) => `{@${id}}`).join(', ')}.`
      : 'No admin is set yet: the operator can name one in CASCADE_ADMINS.';
  throw notAllowed(`Only Cascade admins can ${what}. ${who}`);
}
