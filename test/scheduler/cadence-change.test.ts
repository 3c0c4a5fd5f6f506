import { tick } from '../../src/scheduler/tick';
import { tickDeps, useFixture } from '../support/cascade';
import { PEOPLE } from '../support/org-fixture';

/**
 * A cadence changed mid-week applies from the next period: no second round in a period that has one, no round
 * dated in the past, no second live message or brief. Overrides that would change nothing anyone follows are
 * refused; one can be reset, its rounds kept.
 */
const now = { current: new Date('2026-11-23T00:00:00Z') };
const fixture = useFixture({ now });

const say = async (userId: string, text: string) => {
  const { res, responseId } = await fixture.app.command(userId, text);
  expect(res.status).toBe(200);
  return (await fixture.app.reply(responseId)).text;
};
/** Ticks every 30 minutes from the clock to `iso`, as the scheduler's minute would (coarser, for speed). */
const until = async (iso: string) => {
  const end = Date.parse(iso);
  for (let t = now.current.getTime() + 30 * 60_000; t <= end; t += 30 * 60_000) {
    now.current = new Date(t);
    await tick(tickDeps(fixture.db, fixture.slack, fixture.app.log), now.current);
  }
};
const prompts = (userId: string) =>
  fixture.slack
    .callsTo('chat.postMessage')
    .filter((c) => c.args.channel === `D${userId}` && !c.args.thread_ts && String(c.args.text).includes('check-in'));
const posts = (userId: string, prefix: string) =>
  fixture.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === `D${userId}` && String(c.args.text).startsWith(prefix));
const roundsOf = async (leaderId: string) =>
  (
    await fixture.db.db
      .selectFrom('round as r')
      .innerJoin('cadence as k', 'k.id', 'r.cadence_id')
      .select(['r.occurrence', 'k.key'])
      .where('r.leader_id', '=', leaderId)
      .where('k.level', '=', 'manager_reps')
      .orderBy('r.occurrence')
      .execute()
  ).map((r) => `${r.occurrence} ${r.key}`);

describe('A cadence changed mid-week', () => {
  test('When Ann’s reps move from Monday to Tuesday on a Wednesday, then nobody gets a second prompt, live message or brief that week; the change starts the next week', async () => {
    await until('2026-11-25T12:00:00Z');
    expect(prompts(PEOPLE.raj.id)).toHaveLength(1);
    expect(prompts(PEOPLE.mia.id)).toHaveLength(1);
    expect(await say(PEOPLE.admin.id, 'cadence set manager_reps tuesday at 09:30')).toContain('applies from the next period');
    await until('2026-11-27T23:00:00Z');
    // Tuesday 24 November already passed and Monday's round is this week's: nothing new this week.
    expect(prompts(PEOPLE.raj.id)).toHaveLength(1);
    expect(prompts(PEOPLE.mia.id)).toHaveLength(1);
    expect(posts(PEOPLE.ann.id, 'Your round:')).toHaveLength(1);
    expect(posts(PEOPLE.ann.id, 'Your brief')).toHaveLength(1);
    expect(await roundsOf(PEOPLE.ann.id)).toEqual(['2026-11-23 manager_reps']);
    // The next week meets on Tuesday, once.
    await until('2026-12-01T12:00:00Z');
    expect(prompts(PEOPLE.mia.id)).toHaveLength(2);
    expect(await roundsOf(PEOPLE.ann.id)).toEqual(['2026-11-23 manager_reps', '2026-12-01 manager_reps']);
  });

  test('When an override for Bob is made the day before his round, for the same day, then the week still has one round', async () => {
    // Monday 7 December: Tuesday's rounds are already planned (from the day before); Bob moves to the same Tuesday at 11:00.
    await until('2026-12-07T20:00:00Z');
    expect((await roundsOf(PEOPLE.bob.id)).filter((r) => r.startsWith('2026-12-08'))).toEqual(['2026-12-08 manager_reps']);
    expect(await say(PEOPLE.admin.id, `cadence set manager_reps for <@${PEOPLE.bob.id}> tuesday at 11:00`)).toContain('Updated.');
    await until('2026-12-09T12:00:00Z');
    const week = (await roundsOf(PEOPLE.bob.id)).filter((r) => r >= '2026-12-07' && r <= '2026-12-13');
    expect(week).toHaveLength(1);
    const leo = await fixture.db.db
      .selectFrom('checkin')
      .select('due_at')
      .where('person_id', '=', PEOPLE.leo.id)
      .where('due_at', '>=', new Date('2026-12-07T00:00:00Z'))
      .where('due_at', '<', new Date('2026-12-14T00:00:00Z'))
      .execute();
    expect(leo).toHaveLength(1);
  });
});

describe('Overrides that would change nothing are refused; one can be reset', () => {
  test('When the level does not exist, or has no such leaders, or the leader leads nobody or another kind, then it says why and creates nothing', async () => {
    const count = async () => (await fixture.db.db.selectFrom('cadence').select('key').execute()).length;
    const before = await count();
    expect(await say(PEOPLE.admin.id, 'cadence set manager_reps level 9 friday')).toContain(
      'There is no level 9 of leaders in the chart: it has 3 levels of leaders',
    );
    expect(await say(PEOPLE.admin.id, 'cadence set manager_reps level 1 friday')).toContain(
      'No leader on level 1 leads a Manager ↔ reps relationship',
    );
    expect(await say(PEOPLE.admin.id, `cadence set manager_reps for <@${PEOPLE.raj.id}> friday`)).toContain(
      'leads nobody, so there is no conversation of theirs to schedule',
    );
    expect(await say(PEOPLE.admin.id, `cadence set manager_reps for <@${PEOPLE.president.id}> friday`)).toContain(
      'leads a President ↔ managers relationship, not a Manager ↔ reps one',
    );
    expect(await count()).toBe(before);
  });

  test('When an admin resets Bob’s override, then Bob follows the weekly cadence again from the next period, and the override’s rounds are kept', async () => {
    await until('2026-12-15T20:00:00Z');
    expect((await roundsOf(PEOPLE.bob.id)).filter((r) => r >= '2026-12-14')).toEqual([`2026-12-15 manager_reps@${PEOPLE.bob.id}`]);
    expect(await say(PEOPLE.admin.id, `cadence reset manager_reps for <@${PEOPLE.ann.id}>`)).toContain(
      'There is no override of `manager_reps` for',
    );
    expect(await say(PEOPLE.ann.id, `cadence reset manager_reps for <@${PEOPLE.bob.id}>`)).toContain(
      'Only Cascade admins can change cadences.',
    );
    expect(await say(PEOPLE.admin.id, `cadence reset manager_reps for <@${PEOPLE.bob.id}>`)).toContain(
      `<@${PEOPLE.bob.id}> follows \`manager_reps\` again, from the next period`,
    );
    expect(await say(PEOPLE.admin.id, 'cadence list')).not.toContain(`manager_reps@${PEOPLE.bob.id}`);
    // Its round stays, with its history; the week after is the weekly cadence's.
    expect((await roundsOf(PEOPLE.bob.id)).filter((r) => r >= '2026-12-14')).toEqual([
      expect.stringMatching(new RegExp(`^2026-12-15 manager_reps@${PEOPLE.bob.id}#\\d+$`)),
    ]);
    await until('2026-12-22T20:00:00Z');
    expect((await roundsOf(PEOPLE.bob.id)).filter((r) => r >= '2026-12-21')).toEqual(['2026-12-22 manager_reps']);
    // A new override for Bob can be made again later.
    expect(await say(PEOPLE.admin.id, `cadence set manager_reps for <@${PEOPLE.bob.id}> friday`)).toContain('Updated.');
  });
});
