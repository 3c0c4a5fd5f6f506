import { sql, type Kysely } from 'kysely';
import { isCalendarDate } from '../checkins/schedule';
import type { Database } from '../db/types';
import { invalid } from '../errors';
import { toCsvLine } from '../org/csv';

/**
 * A text cell that a spreadsheet would run as a formula (it begins with =, +, -, @, a tab or a carriage
 * return) gets a leading apostrophe, so that it is shown, never evaluated. Numbers stay numbers. Pure.
 */
export function neutralize(value: string | number | boolean | null | undefined): string | number | boolean | null | undefined {
  if (typeof value !== 'string') return value;
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function csv(header: readonly string[], rows: readonly (readonly (string | number | boolean | null | undefined)[])[]): string {
  return [toCsvLine(header), ...rows.map((r) => toCsvLine(r.map(neutralize)))].join('\r\n') + '\r\n';
}

const iso = (d: Date | null) => (d ? d.toISOString() : '');

/**
 * The data a BI tool needs, for check-ins whose round falls between `from` and `to` (and commitments,
 * progress made in that time; goals active then): one CSV text per file name.
 */
export async function exportCsv(db: Kysely<Database>, teamId: string, from: string, to: string): Promise<Record<string, string>> {
  if (!isCalendarDate(from) || !isCalendarDate(to)) {
    throw invalid('Give the start and end dates as YYYY-MM-DD.');
  }
  if (from > to) throw invalid(`The start date ${from} is after the end date ${to}.`);
  const checkins = await sql<Record<string, any>>`
    select c.id, r.occurrence, k.key as cadence, k.level, r.leader_id, c.person_id, p.name, c.part, c.status, c.skip_reason, c.due_at, c.answered_at
    from checkin c join round r on r.id = c.round_id join cadence k on k.id = r.cadence_id
    left join person p on p.team_id = c.team_id and p.slack_user_id = c.person_id
    where c.team_id = ${teamId} and r.occurrence between ${from}::date and ${to}::date
    order by r.occurrence, c.id`.execute(db);
  const answers = await sql<Record<string, any>>`
    select a.checkin_id, c.person_id, r.occurrence, a.position, a.question_text, a.kind, a.intent, a.value_text, a.value_number, a.shared
    from answer a join checkin c on c.id = a.checkin_id join round r on r.id = c.round_id
    where c.team_id = ${teamId} and r.occurrence between ${from}::date and ${to}::date
    order by r.occurrence, a.checkin_id, a.position`.execute(db);
  const commitments = await db
    .selectFrom('commitment')
    .selectAll()
    .where('team_id', '=', teamId)
    .where(sql<boolean>`created_at::date between ${from}::date and ${to}::date or closed_at::date between ${from}::date and ${to}::date`)
    .orderBy('id')
    .execute();
  const goals = await db.selectFrom('goal').selectAll().where('team_id', '=', teamId).where(sql<boolean>`created_at::date <= ${to}::date`).orderBy('id').execute();
  const progress = await db.selectFrom('progress').selectAll().where('team_id', '=', teamId).where('recorded_on', '>=', from).where('recorded_on', '<=', to).orderBy('recorded_on').orderBy('id').execute();
  return {
    'checkins.csv': csv(
      ['checkin_id', 'occurrence', 'cadence', 'level', 'leader_id', 'person_id', 'name', 'part', 'status', 'skip_reason', 'due_at', 'answered_at'],
      checkins.rows.map((c) => [c.id, c.occurrence, c.cadence, c.level, c.leader_id, c.person_id, c.name, c.part, c.status, c.skip_reason, iso(c.due_at), iso(c.answered_at)]),
    ),
    'answers.csv': csv(
      ['checkin_id', 'person_id', 'occurrence', 'position', 'question', 'kind', 'intent', 'value_text', 'value_number', 'shared'],
      answers.rows.map((a) => [a.checkin_id, a.person_id, a.occurrence, a.position, a.question_text, a.kind, a.intent, a.value_text, a.value_number, a.shared]),
    ),
    'commitments.csv': csv(
      ['commitment_id', 'owner_id', 'leader_id', 'text', 'due_date', 'status', 'slips', 'note', 'created_at', 'closed_at', 'escalated_at'],
      commitments.map((m) => [m.id, m.owner_id, m.leader_id, m.text, m.due_date, m.status, m.slips, m.note, iso(m.created_at), iso(m.closed_at), iso(m.escalated_at)]),
    ),
    'goals.csv': csv(
      ['goal_id', 'owner_id', 'scope', 'name', 'unit', 'target', 'period', 'active', 'created_at'],
      goals.map((g) => [g.id, g.owner_id, g.scope, g.name, g.unit, Number(g.target), g.period, g.active, iso(g.created_at)]),
    ),
    'progress.csv': csv(
      ['person_id', 'goal', 'value', 'recorded_on', 'source'],
      progress.map((p) => [p.person_id, p.goal_name, Number(p.value), p.recorded_on, p.source]),
    ),
  };
}
