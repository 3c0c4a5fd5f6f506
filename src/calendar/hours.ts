import type { Kysely } from 'kysely';
import type { Database } from '../db/types';
import { invalid, notFound, type LineProblem } from '../errors';
import { calendarDateOf } from '../input';
import { readTable } from '../org/csv';
import { requireAdmin, type Scope } from '../org/policy';
import { DEFAULT_HOURS, readDays, readHours, type WorkingHours } from '../time/hours';
import type { CalendarDate } from '../time/calendar';

/*
 * When people may be written to: the workspace's working hours (Monday to Friday, 08:00–18:00 by default, each
 * in their own zone), a person's own (`/cascade hours`), and the workspace's holidays, on which nothing is sent
 * and no answer window closes. Slack does not tell apps a person's working hours: they are Cascade's setting.
 */

interface HoursSetting {
  readonly workspace: WorkingHours;
  /** The person's own, when they set them. */
  readonly own: WorkingHours | null;
}

const hoursOf = (row: { work_days: number[] | null; work_start: string | null; work_end: string | null }): WorkingHours | null =>
  row.work_days && row.work_start && row.work_end ? { days: row.work_days, start: row.work_start, end: row.work_end } : null;

export async function workspaceHours(db: Kysely<Database>, teamId: string): Promise<WorkingHours> {
  const ws = await db
    .selectFrom('workspace')
    .select(['work_days', 'work_start', 'work_end'])
    .where('team_id', '=', teamId)
    .executeTakeFirst();
  return ws ? (hoursOf(ws) ?? DEFAULT_HOURS) : DEFAULT_HOURS;
}

/** Each person's hours (their own, else the workspace's) and zone, for the people named. */
export async function hoursOfPeople(
  db: Kysely<Database>,
  teamId: string,
  people: readonly string[],
): Promise<Map<string, { tz: string; hours: WorkingHours }>> {
  if (people.length === 0) return new Map();
  const fallback = await workspaceHours(db, teamId);
  const rows = await db
    .selectFrom('person')
    .select(['slack_user_id', 'tz', 'work_days', 'work_start', 'work_end'])
    .where('team_id', '=', teamId)
    .where('slack_user_id', 'in', [...people])
    .execute();
  return new Map(rows.map((r) => [r.slack_user_id, { tz: r.tz, hours: hoursOf(r) ?? fallback }]));
}

/** The workspace's holidays from `from` on (a year ahead is more than any window reaches). */
export async function holidaysFrom(db: Kysely<Database>, teamId: string, from: CalendarDate): Promise<Set<CalendarDate>> {
  const rows = await db.selectFrom('holiday').select('day').where('team_id', '=', teamId).where('day', '>=', from).execute();
  return new Set(rows.map((r) => r.day));
}

export async function hoursSetting(scope: Scope): Promise<HoursSetting> {
  const me = await scope.db
    .selectFrom('person')
    .select(['work_days', 'work_start', 'work_end'])
    .where('team_id', '=', scope.teamId)
    .where('slack_user_id', '=', scope.actor.id)
    .executeTakeFirst();
  return { workspace: await workspaceHours(scope.db, scope.teamId), own: me ? hoursOf(me) : null };
}

/** Reads `08:00-18:00` and an optional `mon-fri`; a message for the person when either is wrong. */
function readSetting(span: string, days: string | undefined, base: WorkingHours): WorkingHours {
  const h = readHours(span);
  if ('problem' in h) throw invalid(h.problem);
  const d = days === undefined ? base.days : readDays(days);
  if ('problem' in d) throw invalid(d.problem);
  return { days: d, start: h.start, end: h.end };
}

/** `/cascade hours 09:00-17:30 [mon-fri]`: the asker's own; `reset` goes back to the workspace's. */
export async function setOwnHours(scope: Scope, input: { span: string; days?: string } | 'reset'): Promise<HoursSetting> {
  const me = await scope.db
    .selectFrom('person')
    .select('slack_user_id')
    .where('team_id', '=', scope.teamId)
    .where('slack_user_id', '=', scope.actor.id)
    .executeTakeFirst();
  if (!me) throw notFound('You are not in the org chart yet, so Cascade sends you nothing to time.');
  const set =
    input === 'reset'
      ? null
      : readSetting(input.span, input.days, (await hoursSetting(scope)).own ?? (await workspaceHours(scope.db, scope.teamId)));
  await scope.db
    .updateTable('person')
    .set({ work_days: set ? [...set.days] : null, work_start: set?.start ?? null, work_end: set?.end ?? null, updated_at: scope.now })
    .where('team_id', '=', scope.teamId)
    .where('slack_user_id', '=', scope.actor.id)
    .execute();
  return hoursSetting(scope);
}

/** `/cascade hours workspace 08:00-18:00 [mon-fri]`: everyone's, unless they set their own (admins). */
export async function setWorkspaceHours(scope: Scope, input: { span: string; days?: string }): Promise<WorkingHours> {
  await requireAdmin(scope, 'set the workspace’s working hours');
  const set = readSetting(input.span, input.days, await workspaceHours(scope.db, scope.teamId));
  await scope.db
    .updateTable('workspace')
    .set({ work_days: [...set.days], work_start: set.start, work_end: set.end, updated_at: scope.now })
    .where('team_id', '=', scope.teamId)
    .execute();
  return set;
}

interface Holiday {
  readonly day: CalendarDate;
  readonly name: string;
}

export async function listHolidays(db: Kysely<Database>, teamId: string, from: CalendarDate): Promise<Holiday[]> {
  return db.selectFrom('holiday').select(['day', 'name']).where('team_id', '=', teamId).where('day', '>=', from).orderBy('day').execute();
}

function checkName(name: string): string {
  const clean = name.trim().replace(/\s+/g, ' ');
  if (clean.length > 100) throw invalid('A holiday’s name has at most 100 characters.');
  if (clean.includes('\u0000')) throw invalid('The name contains a NUL character: type it again without it.');
  return clean;
}

/** `/cascade holidays add <date> ["name"]` (admins): nothing is sent that day, and no window closes on it. */
export async function addHoliday(scope: Scope, input: { day: string; name?: string }): Promise<Holiday> {
  await requireAdmin(scope, 'set holidays');
  const day = calendarDateOf(input.day);
  if (!day.ok) throw invalid(day.problem);
  const name = checkName(input.name ?? '');
  await scope.db
    .insertInto('holiday')
    .values({ team_id: scope.teamId, day: day.value, name })
    .onConflict((oc) => oc.columns(['team_id', 'day']).doUpdateSet({ name }))
    .execute();
  return { day: day.value, name };
}

export async function removeHoliday(scope: Scope, day: string): Promise<void> {
  await requireAdmin(scope, 'set holidays');
  const read = calendarDateOf(day);
  if (!read.ok) throw invalid(read.problem);
  const gone = await scope.db.deleteFrom('holiday').where('team_id', '=', scope.teamId).where('day', '=', read.value).executeTakeFirst();
  if (Number(gone.numDeletedRows) === 0) throw notFound(`${read.value} is not a holiday here: see {cmd:holidays}.`);
}

/**
 * `cascade holidays import <file.csv>`: columns `date` and `name` (optional); every line checked, each problem
 * named by its line, and nothing applied while there is one. Dates already there take the file's name.
 */
export async function importHolidays(
  db: Kysely<Database>,
  teamId: string,
  csv: string,
  options: { dryRun: boolean },
): Promise<{ ok: boolean; applied: number; errors: LineProblem[] }> {
  const table = readTable(csv, ['date'], ['name']);
  if (!table.ok) return table;
  const errors = table.errors;
  const valid = new Map<string, string>();
  for (const r of table.rows) {
    const day = calendarDateOf(table.cell(r, 'date'));
    const name = table.cell(r, 'name');
    if (!day.ok) errors.push({ line: r.line, message: day.problem });
    else if (name.length > 100) errors.push({ line: r.line, message: 'the name has more than 100 characters' });
    else if (valid.has(day.value)) errors.push({ line: r.line, message: `${day.value} is in the file twice` });
    else valid.set(day.value, name);
  }
  if (errors.length > 0) return { ok: false, applied: 0, errors: errors.sort((a, b) => a.line - b.line) };
  if (!options.dryRun && valid.size > 0) {
    await db
      .insertInto('holiday')
      .values([...valid].map(([day, name]) => ({ team_id: teamId, day, name })))
      .onConflict((oc) => oc.columns(['team_id', 'day']).doUpdateSet((eb) => ({ name: eb.ref('excluded.name') })))
      .execute();
  }
  return { ok: true, applied: valid.size, errors: [] };
}
