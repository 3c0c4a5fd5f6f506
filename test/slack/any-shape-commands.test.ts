import { planDue } from '../../src/scheduler/plan';
import { useFixture } from '../support/cascade';
import { PEOPLE } from '../support/org-fixture';

/**
 * The org of any shape from the outside, over signed HTTP: free titles and people outside the chain with
 * `/cascade org set`, cadences overridden for one level or one leader, and a pause for good.
 */
const now = { current: new Date('2026-11-27T12:00:00Z') };
const fixture = useFixture({ now });

const say = async (userId: string, text: string) => {
  const { res, responseId } = await fixture.app.command(userId, text);
  expect(res.status).toBe(200);
  return fixture.app.reply(responseId);
};
const person = (id: string) => fixture.db.db.selectFrom('person').selectAll().where('slack_user_id', '=', id).executeTakeFirstOrThrow();

describe('/cascade org set with titles and people outside the chain', () => {
  test('When an admin gives someone a title of several words, then it is kept as written and shown; the leader stays', async () => {
    const reply = await say(PEOPLE.admin.id, `org set <@${PEOPLE.mia.id}> "Account executive, EMEA"`);
    expect(reply.text).toContain('Account executive, EMEA');
    expect(await person(PEOPLE.mia.id)).toMatchObject({ role: 'Account executive, EMEA', reports_to: PEOPLE.ann.id, in_chain: true });
    expect((await say(PEOPLE.raj.id, `org show <@${PEOPLE.mia.id}>`)).text).toContain('Account executive, EMEA');
    const list = (await say(PEOPLE.raj.id, 'cadence list')).text;
    expect(list).toContain('*Level 3 · Managers ↔ reps &amp; account executives, EMEA* — 2 leaders');
    await say(PEOPLE.admin.id, `org set <@${PEOPLE.mia.id}> rep`);
  });

  test('When an admin puts the RevOps lead in the org outside the chain, then no one can report to them, and they have no check-ins ahead', async () => {
    await say(PEOPLE.admin.id, `org set <@${PEOPLE.admin.id}> RevOps outside admin`);
    expect(await person(PEOPLE.admin.id)).toMatchObject({ role: 'RevOps', reports_to: null, in_chain: false, is_admin: true });
    const refused = await say(PEOPLE.admin.id, `org set <@${PEOPLE.leo.id}> rep reports-to <@${PEOPLE.admin.id}>`);
    expect(refused.text).toContain('Sam Ops is outside the chain (in_chain no), so no one can report to them');
    expect(await person(PEOPLE.leo.id)).toMatchObject({ reports_to: PEOPLE.bob.id });
    expect((await say(PEOPLE.admin.id, 'status')).text).not.toContain('Manager ↔ each rep');
    expect((await say(PEOPLE.admin.id, `org set <@${PEOPLE.raj.id}> rep outside reports-to <@${PEOPLE.ann.id}>`)).text).toContain(
      'Someone outside the chain reports to no one',
    );
  });
});

describe('/cascade cadence for one level or one leader', () => {
  test('When anyone lists cadences, then the chart’s levels are listed top-down with the cadence each follows', async () => {
    const text = (await say(PEOPLE.raj.id, 'cadence list')).text;
    expect(text).toContain('*Your chart, level by level* (level 1 is the top)');
    expect(text).toContain('*Level 1 · CEO ↔ President* — 1 leader\n• `ceo_president`: the first Monday of the month at 09:00');
    expect(text).toContain(
      '*Level 2 · President ↔ managers* — 1 leader\n• `president_managers_team`: *off*, as a team\n• `president_managers`: the first Thursday of the month at 09:00',
    );
    expect(text).toContain('*Level 3 · Manager ↔ reps* — 2 leaders\n• `manager_reps`: every Monday at 10:00');
  });

  test('When an admin overrides the weekly cadence for level 3 and then for Bob alone, then Ann meets on Tuesdays, Bob on Fridays, and the base cadence is untouched', async () => {
    const level = await say(PEOPLE.admin.id, 'cadence set manager_reps level 3 tuesday at 09:30');
    expect(level.text).toContain('(`manager_reps@level3`, for level 3, instead of `manager_reps`)');
    expect(level.text).toContain('every Tuesday at 09:30');
    const bob = await say(PEOPLE.admin.id, `cadence set manager_reps for <@${PEOPLE.bob.id}> friday`);
    expect(bob.text).toContain(`(\`manager_reps@${PEOPLE.bob.id}\`, for <@${PEOPLE.bob.id}>, instead of \`manager_reps\`)`);
    // Bob's override starts from the base cadence (Monday 10:00), not from the level's.
    expect(bob.text).toContain('every Friday at 10:00');
    const base = await fixture.db.db
      .selectFrom('cadence')
      .selectAll()
      .where('team_id', '=', fixture.app.teamId)
      .where('key', '=', 'manager_reps')
      .executeTakeFirstOrThrow();
    expect(base).toMatchObject({ weekday: 1, local_time: '10:00' });

    const list = (await say(PEOPLE.ann.id, 'cadence list')).text;
    expect(list).toContain(
      '*Level 3 · Manager ↔ reps* — 2 leaders\n• `manager_reps@level3` (1 of them): every Tuesday at 09:30\n• `manager_reps@UMGR0002` (1 of them): every Friday at 10:00',
    );

    await planDue(fixture.db.db, fixture.app.teamId, new Date('2026-11-30T12:00:00Z'));
    await planDue(fixture.db.db, fixture.app.teamId, new Date('2026-12-03T12:00:00Z'));
    const rounds = await fixture.db.db
      .selectFrom('round as r')
      .innerJoin('cadence as k', 'k.id', 'r.cadence_id')
      .select(['r.leader_id', 'r.occurrence', 'k.key'])
      .where('r.team_id', '=', fixture.app.teamId)
      .where('r.occurrence', '>=', '2026-11-30')
      .where('k.level', '=', 'manager_reps')
      .orderBy('r.occurrence')
      .execute();
    expect(rounds).toEqual([
      { leader_id: PEOPLE.ann.id, occurrence: '2026-12-01', key: 'manager_reps@level3' },
      { leader_id: PEOPLE.bob.id, occurrence: '2026-12-04', key: `manager_reps@${PEOPLE.bob.id}` },
    ]);
  });

  test('When the level or the leader is wrong, or the asker is not an admin, then the change is refused and nothing is created', async () => {
    const count = async () =>
      (await fixture.db.db.selectFrom('cadence').select('key').where('team_id', '=', fixture.app.teamId).execute()).length;
    const before = await count();
    expect((await say(PEOPLE.admin.id, 'cadence set manager_reps level 13 friday')).text).toContain(
      'Give the level as a number from 1 (the top) to 12',
    );
    expect((await say(PEOPLE.admin.id, `cadence set manager_reps for <@${PEOPLE.admin.id}> friday`)).text).toContain(
      'is not in the chain, so there is no cadence to set for them',
    );
    expect((await say(PEOPLE.admin.id, 'cadence set manager_reps@level3 level 2 friday')).text).toContain('is already an override');
    expect((await say(PEOPLE.ann.id, 'cadence set manager_reps level 3 friday')).text).toContain(
      'Only Cascade admins can change cadences.',
    );
    expect(await count()).toBe(before);
  });
});

describe('/cascade pause until never', () => {
  test('When a leader takes a rep out of the cascade for good, then the rep gets no more check-ins and none counts as missed; the rep cannot do it alone', async () => {
    expect((await say(PEOPLE.raj.id, 'pause until never')).text).toContain(
      'Only your leader, or an admin, can take you out of the cascade for good',
    );
    const reply = await say(PEOPLE.ann.id, `pause <@${PEOPLE.raj.id}> until never`);
    expect(reply.text).toBe(
      `<@${PEOPLE.raj.id}> is out of the cascade until further notice: no check-ins, and nothing counted as missed. \`/cascade pause <@${PEOPLE.raj.id}> off\` brings them back.`,
    );
    await planDue(fixture.db.db, fixture.app.teamId, new Date('2026-12-08T12:00:00Z'));
    const checkins = await fixture.db.db
      .selectFrom('checkin as c')
      .innerJoin('round as r', 'r.id', 'c.round_id')
      .select(['c.person_id', 'c.status'])
      .where('r.leader_id', '=', PEOPLE.ann.id)
      .where('r.occurrence', '=', '2026-12-08')
      .execute();
    expect(checkins).toEqual([{ person_id: PEOPLE.mia.id, status: 'scheduled' }]);
    expect((await say(PEOPLE.ann.id, `pause <@${PEOPLE.raj.id}> off`)).text).toContain('no longer paused');
  });
});
