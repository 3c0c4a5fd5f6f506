import { amountOf, CrmStop, dayOf, epochMsOf, type CrmDealRecord, type CrmOwnerRecord, type CrmSource } from './source';
import { SECOND_MS } from '../time/durations';

/**
 * HubSpot through its official SDK (`@hubspot/api-client`), loaded on first use. A private app's token with
 * `crm.objects.deals.read` and `crm.objects.owners.read`; `basePath` points it at another base URL (a
 * stand-in). The SDK spaces requests with its Bottleneck limiter (under HubSpot's documented five search
 * requests a second) and retries a 429 itself; beyond its retries, a 429 waits as long as Retry-After says.
 *
 * Deals come from the CRM v3 search API, which answers at most 10,000 results for one query: the sync asks in
 * rising id order and, before paging past the cap, starts a new query from the last id it read. Deleted deals
 * are archived in HubSpot and search never returns them: they are listed apart.
 */
interface HubSpotOptions {
  readonly accessToken: string;
  readonly baseUrl?: string;
  /** Search requests a second (HubSpot allows five per account; the bench's stand-in allows more). */
  readonly searchPerSecond?: number;
  /** The SDK's own retries of a 429 or a 5xx (0–6). */
  readonly sdkRetries?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

const PAGE = 200;
const SEARCH_CAP = 10_000;
const PROPERTIES = [
  'hubspot_owner_id',
  'amount',
  'deal_currency_code',
  'createdate',
  'closedate',
  'hs_is_closed',
  'hs_is_closed_won',
  'hs_lastmodifieddate',
];
/** How many refusals in a row (429 or 5xx beyond the SDK's retries) before the sync stops and keeps its place. */
const MOST_REFUSALS = 30;

type HubSpotClient = import('@hubspot/api-client').Client;

export async function hubSpotSource(options: HubSpotOptions): Promise<CrmSource> {
  const { Client } = await import('@hubspot/api-client');
  const perSecond = options.searchPerSecond ?? 4;
  const client: HubSpotClient = new Client({
    accessToken: options.accessToken,
    ...(options.baseUrl ? { basePath: options.baseUrl.replace(/\/$/, '') } : {}),
    numberOfApiCallRetries: options.sdkRetries ?? 2,
    // At most this many requests in any second (HubSpot's search allows five), a burst of them at once.
    limiterOptions: {
      reservoir: perSecond,
      reservoirRefreshAmount: perSecond,
      reservoirRefreshInterval: SECOND_MS,
      maxConcurrent: 1,
      id: 'cascade-hubspot',
    },
  });
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const patiently = <T>(call: () => Promise<T>) => withPatience(call, sleep);
  return {
    provider: 'hubspot',
    async currency() {
      const res = await patiently(() => client.apiRequest({ method: 'GET', path: '/account-info/v3/details' }));
      const body = (await res.json()) as { companyCurrency?: string };
      return body.companyCurrency ?? null;
    },
    async *owners() {
      let after: string | undefined;
      do {
        const page = await patiently(() => client.crm.owners.ownersApi.getPage(undefined, after, 500, false));
        yield page.results.map(
          (o): CrmOwnerRecord => ({
            id: o.id,
            email: o.email ?? null,
            name: [o.firstName, o.lastName].filter(Boolean).join(' '),
          }),
        );
        after = page.paging?.next?.after;
      } while (after);
    },
    async *modified(from, to, afterId) {
      let lastId = afterId;
      let offset = 0;
      for (;;) {
        const filters = [
          ...(from ? [{ propertyName: 'hs_lastmodifieddate', operator: 'GTE' as const, value: String(from.getTime()) }] : []),
          { propertyName: 'hs_lastmodifieddate', operator: 'LT' as const, value: String(to.getTime()) },
          ...(lastId ? [{ propertyName: 'hs_object_id', operator: 'GT' as const, value: lastId }] : []),
        ];
        const page = await patiently(() =>
          client.crm.deals.searchApi.doSearch({
            filterGroups: [{ filters: filters as never }],
            // The SDK types a sort as a string; HubSpot reads the documented object.
            sorts: [{ propertyName: 'hs_object_id', direction: 'ASCENDING' } as unknown as string],
            properties: PROPERTIES,
            limit: PAGE,
            ...(offset > 0 ? { after: String(offset) } : {}),
          }),
        );
        if (page.results.length > 0) yield page.results.map(dealOf);
        const next = page.paging?.next?.after;
        if (!next) return;
        if (Number(next) + PAGE > SEARCH_CAP) {
          // Past this, HubSpot refuses the page: a new query from the last id read.
          lastId = page.results[page.results.length - 1]!.id;
          offset = 0;
        } else offset = Number(next);
      }
    },
    async *deletedIds() {
      let after: string | undefined;
      do {
        const page = await patiently(() => client.crm.deals.basicApi.getPage(100, after, ['hs_object_id'], undefined, undefined, true));
        if (page.results.length > 0) yield page.results.map((d) => d.id);
        after = page.paging?.next?.after;
      } while (after);
    },
    usage: () => null,
  };
}

function dealOf(d: { id: string; properties: Record<string, string | null>; createdAt: Date; updatedAt: Date }): CrmDealRecord {
  const p = d.properties;
  const isClosed = p.hs_is_closed === 'true';
  return {
    id: d.id,
    ownerId: p.hubspot_owner_id || null,
    amount: amountOf(p.amount),
    currency: p.deal_currency_code || null,
    createdOn: dayOf(p.createdate) ?? d.createdAt.toISOString().slice(0, 10),
    closedOn: isClosed ? dayOf(p.closedate) : null,
    isClosed,
    isWon: p.hs_is_closed_won === 'true',
    modifiedAt: p.hs_lastmodifieddate ? new Date(epochMsOf(p.hs_lastmodifieddate)) : d.updatedAt,
    deleted: false,
  };
}

/**
 * A call that HubSpot refused for its rate (429, past the SDK's own retries) or a passing failure (5xx) is
 * tried again after Retry-After (or a second); a wrong token stops the sync with a message an admin can act on.
 */
async function withPatience<T>(call: () => Promise<T>, sleep: (ms: number) => Promise<void>): Promise<T> {
  for (let refusals = 0; ; refusals++) {
    try {
      return await call();
    } catch (err) {
      const e = err as { code?: number; headers?: Record<string, string>; body?: { message?: string } };
      if (e.code === 401 || e.code === 403)
        throw new CrmStop(
          `HubSpot refused the access token (${e.code}): check HUBSPOT_ACCESS_TOKEN or \`cascade crm connect hubspot\`, and its scopes crm.objects.deals.read and crm.objects.owners.read`,
        );
      const passing = e.code === 429 || (typeof e.code === 'number' && e.code >= 500);
      if (!passing || refusals >= MOST_REFUSALS) throw err;
      const retryAfter = Number(e.headers?.['retry-after']);
      await sleep(Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * SECOND_MS : SECOND_MS);
    }
  }
}
