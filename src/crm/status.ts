import { sql, type Kysely } from 'kysely';
import type { CrmProvider, Database } from '../db/types';
import { connectionOf, providerName, type CrmSettings } from './connections';
import { requireAdmin, type Scope } from '../org/policy';

interface CrmStatus {
  readonly provider: CrmProvider | null;
  /** Where its credentials come from. */
  readonly from: 'environment' | 'workspace' | null;
  readonly syncedAt: Date | null;
  /** Every deal modified before this was read. */
  readonly syncedTo: Date | null;
  readonly syncing: boolean;
  readonly lastError: string | null;
  readonly deals: number;
  readonly owners: number;
  readonly apiUsage: { used: number; limit: number } | null;
  /** CRM owners with deals whose email is no active person's: their deals count for nobody. */
  readonly ownersWithoutPerson: readonly { name: string; email: string | null; deals: number }[];
  /** People with a goal that follows the CRM and no CRM owner of their email: their goals stay at zero. */
  readonly peopleWithoutOwner: readonly { id: string; name: string; email: string | null }[];
}

/** `/cascade crm status` and `cascade crm status`: the connection, the last sync, and who is not matched (never guessed). */
export async function crmStatus(db: Kysely<Database>, teamId: string, settings: CrmSettings, now: Date): Promise<CrmStatus> {
  const c = await connectionOf(db, teamId, settings);
  if (!c)
    return {
      provider: null,
      from: null,
      syncedAt: null,
      syncedTo: null,
      syncing: false,
      lastError: null,
      deals: 0,
      owners: 0,
      apiUsage: null,
      ownersWithoutPerson: [],
      peopleWithoutOwner: [],
    };
  const [counts, unmatched, ownerless] = await Promise.all([
    sql<{ deals: number; owners: number }>`
      select (select count(*) from crm_deal where team_id = ${teamId} and not deleted)::int as deals,
             (select count(*) from crm_owner where team_id = ${teamId})::int as owners`.execute(db),
    sql<{ name: string; email: string | null; deals: number }>`
      select o.name, o.email, count(d.deal_id)::int as deals
      from crm_owner o
      join crm_deal d on d.team_id = o.team_id and d.owner_id = o.owner_id and not d.deleted
      where o.team_id = ${teamId}
        and not exists (select 1 from person p where p.team_id = o.team_id and p.active and lower(p.email) = lower(o.email))
      group by o.owner_id, o.name, o.email
      order by count(d.deal_id) desc, o.name
      limit 50`.execute(db),
    sql<{ id: string; name: string; email: string | null }>`
      select distinct p.slack_user_id as id, p.name, p.email
      from goal g
      join person p on p.team_id = g.team_id and p.slack_user_id = g.owner_id and p.active
      where g.team_id = ${teamId} and g.active and g.source is not null
        and not exists (select 1 from crm_owner o where o.team_id = p.team_id and lower(o.email) = lower(p.email))
      order by p.name
      limit 50`.execute(db),
  ]);
  return {
    provider: c.provider,
    from: c.secret === null ? 'environment' : 'workspace',
    syncedAt: c.synced_at,
    syncedTo: c.synced_to,
    syncing: c.lease_until !== null && c.lease_until > now,
    lastError: c.last_error,
    deals: counts.rows[0]?.deals ?? 0,
    owners: counts.rows[0]?.owners ?? 0,
    apiUsage: c.api_used !== null && c.api_limit !== null ? { used: c.api_used, limit: c.api_limit } : null,
    ownersWithoutPerson: unmatched.rows,
    peopleWithoutOwner: ownerless.rows,
  };
}

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** The status as lines of plain text, for the command line and for Slack alike (the caller escapes). */
export function describeCrmStatus(s: CrmStatus): string[] {
  if (!s.provider)
    return [
      'No CRM is connected. Set HUBSPOT_ACCESS_TOKEN (or SALESFORCE_*) in the environment, or run `cascade crm connect hubspot --token …`.',
    ];
  const lines = [
    `${providerName(s.provider)} (credentials from the ${s.from}): ${count(s.deals, 'deal')}, ${count(s.owners, 'owner')}.`,
    s.syncedAt
      ? `Last sync ${s.syncedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC${s.syncing ? '; a sync is running now' : ''}.`
      : s.syncing
        ? 'The first sync is running now.'
        : 'Not synced yet.',
  ];
  if (s.lastError) lines.push(`The last sync stopped: ${s.lastError}`);
  if (s.apiUsage) lines.push(`API allowance used today: ${s.apiUsage.used} of ${s.apiUsage.limit}.`);
  if (s.ownersWithoutPerson.length > 0)
    lines.push(
      `Owners with no person of their email (their deals count for nobody): ${s.ownersWithoutPerson
        .map((o) => `${o.name || '(no name)'} <${o.email ?? 'no email'}> (${count(o.deals, 'deal')})`)
        .join('; ')}.`,
    );
  if (s.peopleWithoutOwner.length > 0)
    lines.push(
      `People with goals from the CRM and no owner of their email (their goals stay at zero): ${s.peopleWithoutOwner
        .map((p) => `${p.name} <${p.email ?? 'no email in the org chart'}>`)
        .join('; ')}.`,
    );
  if (s.ownersWithoutPerson.length === 0 && s.peopleWithoutOwner.length === 0)
    lines.push('Every owner with deals is a person of the org chart.');
  return lines;
}

/** An admin's look at the CRM (`/cascade crm status`): the status names people, so it is for admins only. */
export async function crmStatusFor(scope: Scope, settings: CrmSettings): Promise<CrmStatus> {
  await requireAdmin(scope, 'see the CRM connection');
  return crmStatus(scope.db, scope.teamId, settings, scope.now);
}
