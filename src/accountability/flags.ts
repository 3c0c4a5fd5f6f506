import { sql, type Kysely } from 'kysely';
import { ORG_FACTORS, type Database, type Flag, type OrgFactor } from '../db/types';
import { invalid, notAllowed, notFound } from '../errors';
import { chainBelow } from '../org/visibility';
import { figuresOnly, isBelow, type Scope } from '../org/policy';
import { pastAttainments } from './goals';
import { dayMonth, localDate } from '../time/calendar';
import { DAY_MS, MINUTE_MS } from '../time/durations';

/** What every flag asks the leader before anything else. */
export const ORG_FACTORS_QUESTION = 'Before looking at the person: could territory, tooling, training, process or support explain this?';

/** The rules, as data: each workspace gets these defaults and may switch one off or change its threshold. */
const DEFAULT_FLAG_RULES = [
  { key: 'missed_in_a_row', threshold: 2, about: 'check-ins missed in a row' },
  { key: 'commitments_kept', threshold: 0.5, about: 'share of the last four commitments kept, below which a flag is raised' },
  { key: 'goal_pace', threshold: 0.8, about: 'attainment at the end of two periods running, below which a flag is raised' },
  { key: 'confidence_drop', threshold: 2, about: 'drop in the confidence rating since the last check-in' },
  {
    key: 'flags_piling',
    threshold: 0.1,
    about: "share of the people in the chain with an open flag at which the CEO's reflection asks about the organisation first",
  },
] as const;

/** Rules whose threshold is a share (0.05 to 1) rather than a whole number. */
const SHARE_RULES = new Set(['commitments_kept', 'goal_pace', 'flags_piling']);

/** A person a rule fires for, with the instant of the newest evidence it fired on. */
interface Hit {
  readonly person_id: string;
  readonly detail: string;
  readonly evidence_at: Date;
}

/**
 * What a rule found for one person it could judge: whether it fires on their latest evidence (a hit), or what
 * says it no longer does (`because`, shown when an open flag of theirs is cleared).
 */
interface Verdict extends Hit {
  readonly fires: boolean;
  readonly because: string;
}

/** How often the rules run for a workspace, at most (the tick also needs something they read to have changed). */
export const FLAGS_EVERY_MS = 15 * MINUTE_MS;

async function ensureFlagRules(db: Kysely<Database>, teamId: string): Promise<void> {
  await db
    .insertInto('flag_rule')
    .values(DEFAULT_FLAG_RULES.map((r) => ({ team_id: teamId, key: r.key, threshold: r.threshold })))
    .onConflict((oc) => oc.columns(['team_id', 'key']).doNothing())
    .execute();
}

/**
 * Raises a flag per hit, once: not while one is open for the same person and rule, and not again after
 * a leader closed one unless the rule fired on evidence newer than that close.
 */
async function raise(db: Kysely<Database>, teamId: string, rule: string, found: readonly Hit[], now: Date): Promise<number> {
  if (found.length === 0) return 0;
  const closes = await db
    .selectFrom('flag')
    .select(['person_id', (eb) => eb.fn.max('closed_at').as('closed_at')])
    .where('team_id', '=', teamId)
    .where('rule', '=', rule)
    .where('status', '=', 'closed')
    .where(
      'person_id',
      'in',
      found.map((h) => h.person_id),
    )
    .groupBy('person_id')
    .execute();
  const lastClose = new Map(closes.map((c) => [c.person_id, c.closed_at ? new Date(c.closed_at as unknown as string) : null]));
  const hits = found.filter((h) => {
    const closed = lastClose.get(h.person_id);
    return !closed || new Date(h.evidence_at) > closed;
  });
  if (hits.length === 0) return 0;
  const result = await db
    .insertInto('flag')
    .values(
      hits.map((h) => ({
        team_id: teamId,
        person_id: h.person_id,
        rule,
        detail: h.detail,
        raised_at: now,
        org_factors: null,
        closed_by: null,
        closed_at: null,
      })),
    )
    .onConflict((oc) => oc.columns(['team_id', 'person_id', 'rule']).where('status', '=', 'open').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0);
}

/**
 * Clears the open flags of a rule whose person it judged and no longer fires for: a flag is a state, not an
 * event. Kept in history with what changed; a flag closed by hand is not touched.
 */
async function clear(db: Kysely<Database>, teamId: string, rule: string, verdicts: readonly Verdict[], now: Date): Promise<number> {
  const gone = verdicts.filter((v) => !v.fires);
  if (gone.length === 0) return 0;
  const result = await sql`
    update flag f set status = 'cleared', closed_at = ${now}, cleared_because = u.because
    from unnest(${gone.map((v) => v.person_id)}::text[], ${gone.map((v) => v.because)}::text[]) as u (person_id, because)
    where f.team_id = ${teamId} and f.rule = ${rule} and f.status = 'open' and f.person_id = u.person_id`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

/** Raises the flags a rule fires for and clears the open ones it no longer fires for. */
async function apply(
  db: Kysely<Database>,
  teamId: string,
  rule: string,
  verdicts: readonly Verdict[],
  now: Date,
): Promise<{ raised: number; cleared: number }> {
  const cleared = await clear(db, teamId, rule, verdicts, now);
  const raised = await raise(
    db,
    teamId,
    rule,
    verdicts.filter((v) => v.fires),
    now,
  );
  return { raised, cleared };
}

/** "2.5" for a kept rate's half points, as people count them. */
const count = (n: number) => (Number.isInteger(n) ? String(n) : `${Math.floor(n)}½`);

type RuleVerdicts = (db: Kysely<Database>, teamId: string, threshold: number, now: Date) => Promise<Verdict[]>;

/** Missed N check-ins in a row. An answer counts as soon as it is given (its window may still be open); a miss once the window closed. */
const missedInARow: RuleVerdicts = async (db, teamId, missed, now) => {
  const n = Math.max(1, Math.round(missed));
  const rows = await sql<{ person_id: string; fires: boolean; evidence_at: Date; answered_on: string | null }>`
    select person_id, (count(*) = ${n} and bool_and(status = 'missed')) as fires, max(coalesce(answered_at, closes_at)) as evidence_at,
           max(occurrence) filter (where status = 'answered') as answered_on
    from (
      select c.person_id, c.status, c.closes_at, c.answered_at, r.occurrence, row_number() over (partition by c.person_id order by c.due_at desc) as rn
      from checkin c join round r on r.id = c.round_id
      join person p on p.team_id = c.team_id and p.slack_user_id = c.person_id and p.active
      where c.team_id = ${teamId} and c.part = 'member' and c.status in ('answered', 'missed') and c.due_at <= ${now}
    ) x where rn <= ${n} group by person_id`.execute(db);
  return rows.rows.map((r) => ({
    person_id: r.person_id,
    fires: r.fires,
    detail: `missed ${n} check-ins in a row`,
    evidence_at: r.evidence_at,
    because: r.answered_on ? `answered the check-in of ${dayMonth(r.answered_on)}` : 'no longer missing check-ins',
  }));
};

/** Kept less than the threshold of the last four commitments closed. "Partly" counts half: a commitment half kept is half a promise kept. */
const commitmentsKept: RuleVerdicts = async (db, teamId, kept) => {
  const rows = await sql<{ person_id: string; closed: number; score: number; evidence_at: Date }>`
    select owner_id as person_id, count(*)::int as closed,
           (count(*) filter (where status = 'done') + 0.5 * count(*) filter (where status = 'partly'))::float8 as score,
           max(closed_at) as evidence_at
    from (
      select m.owner_id, m.status, m.closed_at, row_number() over (partition by m.owner_id order by m.closed_at desc, m.id desc) as rn
      from commitment m join person p on p.team_id = m.team_id and p.slack_user_id = m.owner_id and p.active
      where m.team_id = ${teamId} and m.status in ('done', 'partly', 'missed')
    ) x where rn <= 4 group by owner_id`.execute(db);
  return rows.rows.map((r) => ({
    person_id: r.person_id,
    fires: r.closed === 4 && r.score < 4 * kept,
    detail: `kept ${count(r.score)} of the last 4 commitments`,
    evidence_at: r.evidence_at,
    because: `kept ${count(r.score)} of the last ${r.closed}`,
  }));
};

/** Confidence fell by the threshold or more from one answer to the next. */
const confidenceDrop: RuleVerdicts = async (db, teamId, drop) => {
  const rows = await sql<{ person_id: string; latest: number; previous: number | null; evidence_at: Date }>`
    select person_id, max(v) filter (where rn = 1)::float8 as latest, max(v) filter (where rn = 2)::float8 as previous, max(at) as evidence_at from (
      select c.person_id, a.value_number as v, coalesce(c.answered_at, c.due_at) as at, row_number() over (partition by c.person_id order by c.due_at desc) as rn
      from answer a join checkin c on c.id = a.checkin_id
      join person p on p.team_id = c.team_id and p.slack_user_id = c.person_id and p.active
      where c.team_id = ${teamId} and c.status = 'answered' and a.kind = 'rating_1_5' and a.intent = 'goals' and a.value_number is not null
    ) x where rn <= 2 group by person_id`.execute(db);
  return rows.rows.map((r) => ({
    person_id: r.person_id,
    fires: r.previous !== null && r.previous - r.latest >= drop,
    detail: `confidence went from ${r.previous} to ${r.latest}`,
    evidence_at: r.evidence_at,
    because: `confidence now ${r.latest} of 5`,
  }));
};

/** A goal ended two periods running under the threshold of its target (judged once a day, on ended periods). */
const goalPace: RuleVerdicts = async (db, teamId, pace, now) => {
  const goals = await db
    .selectFrom('goal as g')
    .innerJoin('person as p', (j) => j.onRef('p.team_id', '=', 'g.team_id').onRef('p.slack_user_id', '=', 'g.owner_id'))
    .selectAll('g')
    .where('g.team_id', '=', teamId)
    .where('g.active', '=', true)
    .where('g.scope', '=', 'person')
    .where('p.active', '=', true)
    .execute();
  // Only the goals' owners, never the whole org.
  const ownerIds = [...new Set(goals.map((g) => g.owner_id))];
  const owners = new Map(
    ownerIds.length
      ? (await db.selectFrom('person').selectAll().where('team_id', '=', teamId).where('slack_user_id', 'in', ownerIds).execute()).map(
          (p) => [p.slack_user_id, p],
        )
      : [],
  );
  const verdicts = new Map<string, Verdict>();
  for (const g of goals) {
    const owner = owners.get(g.owner_id)!;
    const [previous, before] = await pastAttainments(db, g, owner, now, 2);
    if (previous === undefined || before === undefined) continue;
    const fires = previous.attainment < pace && before.attainment < pace;
    const verdict: Verdict = {
      person_id: g.owner_id,
      fires,
      detail: `“${g.name}” ended two ${g.period}s running under ${Math.round(pace * 100)}% (${Math.round(before.attainment * 100)}%, then ${Math.round(previous.attainment * 100)}%)`,
      // The last day of the period judged: a flag closed after it is raised again only when another period ends.
      evidence_at: new Date(`${previous.end}T23:59:59Z`),
      because: `“${g.name}” ended its last ${g.period} at ${Math.round(previous.attainment * 100)}%`,
    };
    // A person fires when any of their goals does; cleared only when none does.
    if (!verdicts.get(g.owner_id)?.fires) verdicts.set(g.owner_id, verdict);
  }
  return [...verdicts.values()];
};

/** The rules in the order they are judged; each says, per person, whether it fires and why (or why no longer). */
const RULES: Readonly<Record<string, RuleVerdicts>> = {
  missed_in_a_row: missedInARow,
  commitments_kept: commitmentsKept,
  confidence_drop: confidenceDrop,
  goal_pace: goalPace,
};

/**
 * Runs the workspace's flag rules (at most every 15 minutes; goal pace once a day): raises a flag per person
 * and rule that fires, once (an open flag is not raised again), and clears each open flag whose rule no longer
 * fires on the person's latest evidence.
 */
export async function evaluateFlags(db: Kysely<Database>, teamId: string, now: Date, options: { force?: boolean } = {}): Promise<number> {
  const ws = await db.selectFrom('workspace').select('flags_checked_at').where('team_id', '=', teamId).executeTakeFirst();
  const last = ws?.flags_checked_at ?? null;
  if (!options.force && last && now.getTime() - last.getTime() < FLAGS_EVERY_MS && now >= last) return 0;
  await db.updateTable('workspace').set({ flags_checked_at: now }).where('team_id', '=', teamId).execute();
  await ensureFlagRules(db, teamId);
  const rules = new Map(
    (await db.selectFrom('flag_rule').selectAll().where('team_id', '=', teamId).where('active', '=', true).execute()).map((r) => [
      r.key,
      Number(r.threshold),
    ]),
  );
  // Goal pace is judged once a day: when a new day has begun in the zone of someone in the chart (a
  // period ends at each owner's own midnight, not at UTC's).
  const zones = last
    ? (await db.selectFrom('person').select('tz').distinct().where('team_id', '=', teamId).where('active', '=', true).execute()).map(
        (p) => p.tz,
      )
    : [];
  const newDay = !last || zones.some((tz) => localDate(last, tz) !== localDate(now, tz));
  let raised = 0;
  for (const [rule, verdictsOf] of Object.entries(RULES)) {
    const threshold = rules.get(rule);
    if (threshold === undefined || (rule === 'goal_pace' && !newDay && !options.force)) continue;
    raised += (await apply(db, teamId, rule, await verdictsOf(db, teamId, threshold, now), now)).raised;
  }
  return raised;
}

export interface FlagView extends Flag {
  readonly personName: string;
}

/** The open flags of the people below the viewer (never their own, never a peer's), most urgent first. */
export async function flagsBelow(scope: Scope): Promise<FlagView[]> {
  const { db, teamId } = scope;
  const viewerId = scope.actor.id;
  const below = [...(await chainBelow(db, teamId, viewerId))];
  if (below.length === 0) return [];
  const rows = await db
    .selectFrom('flag as f')
    .leftJoin('person as p', (j) => j.onRef('p.team_id', '=', 'f.team_id').onRef('p.slack_user_id', '=', 'f.person_id'))
    .selectAll('f')
    .select('p.name')
    .where('f.team_id', '=', teamId)
    .where('f.status', '=', 'open')
    .where('f.person_id', 'in', below)
    // Most urgent first, as briefs name them: missed check-ins, confidence, commitments, goal pace; oldest first within.
    .orderBy(
      sql`case f.rule when 'missed_in_a_row' then 0 when 'confidence_drop' then 1 when 'commitments_kept' then 2 when 'goal_pace' then 3 else 4 end`,
    )
    .orderBy('f.raised_at')
    .orderBy('f.id')
    .execute();
  return rows.map(({ name, ...f }) => ({ ...f, personName: name ?? f.person_id }));
}

/** The organisation's open flags in numbers: for someone who configures Cascade from outside the chain. */
export interface OrgFlagCounts {
  readonly open: number;
  readonly people: number;
  readonly byRule: readonly { readonly rule: string; readonly count: number }[];
  /** Open more than two weeks. */
  readonly old: number;
}

/**
 * The open flags across the organisation, counted: never whose, never a word anyone wrote. Only for an admin
 * outside the chain (who sees figures, not people); anyone else gets the flags below them (`flagsBelow`).
 */
export async function orgFlagCounts(scope: Scope): Promise<OrgFlagCounts> {
  if (!figuresOnly(scope.actor))
    throw notAllowed('The organisation’s flag counts are for admins outside the chain; see {cmd:flags} for the people below you.');
  const rows = await scope.db
    .selectFrom('flag')
    .select([
      'rule',
      sql<number>`count(*)::int`.as('n'),
      sql<number>`count(*) filter (where raised_at < ${new Date(scope.now.getTime() - 14 * DAY_MS)})::int`.as('old'),
    ])
    .where('team_id', '=', scope.teamId)
    .where('status', '=', 'open')
    .groupBy('rule')
    .execute();
  const people = await scope.db
    .selectFrom('flag')
    .select(sql<number>`count(distinct person_id)::int`.as('n'))
    .where('team_id', '=', scope.teamId)
    .where('status', '=', 'open')
    .executeTakeFirst();
  const urgency = ['missed_in_a_row', 'confidence_drop', 'commitments_kept', 'goal_pace'];
  return {
    open: rows.reduce((n, r) => n + r.n, 0),
    people: people?.n ?? 0,
    byRule: rows.map((r) => ({ rule: r.rule, count: r.n })).sort((a, b) => urgency.indexOf(a.rule) - urgency.indexOf(b.rule)),
    old: rows.reduce((n, r) => n + r.old, 0),
  };
}

/** The words a leader names a rule by when closing a flag: "Mia's confidence flag". */
const RULE_WORDS: Record<string, string> = {
  missed: 'missed_in_a_row',
  commitments: 'commitments_kept',
  goal: 'goal_pace',
  pace: 'goal_pace',
  confidence: 'confidence_drop',
};

/** A flag by what it is about, the way people say it: whose, and which (optional when they have one open). */
async function openFlagOf(scope: Scope, personId: string, word?: string): Promise<Flag> {
  const { db, teamId } = scope;
  if (!(await isBelow(db, teamId, scope.actor.id, personId)))
    throw notFound(`{@${personId}} is not below you: you can close flags about the people below you.`);
  const open = await db
    .selectFrom('flag')
    .selectAll()
    .where('team_id', '=', teamId)
    .where('person_id', '=', personId)
    .where('status', '=', 'open')
    .orderBy('raised_at')
    .execute();
  if (open.length === 0) throw notFound(`{@${personId}} has no open flag.`);
  const rule = word === undefined ? undefined : RULE_WORDS[word.toLowerCase()];
  if (word !== undefined && !rule)
    throw invalid(
      `"${word}" names no flag: say ${Object.keys(RULE_WORDS)
        .filter((k) => k !== 'pace')
        .join(', ')}.`,
    );
  const matching = rule ? open.filter((f) => f.rule === rule) : open;
  if (matching.length === 0) throw notFound(`{@${personId}} has no open ${word} flag.`);
  if (matching.length > 1 || (!rule && open.length > 1)) {
    const words = open.map((f) => Object.entries(RULE_WORDS).find(([, r]) => r === f.rule)?.[0] ?? f.rule);
    throw invalid(`{@${personId}} has ${open.length} open flags: say which (${words.join(', ')}).`);
  }
  return matching[0]!;
}

/** The factors as a leader picks them, in words. */
export const FACTOR_WORDS: Readonly<Record<OrgFactor, string>> = {
  territory: 'territory',
  tooling: 'tooling',
  training: 'training',
  process: 'process',
  support: 'support',
  person: 'the person',
  none: 'none of these',
};

/** The factor a leader named, or why it is not one: the grouping of the monthly pack must be exact, never guessed from the sentence. */
function factorOf(word: string | null | undefined): OrgFactor {
  const w = (word ?? '').trim().toLowerCase();
  if ((ORG_FACTORS as readonly string[]).includes(w)) return w as OrgFactor;
  const list = ORG_FACTORS.map((f) => `\`${f}\``).join(', ');
  throw invalid(
    w ? `“${word}” is not one of the factors: ${list}.` : `Pick the factor that explains it best, besides your sentence: ${list}.`,
    'factor',
  );
}

/**
 * Closes a flag, only with the leader's answer about organisational factors (stored with it). Only someone
 * above the person in the chain may close it. By its button's id, or by whose and which it is.
 */
export async function closeFlag(
  scope: Scope,
  request: ({ id: number } | { personId: string; rule?: string }) & { orgFactors: string; factor?: string | null },
): Promise<Flag> {
  const { db } = scope;
  let flag: Flag | undefined;
  if ('id' in request) {
    flag = await db.selectFrom('flag').selectAll().where('team_id', '=', scope.teamId).where('id', '=', request.id).executeTakeFirst();
    if (!flag || !(await isBelow(db, scope.teamId, scope.actor.id, flag.person_id)))
      throw notFound('That flag is not about anyone below you: see {cmd:flags}.');
  } else {
    flag = await openFlagOf(scope, request.personId, request.rule);
  }
  if (flag.status !== 'open')
    throw invalid(
      flag.status === 'cleared'
        ? `That flag has cleared already: ${flag.cleared_because ?? 'its condition no longer holds'}.`
        : 'That flag is already closed.',
    );
  const answer = request.orgFactors.trim();
  if (answer.length < 10) throw invalid(`A flag closes only with your answer to: “${ORG_FACTORS_QUESTION}” Write a sentence or two.`);
  const factor = factorOf(request.factor);
  return db
    .updateTable('flag')
    .set({ status: 'closed', org_factors: answer.slice(0, 2000), org_factor: factor, closed_by: scope.actor.id, closed_at: scope.now })
    .where('id', '=', flag.id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export interface RuleView {
  readonly key: string;
  readonly about: string;
  readonly active: boolean;
  readonly threshold: number;
}

export async function listFlagRules(db: Kysely<Database>, teamId: string): Promise<RuleView[]> {
  await ensureFlagRules(db, teamId);
  const rows = await db.selectFrom('flag_rule').selectAll().where('team_id', '=', teamId).execute();
  return DEFAULT_FLAG_RULES.map((d) => {
    const r = rows.find((x) => x.key === d.key)!;
    return { key: d.key, about: d.about, active: r.active, threshold: Number(r.threshold) };
  });
}

/** Switches a rule on or off, or changes its threshold; each rule says what a sensible value is. */
export async function setFlagRule(
  db: Kysely<Database>,
  teamId: string,
  key: string,
  change: { active?: boolean; threshold?: number },
): Promise<RuleView> {
  const rule = DEFAULT_FLAG_RULES.find((r) => r.key === key);
  if (!rule) throw invalid(`There is no flag rule "${key}". The rules are: ${DEFAULT_FLAG_RULES.map((r) => r.key).join(', ')}.`);
  if (change.threshold !== undefined) {
    const t = change.threshold;
    const fraction = SHARE_RULES.has(key);
    if (!Number.isFinite(t) || (fraction ? t < 0.05 || t > 1 : !Number.isInteger(t) || t < 1 || t > 10)) {
      throw invalid(
        fraction
          ? `The threshold of ${key} is a share from 0.05 to 1, like 0.5.`
          : `The threshold of ${key} is a whole number from 1 to 10.`,
      );
    }
  }
  await ensureFlagRules(db, teamId);
  await db
    .updateTable('flag_rule')
    .set({
      ...(change.active !== undefined ? { active: change.active } : {}),
      ...(change.threshold !== undefined ? { threshold: change.threshold } : {}),
    })
    .where('team_id', '=', teamId)
    .where('key', '=', key)
    .execute();
  return (await listFlagRules(db, teamId)).find((r) => r.key === key)!;
}

/**
 * Whether flags pile up across the organisation: the share of the people in the chain (everyone who reports
 * to someone) with an open flag reaches the `flags_piling` rule's threshold. Off when the rule is off.
 */
export async function flagsPiling(db: Kysely<Database>, teamId: string): Promise<boolean> {
  // Read only: a workspace whose rules are not stored yet follows the default.
  const stored = await db
    .selectFrom('flag_rule')
    .select(['active', 'threshold'])
    .where('team_id', '=', teamId)
    .where('key', '=', 'flags_piling')
    .executeTakeFirst();
  const rule = stored ?? { active: true, threshold: DEFAULT_FLAG_RULES.find((r) => r.key === 'flags_piling')!.threshold };
  if (!rule.active) return false;
  const row = await sql<{ people: number; flagged: number }>`
    select count(*)::int as people,
      count(*) filter (where exists (select 1 from flag f where f.team_id = p.team_id and f.person_id = p.slack_user_id and f.status = 'open'))::int as flagged
    from person p where p.team_id = ${teamId} and p.active and p.reports_to is not null`.execute(db);
  const { people, flagged } = row.rows[0] ?? { people: 0, flagged: 0 };
  return people > 0 && flagged > 0 && flagged / people >= Number(rule.threshold);
}
