import { sql } from 'kysely';
import { openWorkspace } from '../../src/checkins/cadences';
import { importOrgChart } from '../../src/org/import';
import { analyzeDaily } from '../../src/db/statistics';
import { createTestDb, type TestDb } from '../support/db';

/** Plans that do not depend on luck: the planning tables get statistics after an import and once a day. */
let db: TestDb;
const TEAM = 'T0STATS';

beforeAll(async () => {
  db = await createTestDb();
  await openWorkspace(db.db, TEAM, 'Stats', new Date('2026-11-01T00:00:00Z'));
});
afterAll(() => db?.close());

const estimated = async (table: string) =>
  Number((await sql<{ n: number }>`select reltuples::float8 as n from pg_class where relname = ${table}`.execute(db.db)).rows[0]!.n);

describe('Statistics for planning', () => {
  test('When an org chart is imported, then Postgres knows how many people there are without waiting for autovacuum', async () => {
    const lines = ['slack_user_id,name,role,manager', 'UCEO1,Casey,ceo,'];
    for (let m = 0; m < 5; m++) {
      lines.push(`UMGR${m},Manager ${m},manager,UCEO1`);
      for (let r = 0; r < 8; r++) lines.push(`UREP${m}X${r},Rep ${m}-${r},rep,UMGR${m}`);
    }
    expect(
      (
        await importOrgChart({ db: db.db, directory: null, now: new Date('2026-11-01T00:00:00Z') }, TEAM, lines.join('\n'), {
          dryRun: false,
        })
      ).ok,
    ).toBe(true);
    expect(await estimated('person')).toBe(46);
  });

  test('When ticks run, then the statistics are refreshed once a UTC day, not every minute', async () => {
    expect(await analyzeDaily(db.db, new Date('2026-11-02T00:00:00Z'))).toBe(true);
    expect(await analyzeDaily(db.db, new Date('2026-11-02T23:59:00Z'))).toBe(false);
    expect(await analyzeDaily(db.db, new Date('2026-11-03T00:01:00Z'))).toBe(true);
  });
});
