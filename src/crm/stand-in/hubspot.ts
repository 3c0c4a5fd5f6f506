import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoopbackStandIn } from '../../stand-in';
import { randomUUID } from 'node:crypto';
import { systemClock } from '../../time/clock';

/*
 * A stand-in for the parts of HubSpot's API that Cascade reads, shaped from HubSpot's documented contract:
 * CRM v3 deal search (`POST /crm/v3/objects/deals/search`: filter groups, one sort, `limit` ≤ 200, `after`
 * as an offset, `total`, and no paging past 10,000 results for one query — a 400), archived deals
 * (`GET /crm/v3/objects/deals?archived=true`, pages of ≤ 100), owners (`GET /crm/v3/owners`, ≤ 500) and the
 * account's company currency (`GET /account-info/v3/details`). Private-app tokens as `Authorization: Bearer`;
 * a wrong one is a 401. Search is limited per second (HubSpot documents five requests a second); beyond it, a
 * 429 with HubSpot's body (`errorType: RATE_LIMIT`, "You have reached your secondly limit.") and Retry-After.
 * Used by the tests, the bench and the sandbox; it keeps its deals in memory and can be told what to change.
 */

interface StandInOwner {
  readonly id: string;
  readonly email: string;
  readonly firstName?: string;
  readonly lastName?: string;
}

export interface StandInDeal {
  readonly id: string;
  ownerId: string | null;
  amount: number | null;
  currency: string | null;
  /** ISO instant. */
  createdAt: string;
  /** ISO instant; HubSpot keeps a close date on every deal (the expected one until it closes). */
  closeDate: string | null;
  stage: 'open' | 'closedwon' | 'closedlost';
  updatedAt: string;
  archivedAt: string | null;
}

interface Options {
  readonly token: string;
  /** The clock that stamps changes (`hs_lastmodifieddate`): the tests' simulated one. */
  readonly now?: () => Date;
  /** Search requests allowed per second before a 429; HubSpot documents 5. */
  readonly searchPerSecond?: number;
  readonly currency?: string;
}

const SEARCH_CAP = 10_000;
const ERROR_BASE = { status: 'error', correlationId: '' };

export class HubSpotStandIn extends LoopbackStandIn {
  private readonly deals = new Map<string, StandInDeal>();
  private readonly owners: StandInOwner[] = [];
  private nextId = 1000;
  private second = 0;
  private inSecond = 0;
  private storm = 0;
  private failNext = 0;
  /** Moves on every change, so that a cached query result is never stale. */
  private version = 0;
  private cached: { key: string; version: number; list: StandInDeal[] } | undefined;
  /** Requests by route (`search`, `archived`, `owners`, `account`), and how many were answered 429. */
  readonly counts = { search: 0, archived: 0, owners: 0, account: 0, refused: 0, beyondCap: 0 };

  constructor(private readonly options: Options) {
    super();
  }

  private now(): string {
    return (this.options.now ?? systemClock.now)().toISOString();
  }

  addOwner(...owners: StandInOwner[]): this {
    this.owners.push(...owners);
    return this;
  }

  /** A new deal, stamped now (or at `createdAt`); its id is HubSpot-like, numeric and rising. */
  createDeal(d: {
    ownerId: string | null;
    amount: number | null;
    currency?: string | null;
    stage?: StandInDeal['stage'];
    closeDate?: string | null;
    createdAt?: string;
  }): StandInDeal {
    const id = String(this.nextId++);
    const now = this.now();
    const deal: StandInDeal = {
      id,
      ownerId: d.ownerId,
      amount: d.amount,
      currency: d.currency === undefined ? (this.options.currency ?? 'USD') : d.currency,
      createdAt: d.createdAt ?? now,
      closeDate: d.closeDate ?? null,
      stage: d.stage ?? 'open',
      updatedAt: now,
      archivedAt: null,
    };
    this.deals.set(id, deal);
    this.version++;
    return deal;
  }

  /** Changes a deal as a person in HubSpot would; its last-modified time moves to now. */
  updateDeal(id: string, changes: Partial<Omit<StandInDeal, 'id' | 'updatedAt' | 'archivedAt'>>): StandInDeal {
    const deal = this.deals.get(id);
    if (!deal || deal.archivedAt) throw new Error(`no live deal ${id}`);
    Object.assign(deal, changes, { updatedAt: this.now() });
    this.version++;
    return deal;
  }

  /** Deleting a deal in HubSpot archives it: search no longer finds it; the archived listing does. */
  archiveDeal(id: string): void {
    const deal = this.deals.get(id);
    if (!deal) throw new Error(`no deal ${id}`);
    deal.archivedAt = this.now();
    deal.updatedAt = deal.archivedAt;
    this.version++;
  }

  /** A deal deleted for good (HubSpot's GDPR delete): neither search nor the archived listing has it any more. */
  eraseDeal(id: string): void {
    this.deals.delete(id);
    this.version++;
  }

  /** Every deal, archived ones too: what the tests compare Cascade's figures with. */
  allDeals(): readonly StandInDeal[] {
    return [...this.deals.values()];
  }

  /** What it holds, to be loaded again by a stand-in that outlives a restart (the sandbox's). */
  toJSON(): { owners: StandInOwner[]; deals: StandInDeal[]; nextId: number } {
    return { owners: [...this.owners], deals: [...this.deals.values()], nextId: this.nextId };
  }

  load(saved: { owners: StandInOwner[]; deals: StandInDeal[]; nextId: number }): this {
    this.owners.splice(0, this.owners.length, ...saved.owners);
    this.deals.clear();
    for (const d of saved.deals) this.deals.set(d.id, d);
    this.nextId = saved.nextId;
    this.version++;
    return this;
  }

  /** The next `count` search requests are answered 429, whatever the rate: a storm. */
  refuseNext(count: number): this {
    this.storm += count;
    return this;
  }

  /** The next `count` requests of any kind fail with a 502, as a gateway would. */
  failNextRequests(count: number): this {
    this.failNext += count;
    return this;
  }

  protected async handle(req: IncomingMessage, body: string, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    // HubSpot answers a path with or without its trailing slash alike (the SDK asks for `/crm/v3/owners/`).
    url.pathname = url.pathname.replace(/(.)\/$/, '$1');
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json;charset=utf-8', ...headers });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${this.options.token}`) {
      send(401, {
        ...ERROR_BASE,
        message: 'Authentication credentials not found. This API supports OAuth 2.0 authentication.',
        category: 'INVALID_AUTHENTICATION',
        correlationId: randomUUID(),
      });
      return;
    }
    if (this.failNext > 0) {
      this.failNext--;
      send(502, { ...ERROR_BASE, message: 'Bad gateway', category: 'INTERNAL_ERROR', correlationId: randomUUID() });
      return;
    }
    try {
      if (req.method === 'POST' && url.pathname === '/crm/v3/objects/deals/search') {
        this.counts.search++;
        if (this.limited()) {
          this.counts.refused++;
          send(
            429,
            {
              ...ERROR_BASE,
              message: 'You have reached your secondly limit.',
              errorType: 'RATE_LIMIT',
              correlationId: randomUUID(),
              policyName: 'SECONDLY',
            },
            { 'retry-after': '1' },
          );
          return;
        }
        const out = this.search(JSON.parse(body || '{}'));
        send(out.status, out.body);
        return;
      }
      if (req.method === 'GET' && url.pathname === '/crm/v3/objects/deals') {
        this.counts.archived++;
        send(200, this.archived(url.searchParams));
        return;
      }
      if (req.method === 'GET' && url.pathname === '/crm/v3/owners') {
        this.counts.owners++;
        send(200, this.ownerPage(url.searchParams));
        return;
      }
      if (req.method === 'GET' && url.pathname === '/account-info/v3/details') {
        this.counts.account++;
        send(200, {
          portalId: 62515,
          accountType: 'STANDARD',
          timeZone: 'US/Eastern',
          companyCurrency: this.options.currency ?? 'USD',
          additionalCurrencies: [],
          utcOffset: '-05:00',
          utcOffsetMilliseconds: -18_000_000,
          uiDomain: 'app.hubspot.com',
          dataHostingLocation: 'na1',
        });
        return;
      }
      send(404, { ...ERROR_BASE, message: `Unable to infer object type from: ${url.pathname}`, category: 'OBJECT_NOT_FOUND' });
    } catch (err) {
      send(400, { ...ERROR_BASE, message: (err as Error).message, category: 'VALIDATION_ERROR', correlationId: randomUUID() });
    }
  }

  /** The search rate limit, per wall-clock second, and any storm asked for. */
  private limited(): boolean {
    if (this.storm > 0) {
      this.storm--;
      return true;
    }
    const second = Math.floor(Date.now() / 1000);
    if (second !== this.second) {
      this.second = second;
      this.inSecond = 0;
    }
    this.inSecond++;
    return this.inSecond > (this.options.searchPerSecond ?? 5);
  }

  private search(body: {
    filterGroups?: { filters?: { propertyName: string; operator: string; value?: string }[] }[];
    sorts?: (string | { propertyName: string; direction?: string })[];
    properties?: string[];
    limit?: number;
    after?: string;
  }): { status: number; body: unknown } {
    const limit = body.limit ?? 10;
    if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw new Error(`limit must be between 1 and 200 (was ${limit})`);
    const after = Number(body.after ?? 0);
    if (after + limit > SEARCH_CAP) {
      this.counts.beyondCap++;
      throw new Error(`Search results are limited to ${SEARCH_CAP} total results for any given query; after ${after} is beyond`);
    }
    const groups = body.filterGroups ?? [];
    if (groups.length > 5) throw new Error('At most 5 filterGroups are allowed');
    const matching = this.matching(groups, body.sorts?.[0]);
    const page = matching.slice(after, after + limit);
    const wanted = body.properties ?? ['createdate', 'hs_lastmodifieddate', 'hs_object_id'];
    const next = after + limit < matching.length ? { paging: { next: { after: String(after + limit) } } } : {};
    return {
      status: 200,
      body: { total: matching.length, results: page.map((d) => this.asObject(d, wanted)), ...next },
    };
  }

  /** Paging through one query reads the list it made on its first page, until a deal changes. */
  private matching(
    groups: readonly { filters?: { propertyName: string; operator: string; value?: string }[] }[],
    sort: string | { propertyName: string; direction?: string } | undefined,
  ): StandInDeal[] {
    const key = JSON.stringify([groups, sort]);
    if (this.cached?.key === key && this.cached.version === this.version) return this.cached.list;
    const list = [...this.deals.values()].filter(
      (d) => !d.archivedAt && (groups.length === 0 || groups.some((g) => (g.filters ?? []).every((f) => matches(propertiesOf(d), f)))),
    );
    const sortBy = typeof sort === 'string' ? { propertyName: sort, direction: 'ASCENDING' } : sort;
    if (sortBy && sortBy.propertyName !== 'hs_object_id') {
      const value = (d: StandInDeal) => comparable(sortBy.propertyName, propertiesOf(d)[sortBy.propertyName] ?? null);
      const dir = sortBy.direction === 'DESCENDING' ? -1 : 1;
      list.sort((a, b) => (value(a) < value(b) ? -dir : value(a) > value(b) ? dir : Number(a.id) - Number(b.id)));
    } else if (sortBy?.direction === 'DESCENDING') list.reverse();
    this.cached = { key, version: this.version, list };
    return list;
  }

  private archived(params: URLSearchParams): unknown {
    const limit = Math.min(100, Number(params.get('limit') ?? 10));
    const after = Number(params.get('after') ?? 0);
    const archived = params.get('archived') === 'true';
    const list = [...this.deals.values()].filter((d) => Boolean(d.archivedAt) === archived).sort((a, b) => Number(a.id) - Number(b.id));
    const wanted = (params.get('properties') ?? '').split(',').filter(Boolean);
    const page = list.slice(after, after + limit);
    const next = after + limit < list.length ? { paging: { next: { after: String(after + limit), link: '' } } } : {};
    return { results: page.map((d) => this.asObject(d, wanted)), ...next };
  }

  private ownerPage(params: URLSearchParams): unknown {
    const limit = Math.min(500, Number(params.get('limit') ?? 100));
    const after = Number(params.get('after') ?? 0);
    const email = params.get('email');
    const list = this.owners.filter((o) => !email || o.email.toLowerCase() === email.toLowerCase());
    const page = list.slice(after, after + limit);
    const next = after + limit < list.length ? { paging: { next: { after: String(after + limit), link: '' } } } : {};
    const stamp = '2026-01-05T09:00:00.000Z';
    return {
      results: page.map((o) => ({
        id: o.id,
        email: o.email,
        type: 'PERSON',
        firstName: o.firstName ?? '',
        lastName: o.lastName ?? '',
        userId: Number(o.id),
        userIdIncludingInactive: Number(o.id),
        createdAt: stamp,
        updatedAt: stamp,
        archived: false,
      })),
      ...next,
    };
  }

  private asObject(d: StandInDeal, wanted: readonly string[]): unknown {
    const all = propertiesOf(d);
    const properties: Record<string, string | null> = {};
    for (const p of new Set([...wanted, 'createdate', 'hs_lastmodifieddate', 'hs_object_id'])) properties[p] = all[p] ?? null;
    return {
      id: d.id,
      properties,
      createdAt: d.createdAt,
      updatedAt: d.updatedAt,
      archived: Boolean(d.archivedAt),
      ...(d.archivedAt ? { archivedAt: d.archivedAt } : {}),
    };
  }
}

/** A deal's properties as HubSpot returns them: every value a string (or null). */
function propertiesOf(d: StandInDeal): Record<string, string | null> {
  return {
    hs_object_id: d.id,
    hubspot_owner_id: d.ownerId,
    amount: d.amount === null ? null : String(d.amount),
    deal_currency_code: d.currency,
    createdate: d.createdAt,
    closedate: d.closeDate,
    dealstage: d.stage,
    hs_is_closed: String(d.stage !== 'open'),
    hs_is_closed_won: String(d.stage === 'closedwon'),
    hs_lastmodifieddate: d.updatedAt,
  };
}

const DATE_PROPERTIES = new Set(['createdate', 'closedate', 'hs_lastmodifieddate']);
const NUMBER_PROPERTIES = new Set(['hs_object_id', 'amount']);

/** Dates compare as instants (HubSpot takes epoch milliseconds or ISO), ids and amounts as numbers. */
function comparable(property: string, value: string | null): number | string {
  if (value === null) return Number.NEGATIVE_INFINITY;
  if (DATE_PROPERTIES.has(property)) return /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (NUMBER_PROPERTIES.has(property)) return Number(value);
  return value;
}

function matches(props: Record<string, string | null>, f: { propertyName: string; operator: string; value?: string }): boolean {
  const have = props[f.propertyName] ?? null;
  if (f.operator === 'HAS_PROPERTY') return have !== null;
  if (f.operator === 'NOT_HAS_PROPERTY') return have === null;
  if (have === null || f.value === undefined) return false;
  const a = comparable(f.propertyName, have);
  const b = comparable(f.propertyName, f.value);
  switch (f.operator) {
    case 'EQ':
      return a === b;
    case 'NEQ':
      return a !== b;
    case 'LT':
      return a < b;
    case 'LTE':
      return a <= b;
    case 'GT':
      return a > b;
    case 'GTE':
      return a >= b;
    default:
      throw new Error(`operator ${f.operator} is not supported here`);
  }
}
