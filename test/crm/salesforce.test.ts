import { goalsOf } from '../../src/accountability/goals';
import { crmSettings } from '../../src/crm/connections';
import { salesforceSource } from '../../src/crm/salesforce';
import { SalesforceStandIn } from '../../src/crm/stand-in/salesforce';
import { syncWorkspace, type SyncDeps } from '../../src/crm/sync';
import { scopeOf } from '../../src/org/policy';
import { days, hours } from '../../src/time/durations';
import { periodAround } from '../../src/time/periods';
import { useFixture } from '../support/cascade';
import { PEOPLE } from '../support/org-fixture';

/*
 * A quarter of Opportunities in Salesforce (the stand-in, over HTTP, through jsforce), synced once a day: created,
 * won, lost, moved between owners, changed after they were won, deleted (to the recycle bin, which `queryAll`
 * still returns) and, once, a day whose changes are more than the daily API allowance leaves: the sync stops at
 * the floor Cascade keeps for the org's other integrations and finishes the next day. The environment logs in
 * with a username and password, as `SALESFORCE_USERNAME`/`SALESFORCE_PASSWORD` say.
 */
const TOKEN = '00D000000000001!AQ4AQFakeSessionTokenForTheStandIn';
const now = { current: new Date('2026-10-01T06:00:00Z') };
const salesforce = new SalesforceStandIn({
  token: TOKEN,
  now: () => now.current,
  batchSize: 50,
  dailyLimit: 100_000,
  login: { username: 'ops@example.com', password: 'hunter2SECURITYTOKEN' },
});
const USERS = { raj: '005000000000011AAA', mia: '005000000000012AAA', ghost: '005000000000013AAA' };
const env: Record<string, string> = {};

beforeAll(async () => {
  await salesforce.start();
  salesforce.addUser(
    { Id: USERS.raj, Email: PEOPLE.raj.email, Name: 'Raj Patel' },
    { Id: USERS.mia, Email: PEOPLE.mia.email, Name: 'Mia Wong' },
    { Id: USERS.ghost, Email: 'ghost@example.com', Name: 'Gus Host' },
  );
  Object.assign(env, {
    SALESFORCE_LOGIN_URL: salesforce.url,
    SALESFORCE_USERNAME: 'ops@example.com',
    SALESFORCE_PASSWORD: 'hunter2SECURITYTOKEN',
  });
});
afterAll(() => salesforce.stop());

const f = useFixture({ now, env });

const deps = (): SyncDeps => ({
  db: f.db.db,
  now: () => now.current,
  log: f.app.log,
  settings: crmSettings({ provider: 'salesforce', instanceUrl: salesforce.url, accessToken: TOKEN }, undefined),
  sourceFor: () => salesforceSource({ instanceUrl: salesforce.url, accessToken: TOKEN }),
});

const say = async (userId: string, text: string) => {
  const { res, responseId } = await f.app.command(userId, text);
  expect(res.status).toBe(200);
  return (await f.app.reply(responseId)).text;
};

/** What Salesforce says on `day`: won Opportunities of the owner closed in the period, by amount. */
function wonAmount(ownerId: string, period: { start: string }, day: string): number {
  return salesforce
    .allOpportunities()
    .filter((o) => !o.IsDeleted && o.OwnerId === ownerId && o.IsWon && o.CloseDate >= period.start && o.CloseDate <= day)
    .reduce((s, o) => s + (o.Amount ?? 0), 0);
}

function rand(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    return s / 2_147_483_648;
  };
}

const standing = async (personId: string, name: string) =>
  (await goalsOf(await scopeOf(f.db.db, f.app.teamId, personId, [], now.current), personId)).find((s) => s.goal.name === name)!;

describe('Goals that follow Salesforce', () => {
  test('When the environment logs in with a username and password, then an admin’s sync reads the org and goals follow it', async () => {
    salesforce.createOpportunity({ OwnerId: USERS.raj, Amount: 2500, CloseDate: '2026-10-30' });
    now.current = new Date('2026-10-01T07:00:00Z');
    expect(await say(PEOPLE.admin.id, 'crm sync')).toMatch(/^Synced: 1 deal read, 0 deleted, 3 owners/);
    expect(salesforce.counts.login).toBe(1);
    for (const who of ['raj', 'mia'] as const)
      expect(
        await say(PEOPLE.ann.id, `goal set <@${PEOPLE[who].id}> "New bookings" 40000 USD monthly from crm closed_won_amount`),
      ).toContain('from the CRM');
    expect(await say(PEOPLE.ann.id, `goal set <@${PEOPLE.mia.id}> "Bookings EUR" 40000 EUR monthly from crm closed_won_amount`)).toContain(
      'deals are in USD',
    );
    const status = await say(PEOPLE.admin.id, 'crm status');
    expect(status).toContain('Salesforce (credentials from the environment): 1 deal, 3 owners.');
    expect(status).toMatch(/API allowance used today: \d+ of 100000\./);
  });

  test('When a quarter of Opportunities moves, then every goal equals what Salesforce says each day, and a day past the allowance finishes the next', async () => {
    const r = rand(11);
    const owners = [USERS.raj, USERS.mia, USERS.ghost];
    const pick = <T>(list: readonly T[]) => list[Math.floor(r() * list.length)]!;
    let stopped = 0;
    for (let day = 0; day < 92; day++) {
      now.current = new Date(Date.parse('2026-10-01T09:00:00Z') + days(day));
      const today = now.current.toISOString().slice(0, 10);
      salesforce.resetUsage();
      const burst = day === 40 ? 400 : Math.floor(r() * 4);
      for (let n = burst; n > 0; n--)
        salesforce.createOpportunity({ OwnerId: pick(owners), Amount: 500 + Math.floor(r() * 40) * 250, CloseDate: '2027-03-31' });
      for (const o of salesforce.allOpportunities().filter((x) => !x.IsDeleted && !x.IsClosed)) {
        const x = r();
        if (x < 0.08) salesforce.updateOpportunity(o.Id, { IsClosed: true, IsWon: true, CloseDate: today });
        else if (x < 0.12) salesforce.updateOpportunity(o.Id, { IsClosed: true, IsWon: false, CloseDate: today });
        else if (x < 0.15) salesforce.updateOpportunity(o.Id, { OwnerId: pick(owners) });
      }
      const won = salesforce.allOpportunities().filter((o) => !o.IsDeleted && o.IsWon);
      if (won.length > 0 && r() < 0.2) salesforce.updateOpportunity(pick(won).Id, { Amount: 777, OwnerId: pick(owners) });
      const live = salesforce.allOpportunities().filter((o) => !o.IsDeleted);
      if (live.length > 0 && r() < 0.15) salesforce.deleteOpportunity(pick(live).Id);
      now.current = new Date(now.current.getTime() + hours(3));
      // Day 40's 400 new Opportunities need more requests (batches of 50) than today's allowance leaves above the floor.
      if (day === 40) salesforce.used = 99_990 - 20_000;
      const report = await syncWorkspace(deps(), f.app.teamId);
      if (day === 40) {
        expect(report.outcome).toBe('stopped');
        expect(report.message).toContain('Cascade leaves the last 20% to the org');
        stopped++;
        continue;
      }
      expect([today, report.outcome]).toEqual([today, 'synced']);
      for (const [who, id] of [
        ['raj', USERS.raj],
        ['mia', USERS.mia],
      ] as const)
        expect([today, who, (await standing(PEOPLE[who].id, 'New bookings')).value]).toEqual([
          today,
          who,
          wonAmount(id, periodAround('month', today), today),
        ]);
    }
    expect(stopped).toBe(1);
  });
});
