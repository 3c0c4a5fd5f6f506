import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/types';
import { invalid, notAllowed } from '../errors';
import { figuresOnly, readablePeople, type Scope } from '../org/policy';
import { toCsvLine } from '../org/csv';
import { teamGoals } from './figures';
import { addDays, daysBetween, isCalendarDate } from '../time/calendar';
import { DAY_MS } from '../time/durations';

/** The longest stretch one export from Slack covers. */
const MAX_SLACK_EXPORT_DAYS = 366;

/**
 * A text cell that a spreadsheet would run as a formula (it begins with =, +, -, @, a tab or a carriage
 * return) gets a leading apostrophe, so that it is shown, never evaluated. Numbers stay numbers. Pure.
 */
export function neutralize(value: string | number | boolean | null | undefined): string | number | boolean | null | undefined {
  if (typeof value !== 'string') return value;
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function csv(header: readonly string[], rows: readonly (readonly (string | number | boolean | null | undefined)[])[]): string {
  return `${[toCsvLine(header), ...rows.map((r) => toCsvLine(r.map(neutralize)))].join('\r\n')}\r\n`;
}

const iso = (d: Date | null) => (d ? d.toISOString() : '');

function checkRange(from: string, to: string): void {
  if (!isCalendarDate(from) || !isCalendarDate(to)) throw invalid('Give the start and end dates as YYYY-MM-DD, between 2000 and 2100.');
  if (from > to) throw invalid(`The start date ${from} is after the end date ${to}.`);
}

/** Whose rows an export holds: everyone's (the operator's CLI), or only these people's plus answers their authors shared. */
type ExportScope = { readonly all: true } | { readonly all: false; readonly people: readonly string[] };

/**
 * The data a BI tool needs, for check-ins whose round falls between `from` and `to` (and commitments,
 * progress made in that time; goals active then): one CSV text per file name. With a scope of people,
 * only their rows, and of everyone else's only the answers their authors shared with the team.
 * Long on purpose: one query per file, each read once, in the order of the files; they share only the range
 * and the scope filter, so splitting it would pass those two through seven functions and name nothing new.
 */
export async function exportCsv(
  db: Kysely<Database>,
  teamId: string,
  from: string,
  to: string,
  scope: ExportScope = { all: true },
): Promise<Record<string, string>> {
  checkRange(from, to);
  // `array[]::text[]` with no one in it matches nobody; `all` skips the filter.
  const people = scope.all ? null : [...scope.people];
  const mine = (column: ReturnType<typeof sql.ref>) =>
    people === null ? sql<boolean>`true` : sql<boolean>`${column} = any(${people}::text[])`;
  const checkins = await sql<Record<string, any>>`
    select c.id, r.occurrence, k.key as cadence, k.level, r.leader_id, c.person_id, p.name, c.part, c.status, c.skip_reason, c.due_at, c.answered_at
    from checkin c join round r on r.id = c.round_id join cadence k on k.id = r.cadence_id
    left join person p on p.team_id = c.team_id and p.slack_user_id = c.person_id
    where c.team_id = ${teamId} and r.occurrence between ${from}::date and ${to}::date and ${mine(sql.ref('c.person_id'))}
    order by r.occurrence, c.id`.execute(db);
  const answers = await sql<Record<string, any>>`
    select a.checkin_id, c.person_id, r.occurrence, a.position, a.question_text, a.kind, a.intent, a.value_text, a.value_number, a.shared
    from answer a join checkin c on c.id = a.checkin_id join round r on r.id = c.round_id
    where c.team_id = ${teamId} and r.occurrence between ${from}::date and ${to}::date and (${mine(sql.ref('c.person_id'))} or a.shared)
    order by r.occurrence, a.checkin_id, a.position`.execute(db);
  const commitments = await db
    .selectFrom('commitment')
    .selectAll()
    .where('team_id', '=', teamId)
    .where(sql<boolean>`(created_at::date between ${from}::date and ${to}::date or closed_at::date between ${from}::date and ${to}::date)`)
    .where(mine(sql.ref('owner_id')))
    .orderBy('id')
    .execute();
  const goals = await db
    .selectFrom('goal')
    .selectAll()
    .where('team_id', '=', teamId)
    .where(sql<boolean>`created_at::date <= ${to}::date`)
    .where(mine(sql.ref('owner_id')))
    .orderBy('id')
    .execute();
  const progress = await db
    .selectFrom('progress')
    .selectAll()
    .where('team_id', '=', teamId)
    .where('recorded_on', '>=', from)
    .where('recorded_on', '<=', to)
    .where(mine(sql.ref('person_id')))
    .orderBy('recorded_on')
    .orderBy('id')
    .execute();
  return {
    'checkins.csv': csv(
      [
        'checkin_id',
        'occurrence',
        'cadence',
        'level',
        'leader_id',
        'person_id',
        'name',
        'part',
        'status',
        'skip_reason',
        'due_at',
        'answered_at',
      ],
      checkins.rows.map((c) => [
        c.id,
        c.occurrence,
        c.cadence,
        c.level,
        c.leader_id,
        c.person_id,
        c.name,
        c.part,
        c.status,
        c.skip_reason,
        iso(c.due_at),
        iso(c.answered_at),
      ]),
    ),
    'answers.csv': csv(
      ['checkin_id', 'person_id', 'occurrence', 'position', 'question', 'kind', 'intent', 'value_text', 'value_number', 'shared'],
      answers.rows.map((a) => [
        a.checkin_id,
        a.person_id,
        a.occurrence,
        a.position,
        a.question_text,
        a.kind,
        a.intent,
        a.value_text,
        a.value_number,
        a.shared,
      ]),
    ),
    'commitments.csv': csv(
      ['commitment_id', 'owner_id', 'leader_id', 'text', 'due_date', 'status', 'slips', 'note', 'created_at', 'closed_at', 'escalated_at'],
      commitments.map((m) => [
        m.id,
        m.owner_id,
        m.leader_id,
        m.text,
        m.due_date,
        m.status,
        m.slips,
        m.note,
        iso(m.created_at),
        iso(m.closed_at),
        iso(m.escalated_at),
      ]),
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

/**
 * The organisation in numbers, week by week (Monday to Sunday) over the range: check-ins due, answered,
 * missed and skipped, the answer rate, commitments made, kept and closed, and average goal attainment at
 * each week's end. Counts and rates only: no person's name, id or text.
 */
async function exportFigures(db: Kysely<Database>, teamId: string, from: string, to: string): Promise<Record<string, string>> {
  checkRange(from, to);
  const weeks = await sql<{
    week: string;
    due: number;
    answered: number;
    missed: number;
    skipped: number;
    made: number;
    kept: number;
    closed: number;
  }>`
    with w as (select generate_series(date_trunc('week', ${from}::date), ${to}::date, interval '1 week')::date as week)
    select to_char(w.week, 'YYYY-MM-DD') as week,
      (select count(*) from checkin c join round r on r.id = c.round_id where c.team_id = ${teamId} and c.part = 'member' and r.occurrence between w.week and w.week + 6)::int as due,
      (select count(*) from checkin c join round r on r.id = c.round_id where c.team_id = ${teamId} and c.part = 'member' and c.status = 'answered' and r.occurrence between w.week and w.week + 6)::int as answered,
      (select count(*) from checkin c join round r on r.id = c.round_id where c.team_id = ${teamId} and c.part = 'member' and c.status = 'missed' and r.occurrence between w.week and w.week + 6)::int as missed,
      (select count(*) from checkin c join round r on r.id = c.round_id where c.team_id = ${teamId} and c.part = 'member' and c.status = 'skipped' and r.occurrence between w.week and w.week + 6)::int as skipped,
      (select count(*) from commitment m where m.team_id = ${teamId} and m.created_at::date between w.week and w.week + 6)::int as made,
      (select count(*) filter (where m.status = 'done') + 0.5 * count(*) filter (where m.status = 'partly') from commitment m where m.team_id = ${teamId} and m.status in ('done', 'partly') and m.closed_at::date between w.week and w.week + 6)::float8 as kept,
      (select count(*) from commitment m where m.team_id = ${teamId} and m.status in ('done', 'partly', 'missed') and m.closed_at::date between w.week and w.week + 6)::int as closed
    from w order by w.week`.execute(db);
  const rows: (string | number | null)[][] = [];
  for (const w of weeks.rows) {
    const end = new Date(Date.parse(`${w.week}T00:00:00Z`) + 6 * DAY_MS).toISOString().slice(0, 10);
    const teams = await teamGoals(db, teamId, end, null);
    const goals = teams.reduce((n, t) => n + t.goals, 0);
    const attainment = goals ? teams.reduce((n, t) => n + t.attainment * t.goals, 0) / goals : null;
    const rate = (part: number, whole: number) => (whole ? Math.round((1000 * part) / whole) / 1000 : null);
    rows.push([
      w.week,
      end,
      w.due,
      w.answered,
      w.missed,
      w.skipped,
      rate(w.answered, w.answered + w.missed),
      w.made,
      w.kept,
      w.closed,
      rate(w.kept, w.closed),
      goals,
      attainment === null ? null : Math.round(attainment * 1000) / 1000,
    ]);
  }
  return {
    'figures.csv': csv(
      [
        'week_start',
        'week_end',
        'checkins_due',
        'answered',
        'missed',
        'skipped',
        'answer_rate',
        'commitments_made',
        'commitments_kept',
        'commitments_closed',
        'kept_rate',
        'goals',
        'goal_attainment',
      ],
      rows,
    ),
  };
}

/**
 * {cmd:export} from Slack: exactly what the requester could read in Slack. Someone in the chart gets
 * their own rows and those of everyone below them, plus answers their authors shared; an admin outside
 * the chain gets the organisation's figures, never a person's text; anyone else is refused.
 */
export async function exportFor(
  scope: Scope,
  range: { from: string; to: string },
): Promise<{ kind: 'rows' | 'figures'; files: Record<string, string> }> {
  const { db, actor } = scope;
  const input = { ...range, teamId: scope.teamId, actorId: actor.id };
  checkRange(input.from, input.to);
  // A file to a DM, built while the person waits: a year at a time (the server's CLI export has no limit).
  if (daysBetween(input.from, input.to) >= MAX_SLACK_EXPORT_DAYS) {
    throw invalid(
      `An export from Slack covers at most ${MAX_SLACK_EXPORT_DAYS} days: ask for ${input.from} to ${addDays(input.from, MAX_SLACK_EXPORT_DAYS - 1)}, then the next stretch.`,
    );
  }
  if (actor.inChart) {
    const people = [...(await readablePeople(db, input.teamId, input.actorId))];
    return { kind: 'rows', files: await exportCsv(db, input.teamId, input.from, input.to, { all: false, people }) };
  }
  if (figuresOnly(actor)) return { kind: 'figures', files: await exportFigures(db, input.teamId, input.from, input.to) };
  throw notAllowed('You are not in the org chart, so there is nothing of yours to export. An admin can add you with {cmd:org set}.');
}
