import { sql, type Kysely } from 'kysely';
import type { CrmMeasure, Database } from '../db/types';
import { invalid } from '../errors';

/** What a goal can follow in the CRM, and what each means. */
export const CRM_MEASURES: Readonly<Record<CrmMeasure, { readonly about: string; readonly money: boolean }>> = {
  closed_won_amount: { about: 'the amount of deals won, by close date', money: true },
  closed_won_count: { about: 'how many deals were won, by close date', money: false },
  pipeline_created: { about: 'the amount of deals created', money: true },
  open_pipeline: { about: 'the amount of deals open on the day (a point-in-time value)', money: true },
};

export const isCrmMeasure = (word: string): word is CrmMeasure => Object.hasOwn(CRM_MEASURES, word);

/**
 * Each active person goal that follows a CRM measure gets today's period-to-date value from the deals its owner
 * holds in the CRM (matched by email), kept as that day's progress: one figure per goal and day, replaced by each
 * sync of the day, so a day's figure is what the CRM said that day. Amounts count only deals in the goal's
 * currency. Everything that reads progress (standing, pace, flags, digests, the pack) reads these as it reads
 * typed ones. One statement for the whole workspace (or one owner's goals, when one is set); returns how many
 * goals it wrote.
 */
export async function writeCrmProgress(db: Kysely<Database>, teamId: string, now: Date, ownerId?: string): Promise<number> {
  const result = await sql`
    with g as (
      select g.id, g.team_id, g.owner_id, g.name, g.unit, g.source, p.email,
             (${now}::timestamptz at time zone p.tz)::date as today, g.period
      from goal g
      join person p on p.team_id = g.team_id and p.slack_user_id = g.owner_id
      where g.team_id = ${teamId} and g.active and g.scope = 'person' and g.source is not null and p.email is not null
        ${ownerId === undefined ? sql`` : sql`and g.owner_id = ${ownerId}`}
    ), w as (
      select g.*, date_trunc(g.period, g.today)::date as start from g
    ), v as (
      select w.id, w.team_id, w.owner_id, w.name, w.today, coalesce((
        select case w.source
          when 'crm:closed_won_amount' then sum(d.amount) filter (where d.is_won and d.closed_on between w.start and w.today and d.currency = w.unit)
          when 'crm:closed_won_count' then count(*) filter (where d.is_won and d.closed_on between w.start and w.today)
          when 'crm:pipeline_created' then sum(d.amount) filter (where d.created_on between w.start and w.today and d.currency = w.unit)
          when 'crm:open_pipeline' then sum(d.amount) filter (where d.created_on <= w.today and (not d.is_closed or d.closed_on > w.today) and d.currency = w.unit)
        end
        from crm_owner o
        join crm_deal d on d.team_id = o.team_id and d.owner_id = o.owner_id and not d.deleted
        where o.team_id = w.team_id and lower(o.email) = lower(w.email)
      ), 0)::float8 as value
      from w
    )
    insert into progress (team_id, person_id, goal_name, value, recorded_on, source, source_ref)
    select team_id, owner_id, name, value, today, 'crm', 'crm:' || id || ':' || today from v
    on conflict (team_id, source_ref) where source_ref is not null do update set value = excluded.value`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

/** The currencies the workspace's CRM deals are in (and the CRM's own): what an amount goal may be set in. */
export async function crmCurrencies(db: Kysely<Database>, teamId: string): Promise<readonly string[]> {
  const [deals, connection] = await Promise.all([
    db
      .selectFrom('crm_deal')
      .select('currency')
      .distinct()
      .where('team_id', '=', teamId)
      .where('deleted', '=', false)
      .where('currency', 'is not', null)
      .limit(10)
      .execute(),
    db.selectFrom('crm_connection').select('currency').where('team_id', '=', teamId).executeTakeFirst(),
  ]);
  return [...new Set([...deals.map((d) => d.currency!), ...(connection?.currency ? [connection.currency] : [])])].sort();
}

/**
 * Whether a goal can follow a measure in the unit it is set in: an amount in a currency the CRM's deals are in
 * (`currencies`, from `crmCurrencies`: a goal in EUR over USD deals is refused, never converted), a count as a
 * count. Throws the reason. Pure, so an import checks every line against one read.
 */
export function checkCrmGoal(measure: CrmMeasure, unit: string, currencies: readonly string[]): void {
  const money = CRM_MEASURES[measure].money;
  if (!money && unit !== 'count' && unit !== 'deals')
    throw invalid(`${measure} counts deals: set the goal's unit to count (it is ${unit}).`);
  if (money && !/^[A-Z]{3}$/.test(unit))
    throw invalid(`${measure} is an amount: set the goal in the currency of the deals, like USD (it is ${unit}).`);
  if (money && currencies.length > 0 && !currencies.includes(unit))
    throw invalid(
      `The CRM's deals are in ${currencies.join(', ')}; a goal in ${unit} would need a conversion Cascade does not make. Set it in ${currencies.length === 1 ? currencies[0] : 'one of those'}.`,
    );
}
