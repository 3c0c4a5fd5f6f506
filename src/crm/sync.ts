import { sql, type Kysely } from 'kysely';
import type { CrmConnection, Database } from '../db/types';
import { eachAtOnce } from '../concurrency';
import type { Log } from '../log';
import { requireAdmin, type Scope } from '../org/policy';
import { after, before, HOUR_MS, minutes } from '../time/durations';
import { connectionOf, providerName, sourceOf, type CrmSettings } from './connections';
import { writeCrmProgress } from './progress';
import { CrmStop, type CrmDealRecord, type CrmSource } from './source';

export interface SyncDeps {
  readonly db: Kysely<Database>;
  readonly now: () => Date;
  readonly log: Log;
  readonly settings: CrmSettings;
  /** How a connection is read (tests and the bench hand their own). */
  readonly sourceFor?: (c: CrmConnection) => Promise<CrmSource>;
}

interface SyncReport {
  readonly teamId: string;
  readonly outcome: 'synced' | 'busy' | 'not_connected' | 'stopped';
  readonly deals: number;
  readonly deleted: number;
  readonly owners: number;
  readonly goals: number;
  readonly message?: string;
}

/** A sync holds its workspace this long, renewed with every page; a replica that dies frees it when it runs out. */
const LEASE = minutes(10);
/** Each window starts this much before the last one ended: a CRM's search index lags its writes a little. */
const OVERLAP = minutes(5);
/** Syncs of different workspaces run side by side, this many at once. */
const AT_ONCE = 4;

/**
 * Reads what changed in the workspace's CRM since the last sync (everything, with `full`), keeps deals and
 * owners, and writes the progress of every goal that follows a CRM measure. One sync per workspace at a time
 * across replicas (a lease on its connection row); each page is written with the sync's place, so a sync that
 * stops anywhere resumes after the last page it wrote, and a deal read twice is kept once.
 */
export async function syncWorkspace(deps: SyncDeps, teamId: string, options: { full?: boolean } = {}): Promise<SyncReport> {
  const empty = { teamId, deals: 0, deleted: 0, owners: 0, goals: 0 };
  const connection = await connectionOf(deps.db, teamId, deps.settings);
  if (!connection) return { ...empty, outcome: 'not_connected' };
  const now = deps.now();
  const leased = await deps.db
    .updateTable('crm_connection')
    .set({
      lease_until: after(now, LEASE),
      ...(options.full ? { full_pending: true, window_end: null, window_after: null } : {}),
    })
    .where('team_id', '=', teamId)
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
    .returningAll()
    .executeTakeFirst();
  if (!leased) return { ...empty, outcome: 'busy', message: 'A sync of this workspace is running already.' };
  let source: CrmSource;
  try {
    source = await (deps.sourceFor ?? ((c) => sourceOf(c, deps.settings)))(leased);
    const read = await readCrm(deps, leased, source);
    const goals = await writeCrmProgress(deps.db, teamId, deps.now());
    const usage = source.usage();
    await deps.db
      .updateTable('crm_connection')
      .set({
        synced_at: deps.now(),
        last_error: null,
        lease_until: null,
        updated_at: deps.now(),
        ...(usage ? { api_used: usage.used, api_limit: usage.limit } : {}),
      })
      .where('team_id', '=', teamId)
      .execute();
    return { ...empty, ...read, goals, outcome: 'synced' };
  } catch (err) {
    const message =
      err instanceof CrmStop || (err as { code?: string }).code === 'invalid'
        ? (err as Error).message
        : `${providerName(leased.provider)} failed: ${(err as Error).message}`;
    // The message only: an SDK's error object can carry what it sent, and stored credentials are not the log's to redact.
    deps.log.warn({ teamId, message }, 'CRM sync stopped; it resumes where it was');
    await deps.db
      .updateTable('crm_connection')
      .set({ last_error: message.slice(0, 500), lease_until: null, updated_at: deps.now() })
      .where('team_id', '=', teamId)
      .execute();
    return { ...empty, outcome: 'stopped', message };
  }
}

async function readCrm(deps: SyncDeps, c: CrmConnection, source: CrmSource): Promise<{ deals: number; deleted: number; owners: number }> {
  const { db } = deps;
  const teamId = c.team_id;
  const currency = (await source.currency()) ?? c.currency;
  const owners = await readOwners(db, teamId, source);
  let deals = 0;
  let deleted = 0;
  // A window left half-read by a sync that stopped is finished first; then one up to now.
  for (let state = c, resumed = c.window_end !== null; ; resumed = false) {
    const read = await readWindow(deps, state, source, currency);
    deals += read.deals;
    deleted += read.deleted;
    if (!resumed) break;
    state = await db.selectFrom('crm_connection').selectAll().where('team_id', '=', teamId).executeTakeFirstOrThrow();
  }
  for await (const ids of source.deletedIds()) {
    const r = await db
      .updateTable('crm_deal')
      .set({ deleted: true })
      .where('team_id', '=', teamId)
      .where('deal_id', 'in', [...ids])
      .where('deleted', '=', false)
      .executeTakeFirst();
    deleted += Number(r.numUpdatedRows);
  }
  return { deals, deleted, owners };
}

/** One window of last-modified times, page by page, each page kept with the place it reached. */
async function readWindow(
  deps: SyncDeps,
  c: CrmConnection,
  source: CrmSource,
  currency: string | null,
): Promise<{ deals: number; deleted: number }> {
  const { db } = deps;
  const teamId = c.team_id;
  // The window: from the last one's end (less an overlap), to the instant the window was started.
  let windowEnd = c.window_end;
  if (!windowEnd) {
    windowEnd = deps.now();
    await db
      .updateTable('crm_connection')
      .set({ window_end: windowEnd, window_after: null, currency })
      .where('team_id', '=', teamId)
      .execute();
  }
  const from = c.full_pending || !c.synced_to ? null : before(c.synced_to, OVERLAP);
  let deals = 0;
  for await (const page of source.modified(from, windowEnd, c.window_end ? c.window_after : null)) {
    await db.transaction().execute(async (tx) => {
      await keepDeals(tx, teamId, page, currency, windowEnd);
      await tx
        .updateTable('crm_connection')
        .set({ window_after: page[page.length - 1]!.id, lease_until: after(deps.now(), LEASE) })
        .where('team_id', '=', teamId)
        .execute();
    });
    deals += page.length;
  }
  let deleted = 0;
  await db.transaction().execute(async (tx) => {
    if (c.full_pending) {
      // A full read saw every deal the CRM still has: what it did not see is gone.
      const r = await tx
        .updateTable('crm_deal')
        .set({ deleted: true })
        .where('team_id', '=', teamId)
        .where('deleted', '=', false)
        .where((eb) => eb.or([eb('seen_in', 'is', null), eb('seen_in', '<>', windowEnd)]))
        .executeTakeFirst();
      deleted += Number(r.numUpdatedRows);
    }
    await tx
      .updateTable('crm_connection')
      .set({ synced_to: windowEnd, window_end: null, window_after: null, full_pending: false })
      .where('team_id', '=', teamId)
      .execute();
  });
  return { deals, deleted };
}

async function readOwners(db: Kysely<Database>, teamId: string, source: CrmSource): Promise<number> {
  const seen: string[] = [];
  for await (const page of source.owners()) {
    if (page.length === 0) continue;
    await db
      .insertInto('crm_owner')
      .values(page.map((o) => ({ team_id: teamId, owner_id: o.id, email: o.email, name: o.name })))
      .onConflict((oc) =>
        oc.columns(['team_id', 'owner_id']).doUpdateSet((eb) => ({ email: eb.ref('excluded.email'), name: eb.ref('excluded.name') })),
      )
      .execute();
    seen.push(...page.map((o) => o.id));
  }
  await sql`delete from crm_owner where team_id = ${teamId} and not (owner_id = any(${seen}::text[]))`.execute(db);
  return seen.length;
}

/** Keeps a page of deals: a deal read again (an overlap, a resumed page) replaces itself, never adds to a figure. */
async function keepDeals(
  tx: Kysely<Database>,
  teamId: string,
  page: readonly CrmDealRecord[],
  currency: string | null,
  windowEnd: Date,
): Promise<void> {
  await tx
    .insertInto('crm_deal')
    .values(
      page.map((d) => ({
        team_id: teamId,
        deal_id: d.id,
        owner_id: d.ownerId,
        amount: d.amount,
        currency: d.currency ?? currency,
        created_on: d.createdOn,
        closed_on: d.closedOn,
        is_closed: d.isClosed,
        is_won: d.isWon,
        modified_at: d.modifiedAt,
        deleted: d.deleted,
        seen_in: windowEnd,
      })),
    )
    .onConflict((oc) =>
      oc.columns(['team_id', 'deal_id']).doUpdateSet((eb) => ({
        owner_id: eb.ref('excluded.owner_id'),
        amount: eb.ref('excluded.amount'),
        currency: eb.ref('excluded.currency'),
        created_on: eb.ref('excluded.created_on'),
        closed_on: eb.ref('excluded.closed_on'),
        is_closed: eb.ref('excluded.is_closed'),
        is_won: eb.ref('excluded.is_won'),
        modified_at: eb.ref('excluded.modified_at'),
        deleted: eb.ref('excluded.deleted'),
        seen_in: eb.ref('excluded.seen_in'),
      })),
    )
    .execute();
}

/**
 * The hourly sync: every workspace with a CRM whose last sync is an hour old (or that never synced), a few at
 * a time, each on its own; one that fails keeps its error for `crm status` and does not hold up the others.
 */
export async function syncDue(deps: SyncDeps): Promise<SyncReport[]> {
  const now = deps.now();
  const hourAgo = before(now, HOUR_MS);
  const teams = await deps.db
    .selectFrom('workspace as w')
    .leftJoin('crm_connection as c', 'c.team_id', 'w.team_id')
    .select('w.team_id')
    // A workspace that removed the app is read no more (its credentials went with it; the environment's stay).
    .where('w.uninstalled_at', 'is', null)
    .where((eb) =>
      eb.or([
        eb('c.team_id', 'is not', null).and(eb.or([eb('c.synced_at', 'is', null), eb('c.synced_at', '<=', hourAgo)])),
        ...(deps.settings.fromEnvironment ? [eb('c.team_id', 'is', null)] : []),
      ]),
    )
    .where((eb) => eb.or([eb('c.lease_until', 'is', null), eb('c.lease_until', '<', now)]))
    .orderBy('w.team_id')
    .execute();
  const reports: SyncReport[] = [];
  await eachAtOnce(
    teams.map((t) => t.team_id),
    AT_ONCE,
    async (team) => void reports.push(await syncWorkspace(deps, team)),
  );
  return reports;
}

/** A sync's outcome in one line. */
export function describeSync(r: SyncReport): string {
  if (r.outcome !== 'synced') return r.message ?? r.outcome;
  return `Synced: ${r.deals} deal${r.deals === 1 ? '' : 's'} read, ${r.deleted} deleted, ${r.owners} owner${r.owners === 1 ? '' : 's'}; progress written for ${r.goals} goal${r.goals === 1 ? '' : 's'} that follow the CRM.`;
}

/** An admin's sync now (`/cascade crm sync`). */
export async function syncFor(scope: Scope, deps: Omit<SyncDeps, 'db'>): Promise<SyncReport> {
  await requireAdmin(scope, 'sync the CRM');
  return syncWorkspace({ ...deps, db: scope.db }, scope.teamId);
}
