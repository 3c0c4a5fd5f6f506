import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoopbackStandIn } from '../../stand-in';
import { systemClock } from '../../time/clock';

/*
 * A stand-in for the parts of Salesforce's REST API that Cascade reads, shaped from Salesforce's documented
 * contract: SOQL through `/services/data/vXX.X/query` and `/queryAll` (which also returns deleted records,
 * `IsDeleted = true`), batches of up to 2,000 records with `nextRecordsUrl` to follow, `sobjects/Opportunity/
 * describe`, and the SOAP `login` (username and password+security token). Every REST answer carries the org's
 * daily allowance in `Sforce-Limit-Info: api-usage=N/M`; past it, 403 `REQUEST_LIMIT_EXCEEDED`. A wrong token is
 * 401 `INVALID_SESSION_ID`. It understands the SOQL Cascade writes (fields, one FROM, ANDed comparisons, ORDER
 * BY one field), not the whole language. Used by the tests, the bench and the sandbox.
 */

interface StandInOpportunity {
  readonly Id: string;
  OwnerId: string | null;
  Amount: number | null;
  CurrencyIsoCode: string;
  /** ISO instant. */
  CreatedDate: string;
  /** A date (YYYY-MM-DD): the expected one until the deal closes, then the day it closed. */
  CloseDate: string;
  IsClosed: boolean;
  IsWon: boolean;
  IsDeleted: boolean;
  SystemModstamp: string;
}

interface StandInUser {
  readonly Id: string;
  readonly Email: string;
  readonly Name: string;
}

interface Options {
  readonly token: string;
  readonly now?: () => Date;
  /** The org's daily API request allowance (Enterprise Edition starts at 100,000). */
  readonly dailyLimit?: number;
  readonly currency?: string;
  /** The org has multi-currency on (each Opportunity has CurrencyIsoCode). */
  readonly multiCurrency?: boolean;
  /** Records per batch (Salesforce: 2,000 by default). */
  readonly batchSize?: number;
  readonly login?: { readonly username: string; readonly password: string };
}

const ORG_ID = '00D000000000001EAA';

export class SalesforceStandIn extends LoopbackStandIn {
  private readonly opportunities = new Map<string, StandInOpportunity>();
  private readonly users: StandInUser[] = [];
  private next = 1;
  private readonly cursors = new Map<string, { records: unknown[]; offset: number }>();
  private cursorCount = 0;
  /** API requests made today (each REST call counts, as Salesforce counts them). */
  used = 0;
  readonly counts = { query: 0, more: 0, login: 0 };

  constructor(private readonly options: Options) {
    super();
  }

  private now(): string {
    return (this.options.now ?? systemClock.now)().toISOString();
  }

  addUser(...users: StandInUser[]): this {
    this.users.push(...users);
    return this;
  }

  createOpportunity(o: {
    OwnerId: string | null;
    Amount: number | null;
    CloseDate: string;
    CurrencyIsoCode?: string;
    CreatedDate?: string;
  }): StandInOpportunity {
    const Id = `006${String(this.next++).padStart(12, '0')}AAA`;
    const now = this.now();
    const record: StandInOpportunity = {
      Id,
      OwnerId: o.OwnerId,
      Amount: o.Amount,
      CurrencyIsoCode: o.CurrencyIsoCode ?? this.options.currency ?? 'USD',
      CreatedDate: o.CreatedDate ?? now,
      CloseDate: o.CloseDate,
      IsClosed: false,
      IsWon: false,
      IsDeleted: false,
      SystemModstamp: now,
    };
    this.opportunities.set(Id, record);
    return record;
  }

  updateOpportunity(id: string, changes: Partial<Omit<StandInOpportunity, 'Id' | 'SystemModstamp' | 'IsDeleted'>>): StandInOpportunity {
    const o = this.opportunities.get(id);
    if (!o || o.IsDeleted) throw new Error(`no live opportunity ${id}`);
    Object.assign(o, changes, { SystemModstamp: this.now() });
    return o;
  }

  /** Deleting moves a record to the recycle bin: `query` no longer returns it, `queryAll` does, with IsDeleted. */
  deleteOpportunity(id: string): void {
    const o = this.opportunities.get(id);
    if (!o) throw new Error(`no opportunity ${id}`);
    o.IsDeleted = true;
    o.SystemModstamp = this.now();
  }

  allOpportunities(): readonly StandInOpportunity[] {
    return [...this.opportunities.values()];
  }

  /** A new day: the allowance starts again. */
  resetUsage(): void {
    this.used = 0;
  }

  protected async handle(req: IncomingMessage, body: string, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const limit = this.options.dailyLimit ?? 100_000;
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', 'sforce-limit-info': `api-usage=${this.used}/${limit}` });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'POST' && /^\/services\/Soap\/u\/[\d.]+$/.test(url.pathname)) {
      this.login(body, res);
      return;
    }
    if (req.headers.authorization !== `Bearer ${this.options.token}`) {
      send(401, [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
      return;
    }
    if (this.used >= limit) {
      send(403, [{ message: `TotalRequests Limit exceeded.`, errorCode: 'REQUEST_LIMIT_EXCEEDED' }]);
      return;
    }
    this.used++;
    const m = /^\/services\/data\/v[\d.]+\/(.+)$/.exec(url.pathname);
    const path = m?.[1] ?? '';
    try {
      if (path === 'query' || path === 'queryAll') {
        this.counts.query++;
        send(200, this.query(url.searchParams.get('q') ?? '', path === 'queryAll'));
      } else if (/^(query|queryAll)\/[\w-]+$/.test(path)) {
        this.counts.more++;
        const more = this.more(path.split('/')[1]!);
        if (more) send(200, more);
        else send(400, [{ message: 'invalid query locator', errorCode: 'INVALID_QUERY_LOCATOR' }]);
      } else if (path === 'sobjects/Opportunity/describe') {
        const fields = ['Id', 'OwnerId', 'Amount', 'CreatedDate', 'CloseDate', 'IsClosed', 'IsWon', 'IsDeleted', 'SystemModstamp'];
        if (this.options.multiCurrency) fields.push('CurrencyIsoCode');
        send(200, { name: 'Opportunity', fields: fields.map((name) => ({ name })) });
      } else send(404, [{ message: 'The requested resource does not exist', errorCode: 'NOT_FOUND' }]);
    } catch (err) {
      send(400, [{ message: (err as Error).message, errorCode: 'MALFORMED_QUERY' }]);
    }
  }

  private login(body: string, res: ServerResponse): void {
    this.counts.login++;
    const read = (tag: string) => new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(body)?.[1];
    const ok = this.options.login && read('username') === this.options.login.username && read('password') === this.options.login.password;
    res.writeHead(ok ? 200 : 500, { 'content-type': 'text/xml;charset=UTF-8' });
    res.end(
      ok
        ? `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><loginResponse><result><metadataServerUrl>${this.url}/services/Soap/m/62.0/${ORG_ID}</metadataServerUrl><passwordExpired>false</passwordExpired><sandbox>false</sandbox><serverUrl>${this.url}/services/Soap/u/62.0/${ORG_ID}</serverUrl><sessionId>${this.options.token}</sessionId><userId>005000000000001AAA</userId><userInfo><organizationId>${ORG_ID}</organizationId></userInfo></result></loginResponse></soapenv:Body></soapenv:Envelope>`
        : '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><soapenv:Fault><faultcode>INVALID_LOGIN</faultcode><faultstring>INVALID_LOGIN: Invalid username, password, security token; or user locked out.</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>',
    );
  }

  private query(soql: string, all: boolean): unknown {
    const q = parseSoql(soql);
    let rows: Record<string, unknown>[];
    if (q.from === 'Opportunity') {
      rows = [...this.opportunities.values()].filter((o) => all || !o.IsDeleted).map((o) => ({ ...o }));
      if (!this.options.multiCurrency && q.fields.includes('CurrencyIsoCode'))
        throw new Error("No such column 'CurrencyIsoCode' on entity 'Opportunity'.");
    } else if (q.from === 'User') rows = this.users.map((u) => ({ ...u }));
    else if (q.from === 'Organization') rows = [{ Id: ORG_ID, DefaultCurrencyIsoCode: this.options.currency ?? 'USD' }];
    else throw new Error(`sObject type '${q.from}' is not supported.`);
    rows = rows.filter((r) => q.where.every((c) => compare(r[c.field], c.op, c.value)));
    if (q.orderBy) {
      const f = q.orderBy;
      rows.sort((a, b) => (String(a[f]) < String(b[f]) ? -1 : String(a[f]) > String(b[f]) ? 1 : 0));
    }
    if (q.limit !== undefined) rows = rows.slice(0, q.limit);
    const records = rows.map((r) => {
      const out: Record<string, unknown> = { attributes: { type: q.from, url: `/services/data/v62.0/sobjects/${q.from}/${r.Id}` } };
      for (const f of q.fields) out[f] = r[f] ?? null;
      return out;
    });
    return this.batch(records, 0);
  }

  private batch(records: unknown[], offset: number): unknown {
    const size = this.options.batchSize ?? 2000;
    const page = records.slice(offset, offset + size);
    const done = offset + size >= records.length;
    let nextRecordsUrl: string | undefined;
    if (!done) {
      const locator = `01g${String(++this.cursorCount).padStart(12, '0')}-${offset + size}`;
      this.cursors.set(locator, { records, offset: offset + size });
      nextRecordsUrl = `/services/data/v62.0/query/${locator}`;
    }
    return { totalSize: records.length, done, records: page, ...(nextRecordsUrl ? { nextRecordsUrl } : {}) };
  }

  private more(locator: string): unknown {
    const cursor = this.cursors.get(locator);
    if (!cursor) return null;
    this.cursors.delete(locator);
    return this.batch(cursor.records, cursor.offset);
  }
}

interface Soql {
  fields: string[];
  from: string;
  where: { field: string; op: string; value: string | number | boolean | null }[];
  orderBy?: string;
  limit?: number;
}

/** The SOQL Cascade writes: SELECT a, b FROM X [WHERE c op v [AND …]] [ORDER BY f [ASC]] [LIMIT n]. */
function parseSoql(soql: string): Soql {
  const m = /^\s*SELECT\s+(.+?)\s+FROM\s+(\w+)(?:\s+WHERE\s+(.+?))?(?:\s+ORDER\s+BY\s+(\w+)(?:\s+ASC)?)?(?:\s+LIMIT\s+(\d+))?\s*$/i.exec(
    soql,
  );
  if (!m) throw new Error(`unexpected token in: ${soql}`);
  const where = (m[3] ?? '')
    .split(/\s+AND\s+/i)
    .filter(Boolean)
    .map((c) => {
      const x = /^(\w+)\s*(>=|<=|!=|=|>|<)\s*(.+)$/.exec(c.trim());
      if (!x) throw new Error(`unexpected condition: ${c}`);
      const raw = x[3]!.trim();
      const value = /^'.*'$/.test(raw)
        ? raw.slice(1, -1).replace(/\\'/g, "'")
        : raw === 'true'
          ? true
          : raw === 'false'
            ? false
            : raw === 'null'
              ? null
              : raw;
      return { field: x[1]!, op: x[2]!, value };
    });
  return {
    fields: m[1]!.split(',').map((f) => f.trim()),
    from: m[2]!,
    where,
    ...(m[4] ? { orderBy: m[4] } : {}),
    ...(m[5] ? { limit: Number(m[5]) } : {}),
  };
}

/** Dates and instants compare as instants; everything else as written. */
function compare(have: unknown, op: string, want: string | number | boolean | null): boolean {
  let a: unknown = have;
  let b: unknown = want;
  if (typeof want === 'string' && /^\d{4}-\d{2}-\d{2}(T|$)/.test(want) && typeof have === 'string') {
    a = Date.parse(have);
    b = Date.parse(want);
  }
  switch (op) {
    case '=':
      return a === b;
    case '!=':
      return a !== b;
    case '>':
      return (a as number) > (b as number);
    case '>=':
      return (a as number) >= (b as number);
    case '<':
      return (a as number) < (b as number);
    case '<=':
      return (a as number) <= (b as number);
    default:
      return false;
  }
}
