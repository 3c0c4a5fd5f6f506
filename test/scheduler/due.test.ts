import { sql } from 'kysely';
import { importOrgChart } from '../../src/org/import';
import { openWorkspace } from '../../src/checkins/cadences';
import { findDue } from '../../src/scheduler/due';
import { tick } from '../../src/scheduler/tick';
import { tickDepsFor } from './due-support';
import { createTestDb, type TestDb } from '../support/db';

/**
 * Ticks that cost what is due: a workspace is visited for planning when the UTC date turns or what planning
 * reads has changed (counted by triggers), and for closing when its next window's end has come.
 */
const TEAM = 'T0DUE';
let db: TestDb;

beforeAll(async () => {
  db = await createTestDb();
  await openWorkspace(db.db, TEAM, 'Due', new Date('2026-10-01T00:00:00Z'));
  const csv = [
    'slack_user_id,name,role,manager',
    'UDUEC,Casey,ceo,',
    'UDUEP,Pat,president,UDUEC',
    'UDUEM,Mia,manager,UDUEP',
    'UDUER1,Ray,rep,UDUEM',
    'UDUER2,Rae,rep,UDUEM',
  ].join('\n');
  const outcome = await importOrgChart({ db: db.db, directory: null, now: new Date('2026-11-01T00:00:00Z') }, TEAM, csv, { dryRun: false });
  expect(outcome.ok ? [] : outcome.errors.map((e) => e.message)).toEqual([]);
});

afterAll(async () => {
  await db?.close();
});

const workspace = () => db.db.selectFrom('workspace').selectAll().where('team_id', '=', TEAM).executeTakeFirstOrThrow();

test('When planning has run for a day, then the workspace is not planned again until the UTC date turns, unless its people or cadences change', async () => {
  const deps = tickDepsFor(db);
  await tick(deps, new Date('2026-11-29T12:00:00Z'));
  let w = await workspace();
  expect(w.plan_due_at).toEqual(new Date('2026-11-30T00:00:00Z'));
  expect(w.planned_epoch).toBe(w.plan_epoch);
  expect((await findDue(db.db, new Date('2026-11-29T12:01:00Z'))).plan.has(TEAM)).toBe(false);

  // A Slack status is not something planning reads: still not due.
  await db.db
    .updateTable('person')
    .set({ status_text: 'Lunch' })
    .where('team_id', '=', TEAM)
    .where('slack_user_id', '=', 'UDUER1')
    .execute();
  expect((await findDue(db.db, new Date('2026-11-29T12:02:00Z'))).plan.has(TEAM)).toBe(false);

  // A new rep, a moved time zone, a changed cadence: due at the next tick, and not as a continuation.
  for (const change of [
    () =>
      db.db
        .insertInto('person')
        .values({ team_id: TEAM, slack_user_id: 'UDUER3', name: 'Rio', role: 'rep', reports_to: 'UDUEM' })
        .execute(),
    () => db.db.updateTable('person').set({ tz: 'Asia/Tokyo' }).where('team_id', '=', TEAM).where('slack_user_id', '=', 'UDUER2').execute(),
    () => sql`update cadence set local_time = '09:30' where team_id = ${TEAM} and key = 'manager_reps'`.execute(db.db),
  ]) {
    await change();
    const due = await findDue(db.db, new Date('2026-11-29T12:03:00Z'));
    expect(due.plan.get(TEAM)?.continuing).toBe(false);
    await tick(deps, new Date('2026-11-29T12:03:00Z'));
    expect((await findDue(db.db, new Date('2026-11-29T12:04:00Z'))).plan.has(TEAM)).toBe(false);
  }
  // The new rep was planned by that tick.
  const rio = await db.db.selectFrom('checkin').select('id').where('team_id', '=', TEAM).where('person_id', '=', 'UDUER3').execute();
  expect(rio.length).toBe(1);
  // The date turns: due again, continuing the unchanged plan.
  w = await workspace();
  const midnight = await findDue(db.db, new Date('2026-11-30T00:00:00Z'));
  expect(midnight.plan.get(TEAM)).toEqual({ epoch: Number(w.plan_epoch), continuing: true });
});

test("When check-ins are planned, then closing is due at the earliest window's end and not before", async () => {
  const first = await db.db
    .selectFrom('checkin')
    .select((eb) => eb.fn.min('closes_at').as('at'))
    .where('team_id', '=', TEAM)
    .where('status', 'in', ['scheduled', 'sent'])
    .executeTakeFirstOrThrow();
  const at = new Date(first.at as unknown as Date);
  const w = await workspace();
  expect(w.close_due_at! <= at).toBe(true);
  // A tick before it marks closing done up to then; the next due instant is that window's end.
  await tick(tickDepsFor(db), new Date(at.getTime() - 3600_000));
  expect((await workspace()).close_due_at).toEqual(at);
  expect((await findDue(db.db, new Date(at.getTime() - 60_000))).close.has(TEAM)).toBe(false);
  expect((await findDue(db.db, at)).close.has(TEAM)).toBe(true);
});
