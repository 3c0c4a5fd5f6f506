import { amountOf, calendarDateOf, readAmount } from '../input';
import { sql, type Kysely } from 'kysely';
import { earlyStretchEnd, expectedPace, periodAround } from '../time/periods';
import type { Database, Goal, GoalPeriod, Person } from '../db/types';
import { invalid, notAllowed, notFound, type LineProblem } from '../errors';
import { assertMaySee, isBelow, type Scope } from '../org/policy';
import { readTable } from '../org/csv';
import { getPerson, listPeople } from '../org/people';
import { chainBelow } from '../org/visibility';
import { addDays, localDate } from '../time/calendar';
import { checkCrmGoal, CRM_MEASURES, crmCurrencies, isCrmMeasure, writeCrmProgress } from '../crm/progress';
import type { CrmGoalSource, CrmMeasure } from '../db/types';

/** A goal's unit: a currency (ISO code, like USD), a count, or a percent. */
function readUnit(text: string): string | null {
  const t = text.trim();
  if (/^[A-Za-z]{3}$/.test(t)) return t.toUpperCase();
  if (/^(count|deals|calls|meetings|demos)$/i.test(t)) return t.toLowerCase() === 'count' ? 'count' : t.toLowerCase();
  if (t === '%' || /^percent$/i.test(t)) return 'percent';
  return null;
}

function readPeriod(text: string): GoalPeriod | null {
  const t = text.trim().toLowerCase().replace(/ly$/, '');
  if (t === 'week' || t === 'month' || t === 'quarter') return t;
  if (t === 'quarter' || text.trim().toLowerCase() === 'quarterly') return 'quarter';
  return null;
}

export interface Standing {
  readonly goal: Goal;
  readonly ownerName: string;
  readonly period: { start: string; end: string };
  readonly value: number;
  /** value / target, as a fraction. */
  readonly attainment: number;
  /** Where the value should be by today, linearly, as a fraction of the target. */
  readonly expected: number;
  /** Percentage points ahead (positive) or behind (negative) of pace. */
  readonly paceGap: number;
  /** The period has not run long enough to judge pace (its first working days): no verdict, no flag. */
  readonly tooEarly: boolean;
}

/** Attainment and pace of a goal on a day: computed from progress, never stored. */
export async function standingOf(db: Kysely<Database>, goal: Goal, owner: Person, now: Date): Promise<Standing> {
  const today = localDate(now, owner.tz);
  const period = periodAround(goal.period, today);
  return standingIn(db, goal, owner, period, today);
}

async function standingIn(
  db: Kysely<Database>,
  goal: Goal,
  owner: Person,
  period: { start: string; end: string },
  asOf: string,
): Promise<Standing> {
  const people = goal.scope === 'team' ? [...(await chainBelow(db, goal.team_id, goal.owner_id))] : [goal.owner_id];
  let value = 0;
  if (people.length > 0) {
    // Each person's latest report in the period; a team goal adds up its members' individual goals of
    // the same name and unit.
    const row = await sql<{ total: number | null }>`
      select sum(v.value)::float8 as total from (
        select distinct on (p.person_id) p.value
        from progress p
        where p.team_id = ${goal.team_id} and p.person_id in (${sql.join(people)}) and lower(p.goal_name) = lower(${goal.name})
          and p.recorded_on between ${period.start}::date and ${asOf}::date
          ${goal.scope === 'team' ? sql`and exists (select 1 from goal g where g.team_id = p.team_id and g.owner_id = p.person_id and g.scope = 'person' and g.active and lower(g.name) = lower(${goal.name}) and g.unit = ${goal.unit})` : sql``}
        order by p.person_id, p.recorded_on desc, p.id desc
      ) v`.execute(db);
    value = Number(row.rows[0]?.total ?? 0);
  }
  const target = Number(goal.target);
  const expected = expectedPace(period, asOf);
  const attainment = value / target;
  return {
    goal,
    ownerName: owner.name,
    period,
    value,
    attainment,
    expected,
    paceGap: Math.round((attainment - expected) * 100),
    tooEarly: asOf <= earlyStretchEnd(goal.period, period),
  };
}

/**
 * The attainment at the end of each of the last `count` complete periods, most recent first; only
 * periods the goal was set in time for count (a goal is not behind before it existed).
 */
export async function pastAttainments(
  db: Kysely<Database>,
  goal: Goal,
  owner: Person,
  now: Date,
  count: number,
): Promise<{ attainment: number; end: string }[]> {
  const out: { attainment: number; end: string }[] = [];
  let { start } = periodAround(goal.period, localDate(now, owner.tz));
  const set = localDate(goal.created_at, owner.tz);
  for (let i = 0; i < count; i++) {
    const period = periodAround(goal.period, addDays(start, -1));
    // Judged only on a period the goal was there for from its early stretch on.
    if (set > earlyStretchEnd(goal.period, period)) break;
    out.push({ attainment: (await standingIn(db, goal, owner, period, period.end)).attainment, end: period.end });
    start = period.start;
  }
  return out;
}

interface GoalDraft {
  readonly ownerId: string;
  readonly scope: 'person' | 'team';
  readonly name: string;
  readonly target: string | number;
  readonly unit: string;
  readonly period: string;
  /** Where its numbers come from: `crm closed_won_amount` (or the measure alone); none: people report them. */
  readonly source?: string;
}

/** `crm <measure>` (or `crm:<measure>`, or the measure alone) as a goal's source. */
function readSource(text: string | undefined): CrmGoalSource | null {
  const t = (text ?? '').trim().toLowerCase();
  if (!t) return null;
  const measure = t.replace(/^crm[\s:]+/, '');
  if (!isCrmMeasure(measure))
    throw invalid(`"${text!.trim()}" is not a source: use crm followed by one of ${Object.keys(CRM_MEASURES).join(', ')}.`);
  return `crm:${measure}`;
}

/** The measure a goal follows, as people write it. */
const measureOf = (source: CrmGoalSource): CrmMeasure => source.slice('crm:'.length) as CrmMeasure;

/** How a refused progress value is named. */
const PROGRESS_WORDS = { noun: 'the value', subject: 'Progress', example: '120000' } as const;

/** Checks a goal as written; throws a message that says what is allowed. */
function checkDraft(d: GoalDraft): { name: string; target: number; unit: string; period: GoalPeriod; source: CrmGoalSource | null } {
  const name = d.name.trim().replace(/\s+/g, ' ');
  if (!name || name.length > 80) throw invalid('Give the goal a name of up to 80 characters, in quotes, like "New pipeline".');
  const target = readAmount(d.target, { negative: true, noun: 'the target', subject: 'A target', example: '250000' });
  if (target <= 0) throw invalid('A target must be more than zero.');
  const unit = readUnit(d.unit);
  if (!unit) throw invalid(`"${d.unit}" is not a unit: use a currency code (USD, EUR …), count, or percent.`);
  const period = readPeriod(d.period);
  if (!period) throw invalid(`"${d.period}" is not a period: use weekly, monthly or quarterly.`);
  const source = readSource(d.source);
  if (source && d.scope === 'team')
    throw invalid('A team goal adds up its members’ goals: set the CRM measure on each member’s goal of the same name.');
  return { name, target, unit, period, source };
}

/**
 * Sets a goal for a person, or for a leader's team (which rolls up its members' goals of the same name
 * and unit). Admins set any; leaders set those of people below them, and their own team's.
 */
export async function setGoal(scope: Scope, draft: GoalDraft): Promise<Goal> {
  const { db, actor } = scope;
  const input = { teamId: scope.teamId, actorId: actor.id, now: scope.now };
  const owner = await getPerson(db, input.teamId, draft.ownerId);
  if (!owner?.active) throw notFound(`{@${draft.ownerId}} is not in the org chart.`);
  const ownTeam = draft.scope === 'team' && draft.ownerId === input.actorId;
  if (!ownTeam && !actor.isAdmin && !(await isBelow(db, input.teamId, input.actorId, draft.ownerId))) {
    throw notAllowed(
      `You can set goals for the people below you in the chain (and your own team's); {@${draft.ownerId}} is not below you. An admin can set anyone's.`,
    );
  }
  const goal = checkDraft(draft);
  if (goal.source) checkCrmGoal(measureOf(goal.source), goal.unit, await crmCurrencies(db, input.teamId));
  const made = await db.transaction().execute(async (tx) => {
    await tx
      .updateTable('goal')
      .set({ active: false, updated_at: input.now })
      .where('team_id', '=', input.teamId)
      .where('owner_id', '=', draft.ownerId)
      .where('scope', '=', draft.scope)
      .where(sql<boolean>`lower(name) = lower(${goal.name})`)
      .where('active', '=', true)
      .execute();
    return tx
      .insertInto('goal')
      .values({
        team_id: input.teamId,
        owner_id: draft.ownerId,
        scope: draft.scope,
        name: goal.name,
        unit: goal.unit,
        target: goal.target,
        period: goal.period,
        source: goal.source,
        created_by: input.actorId,
        created_at: input.now,
        updated_at: input.now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  });
  // A goal that follows the CRM shows what is already synced at once, not after the next hourly sync.
  if (made.source) await writeCrmProgress(db, input.teamId, input.now, made.owner_id);
  return made;
}

/**
 * Keeps one progress figure (the period-to-date value on a day). One with a source reference (a check-in's
 * answer) is kept once per reference: a second submission replaces its value.
 */
export async function recordProgress(
  db: Kysely<Database>,
  p: {
    teamId: string;
    personId: string;
    goalName: string;
    value: number;
    on: string;
    source: 'command' | 'import' | 'checkin';
    sourceRef?: string;
  },
): Promise<void> {
  // A check-in's number question tied to a goal that now follows the CRM: the CRM's figure stands.
  const crm = await db
    .selectFrom('goal')
    .select('id')
    .where('team_id', '=', p.teamId)
    .where('owner_id', '=', p.personId)
    .where('scope', '=', 'person')
    .where('active', '=', true)
    .where('source', 'is not', null)
    .where(sql<boolean>`lower(name) = lower(${p.goalName})`)
    .executeTakeFirst();
  if (crm) return;
  await db
    .insertInto('progress')
    .values({
      team_id: p.teamId,
      person_id: p.personId,
      goal_name: p.goalName,
      value: p.value,
      recorded_on: p.on,
      source: p.source,
      source_ref: p.sourceRef ?? null,
    })
    .onConflict((oc) =>
      oc
        .columns(['team_id', 'source_ref'])
        .where('source_ref', 'is not', null)
        .doUpdateSet((eb) => ({ value: eb.ref('excluded.value') })),
    )
    .execute();
}

/** {cmd:progress "<goal>" <value>}: the period-to-date value of one of the person's own goals. */
export async function reportProgress(
  db: Kysely<Database>,
  input: { teamId: string; personId: string; name: string; value: string | number; now: Date; source?: 'command' | 'import'; on?: string },
): Promise<Standing> {
  const person = await getPerson(db, input.teamId, input.personId);
  if (!person?.active) throw notFound(`{@${input.personId}} is not in the org chart.`);
  const goal = await personGoal(db, input.teamId, person, input.name);
  if (goal.source)
    throw invalid(followsCrm(goal.name, goal.source, ' (synced every hour), not typed. An admin can sync now with {cmd:crm sync}.'));
  const value = readAmount(input.value, PROGRESS_WORDS);
  await recordProgress(db, {
    teamId: input.teamId,
    personId: person.slack_user_id,
    goalName: goal.name,
    value,
    on: input.on ?? localDate(input.now, person.tz),
    source: input.source ?? 'command',
  });
  return standingOf(db, goal, person, input.now);
}

/** Why progress typed or imported for a goal that follows the CRM is refused: where its numbers come from. */
const followsCrm = (name: string, source: CrmGoalSource, instead: string) =>
  `"${name}" follows ${measureOf(source)} in the CRM: its numbers come from there${instead}`;

async function personGoal(db: Kysely<Database>, teamId: string, person: Person, name: string): Promise<Goal> {
  const goals = await db
    .selectFrom('goal')
    .selectAll()
    .where('team_id', '=', teamId)
    .where('owner_id', '=', person.slack_user_id)
    .where('scope', '=', 'person')
    .where('active', '=', true)
    .execute();
  const goal = goals.find((g) => g.name.toLowerCase() === name.trim().toLowerCase());
  if (!goal) {
    const names = goals.map((g) => `"${g.name}"`).join(', ');
    throw notFound(
      `${person.name} has no goal called "${name.trim()}". ${names ? `Their goals: ${names}.` : 'They have no goals yet: a leader or an admin sets them with {cmd:goal set}.'}`,
    );
  }
  return goal;
}

/** Someone's active goals with their standing; only for themselves and the people above them. */
export async function goalsOf(scope: Scope, ownerId: string): Promise<Standing[]> {
  const { db, teamId, now } = scope;
  await assertMaySee(scope, ownerId, 'goals');
  const owner = await getPerson(db, teamId, ownerId);
  if (!owner) throw notFound(`{@${ownerId}} is not in the org chart.`);
  const goals = await db
    .selectFrom('goal')
    .selectAll()
    .where('team_id', '=', teamId)
    .where('owner_id', '=', ownerId)
    .where('active', '=', true)
    .orderBy('scope')
    .orderBy('name')
    .execute();
  const out: Standing[] = [];
  for (const g of goals) out.push(await standingOf(db, g, owner, now));
  return out;
}

export interface ImportOutcome {
  readonly ok: boolean;
  readonly applied: number;
  readonly errors: readonly LineProblem[];
}

/** Finds people by Slack ID or email, as the org chart import does. */
async function peopleIndex(db: Kysely<Database>, teamId: string): Promise<(ref: string) => Person | undefined> {
  const people = await listPeople(db, teamId, { activeOnly: true });
  const byId = new Map(people.map((p) => [p.slack_user_id, p]));
  const byEmail = new Map(people.filter((p) => p.email).map((p) => [p.email!.toLowerCase(), p]));
  return (ref) => byId.get(ref.trim()) ?? byEmail.get(ref.trim().toLowerCase());
}

/**
 * `cascade goals import goals.csv`: columns `person,goal,target,unit,period` and an optional `scope`
 * (person or team); person is a Slack user ID or an email. The whole file is checked first: a bad line
 * is named by its number and nothing is applied.
 */
export async function importGoals(
  db: Kysely<Database>,
  teamId: string,
  csv: string,
  options: { dryRun: boolean; now: Date },
): Promise<ImportOutcome> {
  const table = readTable(csv, ['person', 'goal', 'target', 'unit', 'period'], ['scope', 'source']);
  if (!table.ok) return table;
  const errors = table.errors;
  const find = await peopleIndex(db, teamId);
  const drafts: GoalDraft[] = [];
  const seen = new Map<string, number>();
  // Read once, when the first line that follows the CRM needs it.
  let currencies: readonly string[] | undefined;
  for (const r of table.rows) {
    const get = (c: string) => table.cell(r, c);
    const person = find(get('person'));
    const scope = (get('scope') || 'person').toLowerCase();
    try {
      if (!person) throw invalid(`"${get('person')}" is not an active person of the org chart (give a Slack user ID or an email)`);
      if (scope !== 'person' && scope !== 'team') throw invalid(`scope "${get('scope')}" must be person or team`);
      const draft: GoalDraft = {
        ownerId: person.slack_user_id,
        scope,
        name: get('goal'),
        target: get('target'),
        unit: get('unit'),
        period: get('period'),
        source: get('source'),
      };
      const checked = checkDraft(draft);
      if (checked.source) {
        currencies ??= await crmCurrencies(db, teamId);
        checkCrmGoal(measureOf(checked.source), checked.unit, currencies);
      }
      const key = `${person.slack_user_id}|${scope}|${checked.name.toLowerCase()}`;
      if (seen.has(key)) throw invalid(`the same goal for the same person is already on line ${seen.get(key)}`);
      seen.set(key, r.line);
      drafts.push(draft);
    } catch (err) {
      errors.push({ line: r.line, message: err instanceof Error ? err.message.replace(/\.$/, '') : String(err) });
    }
  }
  if (errors.length > 0) return { ok: false, applied: 0, errors: errors.sort((a, b) => a.line - b.line) };
  if (!options.dryRun) {
    await db.transaction().execute(async (tx) => {
      for (const d of drafts) {
        const g = checkDraft(d);
        await tx
          .updateTable('goal')
          .set({ active: false, updated_at: options.now })
          .where('team_id', '=', teamId)
          .where('owner_id', '=', d.ownerId)
          .where('scope', '=', d.scope)
          .where(sql<boolean>`lower(name) = lower(${g.name})`)
          .where('active', '=', true)
          .execute();
        await tx
          .insertInto('goal')
          .values({
            team_id: teamId,
            owner_id: d.ownerId,
            scope: d.scope,
            name: g.name,
            unit: g.unit,
            target: g.target,
            period: g.period,
            source: g.source,
            created_by: 'import',
            created_at: options.now,
            updated_at: options.now,
          })
          .execute();
      }
    });
  }
  if (!options.dryRun && drafts.some((d) => d.source?.trim())) await writeCrmProgress(db, teamId, options.now);
  return { ok: true, applied: drafts.length, errors: [] };
}

/**
 * `cascade progress import progress.csv`: columns `person,goal,value,date` (the shape a CRM export can be
 * turned into); each line is a period-to-date value on that day. Checked whole before anything is applied.
 */
export async function importProgress(
  db: Kysely<Database>,
  teamId: string,
  csv: string,
  options: { dryRun: boolean; now: Date },
): Promise<ImportOutcome> {
  const table = readTable(csv, ['person', 'goal', 'value', 'date']);
  if (!table.ok) return table;
  const errors = table.errors;
  const find = await peopleIndex(db, teamId);
  const goals = await db
    .selectFrom('goal')
    .select(['owner_id', 'name', 'source'])
    .where('team_id', '=', teamId)
    .where('scope', '=', 'person')
    .where('active', '=', true)
    .execute();
  const valid: { personId: string; name: string; value: number; on: string }[] = [];
  for (const r of table.rows) {
    const get = (c: string) => table.cell(r, c);
    const person = find(get('person'));
    const value = amountOf(get('value'), PROGRESS_WORDS);
    const date = calendarDateOf(get('date'));
    const goal = person && goals.find((g) => g.owner_id === person.slack_user_id && g.name.toLowerCase() === get('goal').toLowerCase());
    if (!person)
      errors.push({
        line: r.line,
        message: `"${get('person')}" is not an active person of the org chart (give a Slack user ID or an email)`,
      });
    else if (!goal) errors.push({ line: r.line, message: `${person.name} has no goal called "${get('goal')}"` });
    else if (goal.source) errors.push({ line: r.line, message: followsCrm(goal.name, goal.source, ', not from a file') });
    else if (!value.ok) errors.push({ line: r.line, message: value.problem });
    else if (!date.ok) errors.push({ line: r.line, message: date.problem });
    else valid.push({ personId: person.slack_user_id, name: goal.name, value: value.value, on: date.value });
  }
  if (errors.length > 0) return { ok: false, applied: 0, errors: errors.sort((a, b) => a.line - b.line) };
  if (!options.dryRun && valid.length > 0) {
    await db
      .insertInto('progress')
      .values(
        valid.map((v) => ({
          team_id: teamId,
          person_id: v.personId,
          goal_name: v.name,
          value: v.value,
          recorded_on: v.on,
          source: 'import' as const,
          source_ref: null,
        })),
      )
      .execute();
  }
  return { ok: true, applied: valid.length, errors: [] };
}

/** "▰▰▰▱▱ 62% — behind pace by 8 pts". */
export function paceBar(s: Standing): string {
  const filled = Math.max(0, Math.min(5, Math.round(s.attainment * 5)));
  const pct = Math.round(s.attainment * 100);
  const words = s.tooEarly
    ? 'too early to tell'
    : s.paceGap >= 0
      ? s.paceGap === 0
        ? 'on pace'
        : `ahead of pace by ${s.paceGap} pts`
      : `behind pace by ${-s.paceGap} pts`;
  return `${'▰'.repeat(filled)}${'▱'.repeat(5 - filled)} ${pct}% — ${words}`;
}
