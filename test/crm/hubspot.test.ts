import { hubSpotSource } from '../../src/crm/hubspot';
import { syncDue, syncWorkspace, type SyncDeps } from '../../src/crm/sync';
import { goalsOf } from '../../src/accountability/goals';
import { crmSettings } from '../../src/crm/connections';
import type { CrmSource } from '../../src/crm/source';
import { HubSpotStandIn, type StandInDeal } from '../../src/crm/stand-in/hubspot';
import { scopeOf } from '../../src/org/policy';
import { periodAround } from '../../src/time/periods';
import { useFixture } from '../support/cascade';
import { days, hours, minutes } from '../../src/time/durations';
import { PEOPLE } from '../support/org-fixture';

/*
 * A quarter of a sales team's deals in HubSpot (the stand-in, over HTTP, through the SDK): deals created, won,
 * lost, re-assigned between owners, changed after they were won, and deleted. Cascade syncs once a day; after
 * each sync every goal that follows a CRM measure shows exactly what the CRM says that day. Requests come to
 * Cascade signed, as Slack sends them.
 */
const TOKEN = 'pat-na1-11111111-2222-3333-4444-555555555555';
const now = { current: new Date('2026-10-01T06:00:00Z') };
const hubspot = new HubSpotStandIn({ token: TOKEN, now: () => now.current, searchPerSecond: 1000 });
const OWNERS = { raj: '501', mia: '502', ghost: '503' };
const env: Record<string, string> = {};

beforeAll(async () => {
  await hubspot.start();
  hubspot.addOwner(
    { id: OWNERS.raj, email: PEOPLE.raj.email, firstName: 'Raj', lastName: 'Patel' },
    { id: OWNERS.mia, email: 'MIA@example.com', firstName: 'Mia', lastName: 'Wong' },
    { id: OWNERS.ghost, email: 'ghost@example.com', firstName: 'Gus', lastName: 'Host' },
  );
  Object.assign(env, { HUBSPOT_ACCESS_TOKEN: TOKEN, HUBSPOT_API_URL: hubspot.url });
});
afterAll(() => hubspot.stop());

const f = useFixture({ now, env });

const settings = () => crmSettings({ provider: 'hubspot', accessToken: TOKEN, baseUrl: hubspot.url }, undefined);
const deps = (source?: (base: CrmSource) => CrmSource): SyncDeps => ({
  db: f.db.db,
  now: () => now.current,
  log: f.app.log,
  settings: settings(),
  sourceFor: async () => {
    const base = await hubSpotSource({ accessToken: TOKEN, baseUrl: hubspot.url, searchPerSecond: 1000, sdkRetries: 0 });
    return source ? source(base) : base;
  },
});

const say = async (userId: string, text: string) => {
  const { res, responseId } = await f.app.command(userId, text);
  expect(res.status).toBe(200);
  return (await f.app.reply(responseId)).text;
};

type Measure = 'closed_won_amount' | 'closed_won_count' | 'pipeline_created' | 'open_pipeline';

/** What HubSpot says on `day` for an owner: the truth each goal is held to. */
function truth(ownerId: string, measure: Measure, period: { start: string }, day: string): number {
  const live = hubspot.allDeals().filter((d) => !d.archivedAt && d.ownerId === ownerId && d.currency === 'USD');
  const dayOf = (iso: string | null) => (iso ? iso.slice(0, 10) : null);
  const inPeriod = (iso: string | null) => iso !== null && dayOf(iso)! >= period.start && dayOf(iso)! <= day;
  const won = live.filter((d) => d.stage === 'closedwon' && inPeriod(d.closeDate));
  switch (measure) {
    case 'closed_won_amount':
      return won.reduce((s, d) => s + (d.amount ?? 0), 0);
    case 'closed_won_count':
      return won.length;
    case 'pipeline_created':
      return live.filter((d) => inPeriod(d.createdAt)).reduce((s, d) => s + (d.amount ?? 0), 0);
    case 'open_pipeline':
      return live
        .filter((d) => dayOf(d.createdAt)! <= day && (d.stage === 'open' || dayOf(d.closeDate)! > day))
        .reduce((s, d) => s + (d.amount ?? 0), 0);
  }
}

const GOALS: { who: keyof typeof OWNERS & ('raj' | 'mia'); name: string; measure: Measure; period: 'week' | 'month' | 'quarter' }[] = [
  { who: 'raj', name: 'New bookings', measure: 'closed_won_amount', period: 'month' },
  { who: 'mia', name: 'New bookings', measure: 'closed_won_amount', period: 'month' },
  { who: 'mia', name: 'Deals won', measure: 'closed_won_count', period: 'week' },
  { who: 'raj', name: 'Pipeline created', measure: 'pipeline_created', period: 'quarter' },
  { who: 'mia', name: 'Open pipeline', measure: 'open_pipeline', period: 'month' },
];

/** A small deterministic random: the same quarter every run. */
function rand(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    return s / 2_147_483_648;
  };
}

const standings = async (personId: string) => goalsOf(await scopeOf(f.db.db, f.app.teamId, personId, [], now.current), personId);

describe('Goals that follow HubSpot', () => {
  test('When leaders set goals from the CRM, then a goal in EUR over USD deals is refused and typed progress is refused', async () => {
    // One deal, made before the sync reads, so that the CRM's currency is known.
    hubspot.createDeal({ ownerId: OWNERS.raj, amount: 1000, stage: 'open' });
    now.current = new Date('2026-10-01T07:00:00Z');
    expect(await say(PEOPLE.admin.id, 'crm sync')).toMatch(/^Synced: 1 deal read, 0 deleted, 3 owners/);
    for (const g of GOALS) {
      const target = g.measure === 'closed_won_count' ? '5 count' : '60000 USD';
      const period = { week: 'weekly', month: 'monthly', quarter: 'quarterly' }[g.period];
      const reply = await say(PEOPLE.ann.id, `goal set <@${PEOPLE[g.who].id}> "${g.name}" ${target} ${period} from crm ${g.measure}`);
      expect(reply).toContain(`Its numbers come from the CRM (${g.measure})`);
    }
    expect(await say(PEOPLE.ann.id, `goal set <@${PEOPLE.ann.id}> team "New bookings" 120000 USD monthly`)).toContain('Goal set');
    expect(await say(PEOPLE.bob.id, `goal set <@${PEOPLE.leo.id}> "New bookings" 30000 USD monthly from crm closed_won_amount`)).toContain(
      'from the CRM',
    );
    expect(await say(PEOPLE.ann.id, `goal set <@${PEOPLE.raj.id}> "Euro bookings" 50000 EUR monthly from crm closed_won_amount`)).toContain(
      'deals are in USD; a goal in EUR would need a conversion Cascade does not make',
    );
    expect(await say(PEOPLE.ann.id, `goal set <@${PEOPLE.raj.id}> "Won" 50000 USD monthly from crm closed_won_count`)).toContain(
      'closed_won_count counts deals',
    );
    expect(await say(PEOPLE.ann.id, `goal set <@${PEOPLE.raj.id}> "Won" 5 count monthly from crm bookings`)).toContain('is not a source');
    expect(await say(PEOPLE.raj.id, 'progress "New bookings" 45000')).toContain(
      '"New bookings" follows closed_won_amount in the CRM: its numbers come from there',
    );
    expect(await say(PEOPLE.raj.id, 'crm sync')).toContain('Only Cascade admins can sync the CRM');
  });

  test('When a quarter of deals is created, won, lost, moved and deleted, then every goal equals what HubSpot says each day', async () => {
    const r = rand(7);
    const owners = [OWNERS.raj, OWNERS.mia, OWNERS.ghost];
    const pick = <T>(list: readonly T[]) => list[Math.floor(r() * list.length)]!;
    const open = () => hubspot.allDeals().filter((d) => !d.archivedAt && d.stage === 'open');
    let checked = 0;
    for (let day = 0; day < 92; day++) {
      now.current = new Date(Date.parse('2026-10-01T09:00:00Z') + days(day));
      const today = now.current.toISOString().slice(0, 10);
      for (let n = Math.floor(r() * 4); n > 0; n--) hubspot.createDeal({ ownerId: pick(owners), amount: 500 + Math.floor(r() * 40) * 250 });
      for (const d of open()) {
        const x = r();
        if (x < 0.08) hubspot.updateDeal(d.id, { stage: 'closedwon', closeDate: `${today}T00:00:00.000Z` });
        else if (x < 0.12) hubspot.updateDeal(d.id, { stage: 'closedlost', closeDate: `${today}T00:00:00.000Z` });
        else if (x < 0.15) hubspot.updateDeal(d.id, { ownerId: pick(owners) });
        else if (x < 0.17) hubspot.updateDeal(d.id, { amount: (d.amount ?? 0) + 1000 });
      }
      const won = hubspot.allDeals().filter((d: StandInDeal) => !d.archivedAt && d.stage === 'closedwon');
      if (won.length > 0 && r() < 0.2) hubspot.updateDeal(pick(won).id, { amount: 777, ownerId: pick(owners) });
      if (r() < 0.15 && hubspot.allDeals().some((d) => !d.archivedAt))
        hubspot.archiveDeal(pick(hubspot.allDeals().filter((d) => !d.archivedAt)).id);
      now.current = new Date(now.current.getTime() + hours(3));
      const report = await syncWorkspace(deps(), f.app.teamId);
      expect(report.outcome).toBe('synced');
      for (const g of GOALS) {
        const s = (await standings(PEOPLE[g.who].id)).find((x) => x.goal.name === g.name && x.goal.scope === 'person')!;
        expect([today, g.name, g.who, s.value]).toEqual([
          today,
          g.name,
          g.who,
          truth(OWNERS[g.who], g.measure, periodAround(g.period, today), today),
        ]);
        checked++;
      }
      const team = (await standings(PEOPLE.ann.id)).find((x) => x.goal.scope === 'team')!;
      const month = periodAround('month', today);
      expect([today, team.value]).toEqual([
        today,
        truth(OWNERS.raj, 'closed_won_amount', month, today) + truth(OWNERS.mia, 'closed_won_amount', month, today),
      ]);
    }
    expect(checked).toBe(92 * GOALS.length);
    // Seen by the leader over signed HTTP, in Slack's words.
    const reply = await say(PEOPLE.ann.id, `goals <@${PEOPLE.mia.id}>`);
    expect(reply).toContain('*New bookings* (from the CRM)');
  });

  test('When the owner with no person and the person with no owner are asked about, then the status names both, never guessed', async () => {
    const text = await say(PEOPLE.admin.id, 'crm status');
    expect(text).toContain('HubSpot (credentials from the environment)');
    expect(text).toMatch(
      /Owners with no person of their email \(their deals count for nobody\): Gus Host &lt;ghost@example\.com&gt; \(\d+ deals\)/,
    );
    expect(text).toContain(
      'People with goals from the CRM and no owner of their email (their goals stay at zero): Leo Park &lt;leo@example.com&gt;',
    );
    expect(await say(PEOPLE.ann.id, 'crm status')).toContain('Only Cascade admins can see the CRM connection');
  });

  test('When a sync dies half-way, then the next one resumes after the last page it kept and nothing is counted twice', async () => {
    now.current = new Date('2027-01-04T08:59:00Z');
    for (let i = 0; i < 450; i++)
      hubspot.createDeal({ ownerId: OWNERS.raj, amount: 100, stage: 'closedwon', closeDate: '2027-01-04T00:00:00.000Z' });
    now.current = new Date('2027-01-04T09:00:00Z');
    // The first sync's process dies after its first page: the page is kept, the lease is held until it runs out.
    let pages = 0;
    const dying = syncWorkspace(
      deps((base) => ({
        ...base,
        modified: async function* (from, to, after) {
          for await (const page of base.modified(from, to, after)) {
            yield page;
            if (++pages === 1) await new Promise<never>(() => {});
          }
        },
      })),
      f.app.teamId,
    );
    void dying;
    await waitFor(async () => {
      const c = await f.db.db.selectFrom('crm_connection').select('window_after').executeTakeFirstOrThrow();
      return c.window_after !== null;
    });
    expect((await syncWorkspace(deps(), f.app.teamId)).outcome).toBe('busy');
    now.current = new Date(now.current.getTime() + minutes(11));
    const resumed = await syncWorkspace(deps(), f.app.teamId);
    expect(resumed.outcome).toBe('synced');
    // The rest of the dead sync's window (250), then a window up to now, which reads the last five minutes again.
    expect(resumed.deals).toBe(450 - 200 + 450);
    const s = (await standings(PEOPLE.raj.id)).find((x) => x.goal.name === 'New bookings')!;
    expect(s.value).toBe(truth(OWNERS.raj, 'closed_won_amount', periodAround('month', '2027-01-04'), '2027-01-04'));
    expect(s.value).toBe(45_000);
  });

  test('When one window holds more than the search API’s 10,000 results, then every deal is still read', async () => {
    now.current = new Date('2027-01-05T09:00:00Z');
    for (let i = 0; i < 10_450; i++)
      hubspot.createDeal({ ownerId: OWNERS.mia, amount: 10, stage: 'closedwon', closeDate: '2027-01-05T00:00:00.000Z' });
    now.current = new Date('2027-01-05T10:00:00Z');
    const searches = hubspot.counts.search;
    const report = await syncWorkspace(deps(), f.app.teamId);
    expect(report.deals).toBe(10_450);
    expect(hubspot.counts.beyondCap).toBe(0);
    expect(hubspot.counts.search - searches).toBeGreaterThanOrEqual(Math.ceil(10_450 / 200));
    const kept = await f.db.db
      .selectFrom('crm_deal')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('owner_id', '=', OWNERS.mia)
      .where('closed_on', '=', '2027-01-05')
      .executeTakeFirstOrThrow();
    expect(Number(kept.n)).toBe(10_450);
    const s = (await standings(PEOPLE.mia.id)).find((x) => x.goal.name === 'New bookings')!;
    expect(s.value).toBe(truth(OWNERS.mia, 'closed_won_amount', periodAround('month', '2027-01-05'), '2027-01-05'));
  });

  test('When HubSpot answers a storm of 429s, then the sync waits as Retry-After says and finishes', async () => {
    now.current = new Date('2027-01-06T09:00:00Z');
    for (let i = 0; i < 30; i++)
      hubspot.createDeal({ ownerId: OWNERS.raj, amount: 50, stage: 'closedwon', closeDate: '2027-01-06T00:00:00.000Z' });
    const waits: number[] = [];
    const refusedBefore = hubspot.counts.refused;
    hubspot.refuseNext(6);
    now.current = new Date('2027-01-06T10:00:00Z');
    const report = await syncWorkspace(
      {
        ...deps(),
        sourceFor: () =>
          hubSpotSource({
            accessToken: TOKEN,
            baseUrl: hubspot.url,
            searchPerSecond: 1000,
            sdkRetries: 0,
            sleep: async (ms) => {
              waits.push(ms);
            },
          }),
      },
      f.app.teamId,
    );
    expect(report.outcome).toBe('synced');
    expect(report.deals).toBe(30);
    expect(hubspot.counts.refused - refusedBefore).toBe(6);
    expect(waits).toEqual([1000, 1000, 1000, 1000, 1000, 1000]);
  });

  test('When a deal is erased for good in HubSpot, then only a full sync notices, and it counts no more', async () => {
    now.current = new Date('2027-01-06T10:10:00Z');
    const gone = hubspot
      .allDeals()
      .find((d) => d.ownerId === OWNERS.raj && d.stage === 'closedwon' && d.closeDate?.startsWith('2027-01-06'))!;
    hubspot.eraseDeal(gone.id);
    const value = async () => (await standings(PEOPLE.raj.id)).find((x) => x.goal.name === 'New bookings')!.value;
    const before = await value();
    now.current = new Date('2027-01-06T10:20:00Z');
    // An incremental sync reads what changed; a deal that vanished without a trace is not among it.
    expect((await syncWorkspace(deps(), f.app.teamId)).deleted).toBe(0);
    expect(await value()).toBe(before);
    now.current = new Date('2027-01-06T10:30:00Z');
    const full = await syncWorkspace(deps(), f.app.teamId, { full: true });
    expect(full.deleted).toBe(1);
    expect(await value()).toBe(before - (gone.amount ?? 0));
    expect(await value()).toBe(truth(OWNERS.raj, 'closed_won_amount', periodAround('month', '2027-01-06'), '2027-01-06'));
  });

  test('When the hour comes, then a workspace synced within the hour waits and one due is synced', async () => {
    now.current = new Date('2027-01-06T11:00:00Z');
    expect(await syncDue(deps())).toEqual([]);
    now.current = new Date('2027-01-06T11:35:00Z');
    const reports = await syncDue(deps());
    expect(reports.map((r) => [r.teamId, r.outcome])).toEqual([[f.app.teamId, 'synced']]);
  });
});

async function waitFor(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('never happened');
}
