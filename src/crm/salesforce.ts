import { amountOf, CrmStop, dayOf, type CrmDealRecord, type CrmSource } from './source';

/**
 * Salesforce through its official library (`jsforce`), loaded on first use: an access token and its instance
 * URL, or a username and password (+ security token) at the login URL. Opportunities come by SOQL through
 * `queryAll` (which also returns the deleted ones, `IsDeleted`), in Id order, following `nextRecordsUrl`;
 * owners are the org's users, matched by email. Each answer says how much of the org's daily API allowance is
 * used (`Sforce-Limit-Info`): Cascade stops before it leaves less than a floor of it to the org's other
 * integrations, keeps its place, and resumes at the next sync.
 */
interface SalesforceOptions {
  readonly instanceUrl?: string;
  readonly accessToken?: string;
  readonly loginUrl?: string;
  readonly username?: string;
  readonly password?: string;
}

const VERSION = '62.0';
/** The share of the daily API allowance Cascade never uses: it is the org's other integrations'. */
const FLOOR = 0.2;

type Connection = import('jsforce').Connection;
interface QueryPage<T> {
  readonly records: T[];
  readonly done: boolean;
  readonly nextRecordsUrl?: string;
}

interface Opportunity {
  Id: string;
  OwnerId: string | null;
  Amount: number | null;
  CurrencyIsoCode?: string;
  CreatedDate: string;
  CloseDate: string | null;
  IsClosed: boolean;
  IsWon: boolean;
  IsDeleted: boolean;
  SystemModstamp: string;
}

export async function salesforceSource(options: SalesforceOptions): Promise<CrmSource> {
  const { Connection } = await import('jsforce');
  const conn: Connection = options.accessToken
    ? new Connection({ instanceUrl: options.instanceUrl, accessToken: options.accessToken, version: VERSION })
    : new Connection({ loginUrl: options.loginUrl ?? 'https://login.salesforce.com', version: VERSION });
  if (!options.accessToken) {
    try {
      await conn.login(options.username ?? '', options.password ?? '');
    } catch (err) {
      throw new CrmStop(`Salesforce refused the login: ${(err as Error).message}`);
    }
  }
  const usage = () => {
    const u = (conn.limitInfo as { apiUsage?: { used: number; limit: number } }).apiUsage;
    return u ? { used: u.used, limit: u.limit } : null;
  };
  const guarded = async <T>(call: () => Promise<T>): Promise<T> => {
    const u = usage();
    if (u && u.used >= u.limit * (1 - FLOOR))
      throw new CrmStop(
        `Salesforce's daily API allowance is at ${u.used} of ${u.limit}; Cascade leaves the last ${FLOOR * 100}% to the org's other integrations and resumes when it refills`,
      );
    try {
      return await call();
    } catch (err) {
      const code = (err as { errorCode?: string; name?: string }).errorCode ?? (err as { name?: string }).name;
      if (code === 'INVALID_SESSION_ID')
        throw new CrmStop('Salesforce refused the access token (INVALID_SESSION_ID): renew it, or `cascade crm connect salesforce`');
      if (code === 'REQUEST_LIMIT_EXCEEDED')
        throw new CrmStop("Salesforce's daily API allowance is used up; the sync resumes when it refills");
      throw err;
    }
  };
  /** Every page of a SOQL query, following `nextRecordsUrl`. */
  async function* pages<T>(soql: string, all: boolean): AsyncIterable<T[]> {
    let page = (await guarded(
      () => conn.query(soql, { scanAll: all, autoFetch: false }) as unknown as Promise<QueryPage<T>>,
    )) as QueryPage<T>;
    for (;;) {
      if (page.records.length > 0) yield page.records;
      if (page.done || !page.nextRecordsUrl) return;
      const next = page.nextRecordsUrl;
      page = (await guarded(() => conn.queryMore(next) as unknown as Promise<QueryPage<T>>)) as QueryPage<T>;
    }
  }
  let multiCurrency: boolean | undefined;
  const hasCurrencies = async () => {
    if (multiCurrency === undefined) {
      const d = await guarded(() => conn.sobject('Opportunity').describe());
      multiCurrency = d.fields.some((f) => f.name === 'CurrencyIsoCode');
    }
    return multiCurrency;
  };
  return {
    provider: 'salesforce',
    async currency() {
      for await (const rows of pages<{ DefaultCurrencyIsoCode: string }>('SELECT DefaultCurrencyIsoCode FROM Organization', false))
        return rows[0]?.DefaultCurrencyIsoCode ?? null;
      return null;
    },
    async *owners() {
      for await (const rows of pages<{ Id: string; Email: string | null; Name: string }>(
        'SELECT Id, Name, Email FROM User ORDER BY Id',
        false,
      ))
        yield rows.map((u) => ({ id: u.Id, email: u.Email, name: u.Name ?? '' }));
    },
    async *modified(from, to, after) {
      const fields = ['Id', 'OwnerId', 'Amount', 'CreatedDate', 'CloseDate', 'IsClosed', 'IsWon', 'IsDeleted', 'SystemModstamp'];
      if (await hasCurrencies()) fields.push('CurrencyIsoCode');
      const where = [
        ...(from ? [`SystemModstamp >= ${from.toISOString()}`] : []),
        `SystemModstamp < ${to.toISOString()}`,
        ...(after ? [`Id > '${after.replace(/[^A-Za-z0-9]/g, '')}'`] : []),
      ];
      const soql = `SELECT ${fields.join(', ')} FROM Opportunity WHERE ${where.join(' AND ')} ORDER BY Id`;
      for await (const rows of pages<Opportunity>(soql, true)) yield rows.map(dealOf);
    },
    // queryAll returns the deleted ones with the rest.
    deletedIds: async function* () {},
    usage,
  };
}

function dealOf(o: Opportunity): CrmDealRecord {
  return {
    id: o.Id,
    ownerId: o.OwnerId,
    amount: amountOf(o.Amount),
    currency: o.CurrencyIsoCode ?? null,
    createdOn: dayOf(o.CreatedDate)!,
    closedOn: o.IsClosed ? dayOf(o.CloseDate) : null,
    isClosed: o.IsClosed,
    isWon: o.IsWon,
    modifiedAt: new Date(Date.parse(o.SystemModstamp)),
    deleted: o.IsDeleted,
  };
}
