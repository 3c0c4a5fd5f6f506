import { Migrator, sql } from 'kysely';
import { migrations } from '../../migrations';
import { openDatabase, type Db } from '../../src/db/connect';
import { migrateToLatest } from '../../src/db/migrate';
import { planDue } from '../../src/scheduler/plan';

/**
 * A four-role workspace written before charts of any shape (one CEO, a president, managers, reps; a past
 * round at each level) is migrated: the people, cadences and history keep their meaning, and the next
 * Monday's rounds are planned exactly as before.
 */
let handle: Db;
const TEAM = 'T0MIGRATE';

beforeAll(async () => {
  handle = await openDatabase({ dataDir: 'memory://' });
  const before = new Migrator({ db: handle.db, provider: { getMigrations: async () => migrations } });
  const result = await before.migrateTo('2026-11-28T0200-delivery-payload');
  if (result.error) throw result.error;
  const db = handle.db as any;
  await sql`insert into workspace (team_id, name) values (${TEAM}, 'Old')`.execute(db);
  await sql`
    insert into person (team_id, slack_user_id, name, role, reports_to) values
      (${TEAM}, 'UC', 'Casey', 'ceo', null), (${TEAM}, 'UP', 'Pat', 'president', 'UC'),
      (${TEAM}, 'UM', 'Ann', 'manager', 'UP'), (${TEAM}, 'UR', 'Raj', 'rep', 'UM')`.execute(db);
  await sql`
    insert into cadence (team_id, key, level, name, frequency, weekday, nth, local_time, mode, anchor_date, leader_reflects) values
      (${TEAM}, 'ceo_president', 'ceo_president', 'CEO ↔ President monthly', 'monthly', 1, 1, '09:00', 'individual', '2026-01-05', true),
      (${TEAM}, 'president_managers', 'president_managers', 'President ↔ each manager', 'monthly', 4, 1, '09:00', 'individual', '2026-01-01', false),
      (${TEAM}, 'manager_reps', 'manager_reps', 'Manager ↔ each rep, weekly', 'weekly', 2, null, '11:00', 'individual', '2026-01-05', false)`.execute(
    db,
  );
  await sql`
    insert into round (team_id, cadence_id, leader_id, occurrence, status)
    select ${TEAM}, k.id, l.leader, '2026-11-02', 'closed' from cadence k
    join (values ('ceo_president', 'UC'), ('president_managers', 'UP'), ('manager_reps', 'UM')) as l(key, leader) on l.key = k.key`.execute(
    db,
  );
  await migrateToLatest(handle.db);
}, 120_000);

afterAll(() => handle?.close());

describe('Migrating a four-role workspace to a chart of any shape', () => {
  test('When it migrates, then roles become titles, everyone stays in the chain, and past rounds keep their level’s depth', async () => {
    const people = await handle.db
      .selectFrom('person')
      .select(['slack_user_id', 'role', 'in_chain', 'reports_to'])
      .orderBy('slack_user_id')
      .execute();
    expect(people).toEqual([
      { slack_user_id: 'UC', role: 'ceo', in_chain: true, reports_to: null },
      { slack_user_id: 'UM', role: 'manager', in_chain: true, reports_to: 'UP' },
      { slack_user_id: 'UP', role: 'president', in_chain: true, reports_to: 'UC' },
      { slack_user_id: 'UR', role: 'rep', in_chain: true, reports_to: 'UM' },
    ]);
    const depths = await handle.db.selectFrom('round').select(['leader_id', 'depth']).orderBy('leader_id').execute();
    expect(depths).toEqual([
      { leader_id: 'UC', depth: 0 },
      { leader_id: 'UM', depth: 2 },
      { leader_id: 'UP', depth: 1 },
    ]);
  });

  test('When the next weeks are planned, then each level meets on the day and at the time its cadence already said', async () => {
    // Tuesdays at 11:00 (the admin's changed weekly cadence), and the first Thursday and Monday of December.
    for (const day of ['2026-12-06', '2026-12-02', '2026-12-07']) await planDue(handle.db, TEAM, new Date(`${day}T12:00:00Z`));
    const rounds = await handle.db
      .selectFrom('round as r')
      .innerJoin('cadence as k', 'k.id', 'r.cadence_id')
      .select(['k.key', 'r.leader_id', 'r.occurrence', 'r.depth'])
      .where('r.occurrence', '>', '2026-11-30')
      .orderBy('r.occurrence')
      .execute();
    expect(rounds).toEqual([
      { key: 'manager_reps', leader_id: 'UM', occurrence: '2026-12-01', depth: 2 },
      { key: 'president_managers', leader_id: 'UP', occurrence: '2026-12-03', depth: 1 },
      { key: 'ceo_president', leader_id: 'UC', occurrence: '2026-12-07', depth: 0 },
      { key: 'manager_reps', leader_id: 'UM', occurrence: '2026-12-08', depth: 2 },
    ]);
    const ceo = await handle.db
      .selectFrom('checkin')
      .select(['person_id', 'part'])
      .where(
        'round_id',
        '=',
        handle.db.selectFrom('round').select('id').where('leader_id', '=', 'UC').where('occurrence', '=', '2026-12-07'),
      )
      .orderBy('part')
      .execute();
    expect(ceo).toEqual([
      { person_id: 'UC', part: 'leader' },
      { person_id: 'UP', part: 'member' },
    ]);
  });

  test('When a second person without a leader would join the chain, then the database itself refuses a second top', async () => {
    await expect(
      sql`insert into person (team_id, slack_user_id, name, role, reports_to) values (${TEAM}, 'UX', 'Other', 'CRO', null)`.execute(
        handle.db,
      ),
    ).rejects.toThrow(/person_one_top/);
    await sql`insert into person (team_id, slack_user_id, name, role, reports_to, in_chain) values (${TEAM}, 'UO', 'Ops', 'RevOps', null, false)`.execute(
      handle.db,
    );
  });
});
