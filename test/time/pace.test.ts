import { sql } from 'kysely';
import { addDays } from '../../src/time/calendar';
import { earlyStretchEnd, expectedPace, expectedPaceSql, periodAround, type PeriodKind } from '../../src/time/periods';
import { createTestDb, type TestDb } from '../support/db';

let db: TestDb;
beforeAll(async () => {
  db = await createTestDb();
});
afterAll(() => db?.close());

const SPAN: Record<PeriodKind, string> = { week: '1 week', month: '1 month', quarter: '3 months' };

describe('Time has one home', () => {
  test('When pace is computed in TypeScript and in SQL, then they agree on every day of weeks, months and quarters, leap years included', async () => {
    const days: string[] = [];
    for (let d = '2027-12-25'; d <= '2028-04-05'; d = addDays(d, 1)) days.push(d);
    for (const kind of ['week', 'month', 'quarter'] as const) {
      for (const day of days) {
        const period = periodAround(kind, day);
        const inSql = await sql<{
          pace: number;
        }>`select ${expectedPaceSql(sql`${period.start}::date`, sql`${SPAN[kind]}::interval`, day)} as pace`.execute(db.db);
        expect([kind, day, Number(inSql.rows[0]!.pace).toFixed(10)]).toEqual([kind, day, expectedPace(period, day).toFixed(10)]);
      }
    }
  });

  test('When a period starts, then its early stretch ends on its second, third or fifth working day', () => {
    expect(earlyStretchEnd('week', periodAround('week', '2026-11-25'))).toBe('2026-11-24');
    expect(earlyStretchEnd('month', periodAround('month', '2026-11-30'))).toBe('2026-11-04');
    expect(earlyStretchEnd('quarter', periodAround('quarter', '2027-01-15'))).toBe('2027-01-07');
  });
});
