import type { LineProblem } from '../errors';
import type { Kysely } from 'kysely';
import type { Database, NewPerson, Person, Role } from '../db/types';
import { validateChart, type ChartEntry } from './chart';
import { parseCsv, toCsvLine } from './csv';
import { analyzePlanning } from '../db/statistics';
import { eachAtOnce } from '../concurrency';
import type { Directory, DirectoryUser } from './directory';
import { listPeople, upsertPeople } from './people';
import { MAX_TITLE, normalizeTitle, SLACK_USER_ID } from './roles';
import { PAUSED_FOR_GOOD } from './people';

/** The longest name a person can have in the chart. */
const MAX_NAME = 200;

const ORG_CSV_COLUMNS = ['slack_user_id', 'email', 'name', 'role', 'manager', 'admin', 'in_chain', 'active'] as const;

/** A problem of one line of the CSV (0: of the whole file). */
type LineError = LineProblem;

interface OrgRow {
  readonly line: number;
  readonly slackUserId: string | null;
  readonly email: string | null;
  readonly name: string;
  /** Their title, free text ("CRO", "RVP West", "SDR"); ceo, president, manager and rep are titles too. */
  readonly role: Role;
  /** As written: a Slack user ID or an email of another row. */
  readonly manager: string | null;
  /** Undefined when the file has no admin column: the flag is then left as it was. */
  readonly admin: boolean | undefined;
  /** False: in the org, outside the chain (no check-ins, figures only). Undefined when the file has no in_chain column. */
  readonly inChain: boolean | undefined;
  /** False: paused out of the cascade for good. Undefined when the file has no active column: the pause is left as it was. */
  readonly active: boolean | undefined;
}

const EMAIL = /^[^\s@,]+@[^\s@,]+\.[^\s@,]+$/;
const YES = new Set(['yes', 'y', 'true', '1', 'x', 'admin']);
const NO = new Set(['', 'no', 'n', 'false', '0']);

/** What is wrong with an org CSV's header, in one line (unknown, missing and repeated columns), or null. */
function headerProblem(columns: readonly string[]): string | null {
  const unknown = columns.filter((c) => !(ORG_CSV_COLUMNS as readonly string[]).includes(c));
  const missing: string[] = [];
  if (!columns.includes('slack_user_id') && !columns.includes('email')) missing.push('slack_user_id or email');
  if (!columns.includes('role')) missing.push('role');
  if (!columns.includes('manager')) missing.push('manager');
  const repeated = columns.filter((c, i) => columns.indexOf(c) !== i);
  if (unknown.length === 0 && missing.length === 0 && repeated.length === 0) return null;
  const parts = [
    unknown.length ? `unknown column${unknown.length > 1 ? 's' : ''} ${unknown.map((c) => `"${c}"`).join(', ')}` : '',
    missing.length ? `missing ${missing.join(', ')}` : '',
    repeated.length ? `repeated ${repeated.join(', ')}` : '',
  ].filter(Boolean);
  return `header: ${parts.join('; ')}. Columns are: slack_user_id or email, name, role, manager, admin, in_chain, active`;
}

/** One line of an org CSV read on its own: the person it describes, and what is wrong with it (duplicates aside). */
function readOrgRow(col: (name: string) => string, columns: readonly string[], line: number): { row: OrgRow; problems: string[] } {
  const problems: string[] = [];
  const idRaw = col('slack_user_id');
  const emailRaw = col('email').toLowerCase();
  const roleRaw = normalizeTitle(col('role'));
  const managerRaw = col('manager');
  const adminRaw = col('admin').toLowerCase();
  if (!idRaw && !emailRaw) problems.push('needs a slack_user_id or an email');
  if (idRaw && !SLACK_USER_ID.test(idRaw)) problems.push(`"${idRaw}" is not a Slack user ID (like U012ABCDEF)`);
  if (emailRaw && !EMAIL.test(emailRaw)) problems.push(`"${emailRaw}" is not an email address`);
  if (!roleRaw) problems.push('needs a role: their title, like CRO, RVP West, manager or SDR');
  if (roleRaw.length > MAX_TITLE) problems.push(`the role is longer than ${MAX_TITLE} characters`);
  if (managerRaw && !SLACK_USER_ID.test(managerRaw) && !EMAIL.test(managerRaw.toLowerCase()))
    problems.push(`manager "${managerRaw}" is neither a Slack user ID nor an email`);
  const hasAdminColumn = columns.includes('admin');
  if (hasAdminColumn && !YES.has(adminRaw) && !NO.has(adminRaw))
    problems.push(`admin "${col('admin')}" should be yes or no (or left empty)`);
  const flag = (name: 'in_chain' | 'active'): boolean | undefined => {
    if (!columns.includes(name)) return undefined;
    const raw = col(name).toLowerCase();
    if (raw === '' || YES.has(raw) || raw === 'active') return true;
    if (NO.has(raw)) return false;
    problems.push(`${name} "${col(name)}" should be yes or no (or left empty for yes)`);
    return undefined;
  };
  const inChain = flag('in_chain');
  const active = flag('active');
  if (col('name').length > MAX_NAME) problems.push(`the name is longer than ${MAX_NAME} characters`);
  return {
    row: {
      line,
      slackUserId: idRaw || null,
      email: emailRaw || null,
      name: col('name'),
      role: roleRaw,
      manager: managerRaw || null,
      admin: hasAdminColumn ? YES.has(adminRaw) : undefined,
      inChain,
      active,
    },
    problems,
  };
}

/** The structural check of an org CSV: header, field counts, values, duplicates. Pure. */
export function parseOrgCsv(text: string): { rows: OrgRow[]; errors: LineError[] } {
  const { records, errors: csvErrors } = parseCsv(text);
  const errors: LineError[] = [...csvErrors];
  const [header, ...body] = records;
  if (!header) {
    errors.push({ line: 0, message: 'the file is empty: the first line must name the columns, e.g. email,name,role,manager,admin' });
    return { rows: [], errors };
  }
  const columns = header.fields.map((f) => f.trim().toLowerCase());
  const problem = headerProblem(columns);
  if (problem) {
    errors.push({ line: header.line, message: problem });
    return { rows: [], errors };
  }
  if (body.length === 0) errors.push({ line: header.line, message: 'the file has a header but no people' });

  const col = (fields: string[], name: string) => {
    const index = columns.indexOf(name);
    return index < 0 ? '' : (fields[index] ?? '').trim();
  };
  const rows: OrgRow[] = [];
  const seenId = new Map<string, number>();
  const seenEmail = new Map<string, number>();

  for (const record of body) {
    const line = record.line;
    if (record.fields.length !== columns.length) {
      errors.push({ line, message: `expected ${columns.length} fields (${columns.join(',')}), found ${record.fields.length}` });
      continue;
    }
    const f = record.fields;
    const { row, problems: lineErrors } = readOrgRow((name) => col(f, name), columns, line);
    const idRaw = row.slackUserId ?? '';
    const emailRaw = row.email ?? '';
    if (idRaw && seenId.has(idRaw)) lineErrors.push(`duplicate: ${idRaw} is already on line ${seenId.get(idRaw)}`);
    if (emailRaw && seenEmail.has(emailRaw)) lineErrors.push(`duplicate: ${emailRaw} is already on line ${seenEmail.get(emailRaw)}`);
    if (idRaw && !seenId.has(idRaw)) seenId.set(idRaw, line);
    if (emailRaw && !seenEmail.has(emailRaw)) seenEmail.set(emailRaw, line);

    if (lineErrors.length > 0) {
      for (const message of lineErrors) errors.push({ line, message });
      continue;
    }
    rows.push(row);
  }
  return { rows, errors: sortErrors(errors) };
}

/**
 * Today's chart as the CSV the import reads (Slack user IDs, titles, managers, admins, who is outside the
 * chain), top down: what an import window starts from, so that changing one line does not mean retyping the rest.
 */
export async function chartCsv(db: Kysely<Database>, teamId: string): Promise<string> {
  const people = await db
    .selectFrom('person')
    .select(['slack_user_id', 'name', 'role', 'reports_to', 'is_admin', 'in_chain'])
    .where('team_id', '=', teamId)
    .where('active', '=', true)
    .orderBy('name')
    .execute();
  if (people.length === 0) return '';
  // Top down: each person after their manager, so the file reads as the chart does.
  const byManager = new Map<string | null, typeof people>();
  const ids = new Set(people.map((p) => p.slack_user_id));
  for (const p of people) {
    const key = p.reports_to && ids.has(p.reports_to) ? p.reports_to : null;
    byManager.set(key, [...(byManager.get(key) ?? []), p]);
  }
  const ordered: typeof people = [];
  const visit = (key: string | null) => {
    for (const p of byManager.get(key) ?? []) {
      ordered.push(p);
      visit(p.slack_user_id);
    }
  };
  visit(null);
  const outside = people.some((p) => !p.in_chain);
  const header = ['slack_user_id', 'name', 'role', 'manager', 'admin', ...(outside ? ['in_chain'] : [])];
  const lines = ordered.map((p) =>
    toCsvLine([p.slack_user_id, p.name, p.role, p.reports_to ?? '', p.is_admin ? 'yes' : '', ...(outside ? [p.in_chain ? '' : 'no'] : [])]),
  );
  return [header.join(','), ...lines].join('\n');
}

interface ResolvedRow extends OrgRow {
  readonly id: string;
  readonly slack: DirectoryUser | null;
}

/**
 * Finds each row's Slack user (by ID, or by email through `users.lookupByEmail`). With no directory
 * (no bot token), rows must carry their Slack ID and a name.
 */
async function resolveRows(
  rows: readonly OrgRow[],
  directory: Directory | null,
  concurrency = 8,
): Promise<{ resolved: ResolvedRow[]; errors: LineError[] }> {
  const errors: LineError[] = [];
  const results: (ResolvedRow | null)[] = new Array(rows.length).fill(null);

  const resolveOne = async (row: OrgRow): Promise<ResolvedRow | string> => {
    if (!directory) {
      if (!row.slackUserId) return `${row.email} needs a Slack bot token to be looked up: set SLACK_BOT_TOKEN, or give the slack_user_id`;
      if (!row.name) return 'needs a name when Slack cannot be asked (no SLACK_BOT_TOKEN)';
      return { ...row, id: row.slackUserId, slack: null };
    }
    const user = row.slackUserId ? await directory.userById(row.slackUserId) : await directory.userByEmail(row.email!);
    if (!user) return row.slackUserId ? `no Slack user has the ID ${row.slackUserId}` : `no Slack user has the email ${row.email}`;
    if (user.deleted) return `${user.name || user.id} is deactivated in Slack`;
    if (user.isBot) return `${user.name || user.id} is a bot, not a person`;
    return { ...row, id: user.id, slack: user };
  };

  await eachAtOnce(rows, concurrency, async (row, index) => {
    const outcome = await resolveOne(row);
    if (typeof outcome === 'string') errors.push({ line: row.line, message: outcome });
    else results[index] = outcome;
  });

  const resolved = results.filter((r): r is ResolvedRow => r !== null);
  const firstLineById = new Map<string, number>();
  for (const row of resolved) {
    const earlier = firstLineById.get(row.id);
    if (earlier !== undefined) errors.push({ line: row.line, message: `duplicate: this is the same Slack user as line ${earlier}` });
    else firstLineById.set(row.id, row.line);
  }
  return { resolved, errors: sortErrors(errors) };
}

interface PersonChange {
  readonly id: string;
  readonly name: string;
  readonly line?: number;
  /** What differs, e.g. ["role rep → manager", "reports to Ann Lee"]. */
  readonly details: string[];
}

interface ImportPlan {
  readonly people: NewPerson[];
  readonly added: PersonChange[];
  readonly updated: PersonChange[];
  readonly deactivated: PersonChange[];
  readonly unchanged: number;
}

/** How the import's preview describes someone new: their title, leader, and anything unusual. */
function newcomer(after: NewPerson, leaderName: string | null): string[] {
  return [
    after.role,
    ...(leaderName ? [`reports to ${leaderName}`] : []),
    ...(after.in_chain ? [] : ['outside the chain']),
    ...(after.paused_until === PAUSED_FOR_GOOD ? ['paused out of the cascade'] : []),
    ...(after.is_admin ? ['admin'] : []),
  ];
}

/** What the import changes about someone already in the chart, each change in words; none when nothing does. */
function whatChanged(before: Person, after: NewPerson, leaderName: string | null): string[] {
  const details: string[] = [];
  const forGood = (p: string | null | undefined) => p === PAUSED_FOR_GOOD;
  if (!before.active) details.push('reactivated');
  if (before.role !== after.role) details.push(`role ${before.role} → ${after.role}`);
  if (before.reports_to !== after.reports_to) details.push(leaderName ? `now reports to ${leaderName}` : 'reports to no one');
  if (before.is_admin !== after.is_admin) details.push(after.is_admin ? 'made admin' : 'no longer admin');
  if (before.in_chain !== after.in_chain) details.push(after.in_chain ? 'joins the chain' : 'now outside the chain');
  if (forGood(before.paused_until) !== forGood(after.paused_until))
    details.push(forGood(after.paused_until) ? 'paused out of the cascade' : 'back in the cascade');
  if (before.name !== after.name) details.push(`name "${before.name}" → "${after.name}"`);
  return details;
}

/** The chart a CSV describes, checked whole, and what applying it would change. Pure. */
function planImport(
  teamId: string,
  rows: readonly ResolvedRow[],
  current: readonly Person[],
  now: Date,
): { plan?: ImportPlan; errors: LineError[] } {
  const idByEmail = new Map(rows.filter((r) => r.email).map((r) => [r.email!, r.id]));
  const idByCsvId = new Map(rows.filter((r) => r.slackUserId).map((r) => [r.slackUserId!, r.id]));
  const errors: LineError[] = [];

  const leaderOf = (row: ResolvedRow): string | null => {
    if (!row.manager) return null;
    const key = row.manager.includes('@') ? row.manager.toLowerCase() : row.manager;
    return (key.includes('@') ? idByEmail.get(key) : idByCsvId.get(key)) ?? key;
  };
  const currentById = new Map(current.map((p) => [p.slack_user_id, p]));
  const entries: ChartEntry[] = rows.map((r) => ({
    id: r.id,
    // Slack is the source of names (the daily refresh reads them too); the file's name is the fallback.
    name: r.slack?.name || r.name || r.id,
    role: r.role,
    reportsTo: leaderOf(r),
    // A file without the in_chain column leaves everyone where they stand.
    inChain: r.inChain ?? currentById.get(r.id)?.in_chain ?? true,
    line: r.line,
  }));
  for (const problem of validateChart(entries)) errors.push({ line: problem.line ?? 0, message: problem.message });
  if (errors.length > 0) return { errors: sortErrors(errors) };

  const nameOf = new Map(entries.map((e) => [e.id, e.name]));
  const people: NewPerson[] = [];
  const added: PersonChange[] = [];
  const updated: PersonChange[] = [];
  let unchanged = 0;

  rows.forEach((row, index) => {
    const entry = entries[index]!;
    const before = currentById.get(row.id);
    const isAdmin = row.admin ?? before?.is_admin ?? false;
    const inChain = row.inChain ?? before?.in_chain ?? true;
    // active no pauses for good; active yes lifts only such a pause (a dated one runs its course).
    const pausedUntil =
      row.active === false
        ? PAUSED_FOR_GOOD
        : row.active === true && before?.paused_until === PAUSED_FOR_GOOD
          ? null
          : (before?.paused_until ?? null);
    const person: NewPerson = {
      team_id: teamId,
      slack_user_id: row.id,
      name: entry.name,
      email: row.email ?? row.slack?.email ?? before?.email ?? null,
      role: row.role,
      is_admin: isAdmin,
      reports_to: entry.reportsTo,
      tz: row.slack?.tz || before?.tz || 'UTC',
      active: true,
      in_chain: inChain,
      paused_until: pausedUntil,
      profile_refreshed_at: row.slack ? now : (before?.profile_refreshed_at ?? null),
    };
    people.push(person);
    const leaderName = entry.reportsTo ? (nameOf.get(entry.reportsTo) ?? entry.reportsTo) : null;
    if (!before) {
      added.push({ id: row.id, name: entry.name, line: row.line, details: newcomer(person, leaderName) });
      return;
    }
    const details = whatChanged(before, person, leaderName);
    if (details.length > 0) updated.push({ id: row.id, name: entry.name, line: row.line, details });
    else unchanged += 1;
  });

  const inFile = new Set(rows.map((r) => r.id));
  const deactivated = current
    .filter((p) => p.active && !inFile.has(p.slack_user_id))
    .map((p) => ({ id: p.slack_user_id, name: p.name, details: ['not in the file: deactivated (history is kept)'] }));
  return { plan: { people, added, updated, deactivated, unchanged }, errors: [] };
}

export type ImportOutcome =
  | { readonly ok: false; readonly errors: LineError[] }
  | { readonly ok: true; readonly applied: boolean; readonly plan: ImportPlan };

export interface ImportDeps {
  readonly db: Kysely<Database>;
  readonly directory: Directory | null;
  readonly now: Date;
}

/**
 * Imports a whole org chart from CSV. The file describes the org as it should be: people missing from
 * it are deactivated. It is validated whole, and applied in one transaction or not at all.
 */
export async function importOrgChart(deps: ImportDeps, teamId: string, csv: string, options: { dryRun: boolean }): Promise<ImportOutcome> {
  const parsed = parseOrgCsv(csv);
  if (parsed.errors.length > 0) return { ok: false, errors: parsed.errors };
  const { resolved, errors: resolveErrors } = await resolveRows(parsed.rows, deps.directory);
  if (resolveErrors.length > 0) return { ok: false, errors: resolveErrors };

  const current = await listPeople(deps.db, teamId);
  const { plan, errors } = planImport(teamId, resolved, current, deps.now);
  if (!plan) return { ok: false, errors };
  if (options.dryRun) return { ok: true, applied: false, plan };

  await deps.db.transaction().execute(async (tx) => {
    // Deactivate everyone first so that a change of CEO never has two active CEOs for a moment.
    await tx.updateTable('person').set({ active: false, updated_at: deps.now }).where('team_id', '=', teamId).execute();
    await upsertPeople(tx, plan.people, deps.now);
  });
  // A whole chart changed at once: planning must not wait for autovacuum (PGlite has none) to know it.
  await analyzePlanning(deps.db);
  return { ok: true, applied: true, plan };
}

/** Plain-text report of an import, for the CLI and the Slack modal alike. */
export function describeImport(outcome: ImportOutcome): string {
  if (!outcome.ok) {
    const n = outcome.errors.length;
    const lines = outcome.errors.map((e) => (e.line > 0 ? `line ${e.line}: ${e.message}` : e.message));
    return [`The import was rejected (${n} problem${n === 1 ? '' : 's'}); nothing was changed.`, ...lines].join('\n');
  }
  const { plan, applied } = outcome;
  const verb = applied ? 'Imported' : 'Dry run, nothing changed. Would import';
  const head =
    `${verb}: ${plan.added.length} added, ${plan.updated.length} updated, ` +
    `${plan.deactivated.length} deactivated, ${plan.unchanged} unchanged.`;
  const list = (sign: string, changes: PersonChange[]) => changes.map((c) => `${sign} ${c.name} (${c.id}): ${c.details.join(', ')}`);
  return [head, ...list('+', plan.added), ...list('~', plan.updated), ...list('-', plan.deactivated)].join('\n');
}

function sortErrors(errors: LineError[]): LineError[] {
  return [...errors].sort((a, b) => a.line - b.line);
}
