import { ensureWorkspaceDefaults } from '../../src/checkins/cadences';
import { sparkline, trendWords } from '../../src/checkins/trends';
import { addDays } from '../../src/time/calendar';
import { useFixture } from '../support/cascade';
import { pastCheckin } from '../support/history';
import { PEOPLE } from '../support/org-fixture';

/* Trends: a person's last twelve weeks, week by week, as bars and in words, for them and the chain above them only. */

const now = { current: new Date('2026-11-30T12:00:00Z') };
const f = useFixture({ now });
const say = async (userId: string, text: string) => f.app.reply((await f.app.command(userId, text)).responseId);

/** Week `n` of the twelve shown on 30 November (week 0: Monday 14 September; week 11 is this one). */
const week = (n: number) => addDays('2026-09-14', 7 * n);

beforeAll(async () => {
  const db = f.db.db;
  await ensureWorkspaceDefaults(db, f.app.teamId);
  // Raj: confident in September, sliding from October, one week missed; his commitments kept, then not.
  const confidence = [4, 4, 5, 4, null, 4, 4, 3, 3, 3, 2, 2];
  for (let n = 0; n < 12; n++) {
    const o = week(n);
    const due = new Date(`${o}T10:00:00Z`);
    const rating = confidence[n];
    await pastCheckin(f, {
      cadence: 'manager_reps',
      leaderId: PEOPLE.ann.id,
      personId: PEOPLE.raj.id,
      occurrence: o,
      answered: rating !== null,
      answers: rating ? [{ intent: 'goals', question: 'How confident are you in reaching your goal?', rating }] : [],
    });
    await db
      .insertInto('commitment')
      .values({
        team_id: f.app.teamId,
        owner_id: PEOPLE.raj.id,
        leader_id: PEOPLE.ann.id,
        text: `Week ${n}`,
        due_date: addDays(o, 3),
        status: n < 8 ? 'done' : 'missed',
        created_at: due,
        closed_at: new Date(`${addDays(o, 3)}T12:00:00Z`),
      })
      .execute();
    // Mia, Ann's other rep, steady at 4 every week.
    await pastCheckin(f, {
      cadence: 'manager_reps',
      leaderId: PEOPLE.ann.id,
      personId: PEOPLE.mia.id,
      occurrence: o,
      answers: [{ intent: 'goals', question: 'How confident are you in reaching your goal?', rating: 4 }],
    });
    // Raj's monthly calls goal, reported each Sunday: on pace for six weeks, then at half the pace.
    const sunday = addDays(o, 6);
    const day = Number(sunday.slice(8, 10));
    const daysInMonth = new Date(Date.UTC(Number(sunday.slice(0, 4)), Number(sunday.slice(5, 7)), 0)).getUTCDate();
    await db
      .insertInto('progress')
      .values({
        team_id: f.app.teamId,
        person_id: PEOPLE.raj.id,
        goal_name: 'Calls',
        value: Math.round(((100 * day) / daysInMonth) * (n < 6 ? 1 : 0.5) * 100) / 100,
        recorded_on: sunday,
        source: 'command',
      })
      .execute();
  }
  await db
    .insertInto('goal')
    .values({
      team_id: f.app.teamId,
      owner_id: PEOPLE.raj.id,
      scope: 'person',
      name: 'Calls',
      unit: 'count',
      target: 100,
      period: 'month',
      created_by: PEOPLE.ann.id,
      created_at: new Date('2026-09-01T00:00:00Z'),
    })
    .execute();
});

describe('Trends over twelve weeks', () => {
  test('When a series is drawn, then each week is a bar on the measure’s own scale and a week without is a dot', () => {
    expect(sparkline([1, 3, 5, null, 2], 1, 5)).toBe('▁▅█·▃');
    expect(sparkline([0, 0.5, 1], 0, 1)).toBe('▁▅█');
  });

  test('When a series is put in words, then it says from where to where, over how long, and how far it is', () => {
    const weeks = Array.from({ length: 12 }, (_, i) => week(i));
    expect(trendWords({ measure: 'confidence', weeks, values: [3, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 3] })).toBe(
      'confidence 3.0 → 3.0 over 11 weeks',
    );
    expect(trendWords({ measure: 'confidence', weeks, values: [4.1, null, null, null, null, null, 4, 3.8, 3.5, 3.4, 3.3, 3.2] })).toBe(
      'confidence 4.1 → 3.2 over 11 weeks, lowest in 12 weeks',
    );
    expect(trendWords({ measure: 'confidence', weeks, values: [3, 5, 5, 4, 4, 4, 4, 4, 4, 4, 4, 3] })).toBe(
      'confidence 3.0 → 3.0 over 11 weeks',
    );
    expect(trendWords({ measure: 'answered', weeks, values: [1, 1, 0.5, 1, 1, 1, 1, 1, 1, 1, 1, 0.5] })).toBe(
      'check-ins answered 100% → 50% over 11 weeks, lowest since 28 Sep',
    );
    expect(trendWords({ measure: 'kept', weeks, values: [null, 0.5] })).toBeNull();
  });

  test('When Ann asks for Raj, then she reads his twelve weeks in bars and words; Bob, outside his chain, is refused', async () => {
    const ann = await say(PEOPLE.ann.id, `team <@${PEOPLE.raj.id}>`);
    expect(ann.text).toContain('*Last 12 weeks*, week by week');
    expect(ann.text).toContain('`▆▆█▆·▆▆▅▅▅▃▃` confidence 4.0 → 2.0 over 11 weeks, lowest in 12 weeks');
    expect(ann.text).toContain('`████▁███████` check-ins answered 100% → 100% over 11 weeks');
    expect(ann.text).toContain('`████████▁▁▁▁` commitments kept 100% → 0% over 11 weeks, lowest in 12 weeks');
    // His goal against pace at each week's end (the week still running: today, as his pace bar reads it): on pace,
    // then half of it from the seventh week.
    expect(ann.text).toContain('`▆▆▆▆▆▆▃▃▃▃▃▃` goals 100% of pace → 48% of pace over 11 weeks, lowest in 12 weeks');
    const bob = await say(PEOPLE.bob.id, `team <@${PEOPLE.raj.id}>`);
    expect(bob.text).toContain('is not below you');
    expect(bob.text).not.toContain('Last 12 weeks');
  });

  test('When Ann asks for her team, then its twelve weeks come first, Raj and Mia together; Bob’s team is his own and never Raj’s', async () => {
    const ann = await say(PEOPLE.ann.id, 'team');
    expect(ann.text).toContain('*Your team, last 12 weeks*, week by week');
    // Raj 4 and Mia 4 in September, Raj 2 and Mia 4 at the end: the team's confidence 4.0 → 3.0; week 4 is Mia's alone.
    expect(ann.text).toContain('confidence 4.0 → 3.0 over 11 weeks, lowest in 12 weeks');
    expect(ann.text).toContain('check-ins answered 100% → 100% over 11 weeks');
    expect(ann.text).toContain('*Your direct reports, last 8 weeks*');
    const bob = await say(PEOPLE.bob.id, 'team');
    expect(bob.text).not.toContain('confidence 4.0');
    expect(bob.text).not.toContain('goals');
  });

  test('When Raj opens App Home, then his last check-ins say in words where his confidence and his kept commitments went over twelve weeks', async () => {
    await f.app.event({ type: 'app_home_opened', user: PEOPLE.raj.id, channel: `D${PEOPLE.raj.id}`, tab: 'home' });
    const [published] = await f.slack.waitFor('views.publish', { where: (c) => c.args.user_id === PEOPLE.raj.id });
    const home = JSON.stringify(published!.args.view);
    expect(home).toContain(
      '_Over twelve weeks: confidence 4.0 → 2.0 over 11 weeks, lowest in 12 weeks; commitments kept 100% → 0% over 11 weeks, lowest in 12 weeks; goals 100% of pace → 48% of pace over 11 weeks, lowest in 12 weeks._',
    );
  });

  test('When Ann opens App Home, then her team says in words where it went over twelve weeks', async () => {
    await f.app.event({ type: 'app_home_opened', user: PEOPLE.ann.id, channel: `D${PEOPLE.ann.id}`, tab: 'home' });
    const [published] = await f.slack.waitFor('views.publish', { where: (c) => c.args.user_id === PEOPLE.ann.id });
    const home = JSON.stringify(published!.args.view);
    expect(home).toContain('The team over twelve weeks: confidence 4.0 → 3.0 over 11 weeks, lowest in 12 weeks;');
    expect(home).toContain('goals 100% of pace → 48% of pace over 11 weeks, lowest in 12 weeks.');
  });
});
