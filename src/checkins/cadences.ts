import { listCadences } from '../calendar/upcoming';
import { ensureWorkspace } from '../org/people';
import type { Kysely } from 'kysely';
import type { Cadence, Database, Frequency, Relationship } from '../db/types';
import { invalid, notFound } from '../errors';
import { parseCadenceCron } from '../calendar/cron';
import { ensureDefaultQuestions } from './questions';
import { MAX_LEVELS } from '../org/chart';
import { chainLeaders, leaderPlace } from '../org/chain';
import { KIND_LABEL } from '../org/roles';

type DefaultCadence = Omit<
  Cadence,
  | 'id'
  | 'team_id'
  | 'created_at'
  | 'answer_window_days'
  | 'reminder'
  | 'channel_id'
  | 'cron'
  | 'overrides'
  | 'for_leader'
  | 'for_level'
  | 'changed_at'
  | 'retired_at'
> & {
  channel_id?: null;
};

/**
 * Top-down inside a month: the CEO and President meet on the first Monday, the President sees the
 * managers one by one on the first Thursday, and the managers see their reps every Monday — so what
 * the top decides reaches the bottom in the same month.
 */
const DEFAULT_CADENCES: readonly DefaultCadence[] = [
  {
    key: 'ceo_president',
    level: 'ceo_president',
    name: 'CEO ↔ President monthly',
    frequency: 'monthly',
    weekday: 1,
    nth: 1,
    local_time: '09:00',
    mode: 'individual',
    anchor_date: '2026-01-05',
    leader_reflects: true,
    active: true,
  },
  {
    key: 'president_managers_team',
    level: 'president_managers',
    name: 'President ↔ managers, as a team',
    frequency: 'biweekly',
    weekday: 3,
    nth: null,
    local_time: '09:00',
    mode: 'team',
    anchor_date: '2026-01-07',
    leader_reflects: false,
    active: false,
  },
  {
    key: 'president_managers',
    level: 'president_managers',
    name: 'President ↔ each manager',
    frequency: 'monthly',
    weekday: 4,
    nth: 1,
    local_time: '09:00',
    mode: 'individual',
    anchor_date: '2026-01-01',
    leader_reflects: false,
    active: true,
  },
  {
    key: 'manager_reps',
    level: 'manager_reps',
    name: 'Manager ↔ each rep, weekly',
    frequency: 'weekly',
    weekday: 1,
    nth: null,
    local_time: '10:00',
    mode: 'individual',
    anchor_date: '2026-01-05',
    leader_reflects: false,
    active: true,
  },
];

/** Gives a workspace the default cadences it lacks; ones an admin changed are left alone. */
async function ensureDefaultCadences(db: Kysely<Database>, teamId: string): Promise<void> {
  await db
    .insertInto('cadence')
    .values(DEFAULT_CADENCES.map((c) => ({ ...c, team_id: teamId, channel_id: null })))
    .onConflict((oc) => oc.columns(['team_id', 'key']).doNothing())
    .execute();
}

export type { Relationship };

/** What a workspace needs before its first round: the default cadences and its copy of the question bank. */
export async function ensureWorkspaceDefaults(db: Kysely<Database>, teamId: string): Promise<void> {
  await ensureDefaultCadences(db, teamId);
  await ensureDefaultQuestions(db, teamId);
}

/**
 * A workspace as Cascade first meets it (at start, or an install): its row, and its defaults, created once
 * here rather than checked on every tick.
 */
export async function openWorkspace(db: Kysely<Database>, teamId: string, name: string, now: Date): Promise<void> {
  await ensureWorkspace(db, teamId, name, now);
  await ensureWorkspaceDefaults(db, teamId);
}

export interface CadenceChanges {
  readonly frequency?: Frequency;
  readonly nth?: number;
  readonly cron?: string;
  readonly weekday?: number;
  readonly localTime?: string;
  readonly mode?: 'individual' | 'team';
  readonly channelId?: string;
  readonly windowDays?: number;
  readonly reminder?: boolean;
  readonly active?: boolean;
}

/**
 * Changes one cadence; rounds already planned keep their time, the next ones follow the change. Every
 * combination that cannot work is refused with what is allowed.
 */
export async function updateCadence(
  db: Kysely<Database>,
  teamId: string,
  key: string,
  changes: CadenceChanges,
  target: OverrideTarget | undefined,
  now: Date,
): Promise<Cadence> {
  let current = await cadenceOf(db, teamId, key);
  if (target) current = await overrideOf(db, current, target, now);
  // The module checks its own invariants, whoever calls it: a bad value is a message, never a CHECK failure.
  if (changes.weekday !== undefined && !(Number.isInteger(changes.weekday) && changes.weekday >= 0 && changes.weekday <= 6))
    throw invalid('The weekday is one of monday … sunday.');
  if (changes.localTime !== undefined && !/^([01]\d|2[0-3]):[0-5]\d$/.test(changes.localTime))
    throw invalid(`"${changes.localTime}" is not a time: give HH:MM on a 24-hour clock, like 09:30.`);
  if (changes.windowDays !== undefined && !(Number.isInteger(changes.windowDays) && changes.windowDays >= 1 && changes.windowDays <= 14)) {
    throw invalid('The answer window is a whole number of working days from 1 to 14, like `window 2`.');
  }
  if (changes.nth !== undefined && ![1, 2, 3, 4, -1].includes(changes.nth))
    throw invalid('A monthly cadence meets on the first, second, third, fourth or last weekday of the month.');
  if (changes.frequency !== undefined && !['weekly', 'biweekly', 'monthly', 'cron'].includes(changes.frequency))
    throw invalid('The frequency is weekly, biweekly, monthly or a cron expression.');
  const frequency = changes.frequency ?? current.frequency;
  let cron: string | null = frequency === 'cron' ? (changes.cron ?? current.cron) : null;
  let localTime = changes.localTime ?? current.local_time;
  if (frequency === 'cron') {
    const parsed = parseCadenceCron(cron ?? '');
    if ('error' in parsed) throw invalid(parsed.error);
    if (changes.localTime && changes.localTime !== parsed.localTime)
      throw invalid('A cron cadence takes its time from the expression: leave out "at HH:MM".');
    if (changes.weekday !== undefined) throw invalid('A cron cadence takes its days from the expression: leave out the weekday.');
    cron = cron!.trim().replace(/\s+/g, ' ');
    localTime = parsed.localTime;
  }
  if (changes.nth !== undefined && frequency !== 'monthly') throw invalid('first, second, third, fourth or last only go with monthly.');
  const nth = frequency === 'monthly' ? (changes.nth ?? current.nth ?? 1) : null;
  const mode = changes.mode ?? current.mode;
  const channelId = changes.channelId ?? current.channel_id;
  if (mode === 'team' && !channelId)
    throw invalid('A team cadence posts its rounds in a channel: add the #channel (and invite Cascade to it if it is private).');
  if (changes.channelId && mode !== 'team') throw invalid('Only a team cadence has a channel: add `team` before the #channel.');
  const weekday = changes.weekday ?? current.weekday;
  const active = changes.active ?? current.active;
  // A new schedule applies from the next period: planning never makes a round dated before this change, nor a
  // second one in a period that already has its conversation (scheduler/plan.ts).
  const rescheduled =
    frequency !== current.frequency ||
    cron !== current.cron ||
    nth !== current.nth ||
    weekday !== current.weekday ||
    localTime !== current.local_time ||
    (active && !current.active);
  return db
    .updateTable('cadence')
    .set({
      frequency,
      cron,
      nth,
      weekday,
      local_time: localTime,
      ...(rescheduled ? { changed_at: now } : {}),
      mode,
      channel_id: mode === 'team' ? channelId : current.channel_id,
      answer_window_days: changes.windowDays ?? current.answer_window_days,
      reminder: changes.reminder ?? current.reminder,
      active,
    })
    .where('id', '=', current.id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Whom an override is for: one leader, or one level of the tree (1 = the top). */
export type OverrideTarget = { readonly leaderId: string } | { readonly level: number };

async function cadenceOf(db: Kysely<Database>, teamId: string, key: string): Promise<Cadence> {
  const current = await db
    .selectFrom('cadence')
    .selectAll()
    .where('team_id', '=', teamId)
    .where('key', '=', key)
    .where('retired_at', 'is', null)
    .executeTakeFirst();
  if (!current) {
    const keys = (await listCadences(db, teamId)).filter((c) => c.overrides === null).map((c) => c.key);
    throw notFound(`There is no cadence "${key}". The cadences are: ${keys.join(', ')}.`);
  }
  return current;
}

const overrideKey = (base: Cadence, target: OverrideTarget) =>
  'leaderId' in target ? `${base.key}@${target.leaderId}` : `${base.key}@level${target.level}`;

/**
 * Whom an override of `base` can be for: a leader who leads the relationship `base` is about, or a level of
 * the chart where such leaders are. "Updated." for a level that does not exist, or a rep who leads nobody,
 * would change nothing anyone follows: it is refused, saying why.
 */
async function checkTarget(db: Kysely<Database>, base: Cadence, target: OverrideTarget): Promise<void> {
  const kind = KIND_LABEL[base.level];
  if ('level' in target) {
    if (!(Number.isInteger(target.level) && target.level >= 1 && target.level <= MAX_LEVELS))
      throw invalid(`A level is a whole number from 1 (the top) to ${MAX_LEVELS}.`);
    const leaders = await chainLeaders(db, base.team_id);
    const deepest = Math.max(0, ...leaders.map((l) => l.depth + 1));
    if (!leaders.some((l) => l.depth + 1 === target.level)) {
      throw invalid(
        `There is no level ${target.level} of leaders in the chart: it has ${deepest} level${deepest === 1 ? '' : 's'} of leaders (see {cmd:cadence list}).`,
      );
    }
    if (!leaders.some((l) => l.depth + 1 === target.level && l.kind === base.level)) {
      throw invalid(
        `No leader on level ${target.level} leads a ${kind} relationship, so \`${base.key}\` has nothing to change there (see {cmd:cadence list}).`,
      );
    }
    return;
  }
  const leader = await db
    .selectFrom('person')
    .select(['active', 'in_chain'])
    .where('team_id', '=', base.team_id)
    .where('slack_user_id', '=', target.leaderId)
    .executeTakeFirst();
  if (!leader?.active || !leader.in_chain)
    throw notFound(`{@${target.leaderId}} is not in the chain, so there is no cadence to set for them.`);
  const place = await leaderPlace(db, base.team_id, target.leaderId);
  if (!place) throw invalid(`{@${target.leaderId}} leads nobody, so there is no conversation of theirs to schedule.`);
  if (place.kind !== base.level)
    throw invalid(
      `{@${target.leaderId}} leads a ${KIND_LABEL[place.kind]} relationship, not a ${kind} one: \`${base.key}\` is not theirs (see {cmd:cadence list}).`,
    );
}

/**
 * The override of `base` for one leader or one level, created as a copy of it the first time (so it starts
 * from the same schedule), then changed like any cadence. The most specific one wins when rounds are planned.
 */
async function overrideOf(db: Kysely<Database>, base: Cadence, target: OverrideTarget, now: Date): Promise<Cadence> {
  if (base.overrides !== null)
    throw invalid(`"${base.key}" is already an override: change it directly, or name the cadence it overrides (${base.overrides}).`);
  await checkTarget(db, base, target);
  const key = overrideKey(base, target);
  const { id: _id, created_at: _created, ...copy } = base;
  await db
    .insertInto('cadence')
    .values({
      ...copy,
      key,
      overrides: base.key,
      for_leader: 'leaderId' in target ? target.leaderId : null,
      for_level: 'level' in target ? target.level : null,
      // Followed from now on: no round of it dated before today.
      changed_at: now,
      retired_at: null,
    })
    .onConflict((oc) => oc.columns(['team_id', 'key']).doNothing())
    .execute();
  return cadenceOf(db, base.team_id, key);
}

/**
 * `/cascade cadence reset <key> for @leader|level N`: the override is no longer followed (the leader or level
 * goes back to the cadence it overrode, from the next period); its rounds are kept, with their history.
 */
export async function resetOverride(
  db: Kysely<Database>,
  teamId: string,
  key: string,
  target: OverrideTarget,
  now: Date,
): Promise<Cadence> {
  const base = await cadenceOf(db, teamId, key);
  if (base.overrides !== null)
    throw invalid(`"${base.key}" is an override: name the cadence it overrides (${base.overrides}) and whom it is for.`);
  const override = await db
    .selectFrom('cadence')
    .selectAll()
    .where('team_id', '=', teamId)
    .where('key', '=', overrideKey(base, target))
    .where('retired_at', 'is', null)
    .executeTakeFirst();
  if (!override)
    throw notFound(
      `There is no override of \`${base.key}\` ${'leaderId' in target ? `for {@${target.leaderId}}` : `for level ${target.level}`}: nothing to reset.`,
    );
  await db.transaction().execute(async (tx) => {
    // Its key is freed (a new override can be made later) and it is never followed again; its rounds stay.
    await tx
      .updateTable('cadence')
      .set({ retired_at: now, active: false, key: `${override.key}#${override.id}` })
      .where('id', '=', override.id)
      .execute();
    await tx.updateTable('cadence').set({ changed_at: now }).where('id', '=', base.id).execute();
  });
  return base;
}
