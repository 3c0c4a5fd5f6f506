import { questionsFor, submitAnswers } from '../../src/checkins/answers';
import { scopeOf } from '../../src/org/policy';
import { checkinContext } from '../../src/checkins/context';
import { importGoals, pastAttainments, importProgress, paceBar, standingOf } from '../../src/accountability/goals';
import { evaluateFlags } from '../../src/accountability/flags';
import { tick } from '../../src/scheduler/tick';
import type { TestApp } from '../support/app';
import { tickDeps, useFixture } from '../support/cascade';
import type { TestDb } from '../support/db';
import type { SlackStandIn } from '../../src/slack/stand-in/slack';
import { PEOPLE } from '../support/org-fixture';
import { earlyStretchEnd, periodAround } from '../../src/time/periods';

let db: TestDb;
let slack: SlackStandIn;
let app: TestApp;
const now = { current: new Date('2026-11-02T00:00:00Z') };

const f = useFixture({ now });

beforeAll(async () => {
  ({ db, slack, app } = f);
});

const say = async (userId: string, text: string) => app.reply((await app.command(userId, text)).responseId);
const goal = (owner: string, scope = 'person') =>
  db.db
    .selectFrom('goal')
    .selectAll()
    .where('owner_id', '=', owner)
    .where('scope', '=', scope as 'person')
    .where('name', '=', 'New pipeline')
    .where('active', '=', true)
    .executeTakeFirstOrThrow();
const person = (id: string) => db.db.selectFrom('person').selectAll().where('slack_user_id', '=', id).executeTakeFirstOrThrow();
const progressCount = async () =>
  Number(
    (
      await db.db
        .selectFrom('progress')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('Periods', () => {
  test('When a day is given, then its week runs Monday to Sunday, its month and quarter by the calendar', () => {
    expect(periodAround('week', '2026-11-27')).toEqual({ start: '2026-11-23', end: '2026-11-29' });
    expect(periodAround('week', '2026-11-23')).toEqual({ start: '2026-11-23', end: '2026-11-29' });
    expect(periodAround('week', '2026-11-29')).toEqual({ start: '2026-11-23', end: '2026-11-29' });
    expect(periodAround('month', '2026-02-10')).toEqual({ start: '2026-02-01', end: '2026-02-28' });
    expect(periodAround('quarter', '2026-11-27')).toEqual({ start: '2026-10-01', end: '2026-12-31' });
    expect(periodAround('quarter', '2027-01-01')).toEqual({ start: '2027-01-01', end: '2027-03-31' });
  });
});

describe('Goals and progress', () => {
  test('When Ann sets goals for her reps and her team, then they are stored; bad values change nothing', async () => {
    expect((await say(PEOPLE.ann.id, `goal set <@${PEOPLE.raj.id}> "New pipeline" 250000 USD monthly`)).text).toBe(
      `Goal set for <@${PEOPLE.raj.id}>: “New pipeline”, 250,000 USD monthly.`,
    );
    await say(PEOPLE.ann.id, `goal set <@${PEOPLE.mia.id}> "New pipeline" 200,000 usd monthly`);
    expect((await say(PEOPLE.ann.id, `goal set <@${PEOPLE.ann.id}> team "New pipeline" 450000 USD monthly`)).text).toBe(
      `Goal set for <@${PEOPLE.ann.id}>'s team: “New pipeline”, 450,000 USD monthly.`,
    );
    await say(PEOPLE.ann.id, `goal set <@${PEOPLE.raj.id}> "Demos" 12 count weekly`);

    const before = await db.db.selectFrom('goal').selectAll().execute();
    expect((await say(PEOPLE.ann.id, `goal set <@${PEOPLE.raj.id}> "New pipeline" -5 USD monthly`)).text).toBe(
      'A target must be more than zero.',
    );
    expect((await say(PEOPLE.ann.id, `goal set <@${PEOPLE.raj.id}> "New pipeline" lots USD monthly`)).text).toBe(
      '"lots" is not a number: give the target as digits, like 250000.',
    );
    expect((await say(PEOPLE.ann.id, `goal set <@${PEOPLE.raj.id}> "New pipeline" 5 dollars monthly`)).text).toContain(
      '"dollars" is not a unit',
    );
    expect((await say(PEOPLE.ann.id, `goal set <@${PEOPLE.raj.id}> "New pipeline" 5 USD yearly`)).text).toContain(
      '"yearly" is not a period',
    );
    expect((await say(PEOPLE.ann.id, `goal set <@UNOBODY1> "New pipeline" 5 USD monthly`)).text).toBe(
      '<@UNOBODY1> is not in the org chart.',
    );
    expect((await say(PEOPLE.ann.id, `goal set <@${PEOPLE.leo.id}> "New pipeline" 5 USD monthly`)).text).toContain('is not below you');
    expect((await say(PEOPLE.raj.id, `goal set <@${PEOPLE.mia.id}> "New pipeline" 5 USD monthly`)).text).toContain('is not below you');
    expect((await say(PEOPLE.ann.id, 'goal set @raj "New pipeline" 5 USD monthly')).text).toContain('I could not read @raj as a person');
    expect(await db.db.selectFrom('goal').selectAll().execute()).toEqual(before);
  });

  test('When progress comes from a command, a CSV import and a check-in answer, then attainment and pace are computed from the latest value of the period', async () => {
    // Command: Raj on Sunday 15 November (Kolkata): half the month gone.
    now.current = new Date('2026-11-15T06:00:00Z');
    const reply = await say(PEOPLE.raj.id, 'progress "new pipeline" 120000');
    expect(reply.text).toBe('Recorded. *New pipeline*: 120,000 USD of 250,000 USD this month\n▰▰▱▱▱ 48% — behind pace by 2 pts');
    expect((await say(PEOPLE.raj.id, 'progress "Pipeline" 5')).text).toBe(
      'Raj Patel has no goal called "Pipeline". Their goals: "Demos", "New pipeline".',
    );
    expect((await say(PEOPLE.raj.id, 'progress "New pipeline" -3')).text).toBe('Progress cannot be negative.');

    // Import: Mia's CRM figure for 14 November, and an October figure that must not count in November.
    const csv = [
      'person,goal,value,date',
      'mia@example.com,New pipeline,150000,2026-11-14',
      `${PEOPLE.mia.id},New pipeline,190000,2026-10-31`,
    ].join('\n');
    expect(await importProgress(db.db, app.teamId, csv, { dryRun: false, now: now.current })).toEqual({ ok: true, applied: 2, errors: [] });
    const mia = await standingOf(db.db, await goal(PEOPLE.mia.id), await person(PEOPLE.mia.id), now.current);
    expect(mia).toMatchObject({ value: 150000, attainment: 0.75 });
    expect(paceBar(mia)).toBe('▰▰▰▰▱ 75% — ahead of pace by 25 pts');

    // Team goal: Ann's team adds up Raj and Mia (same name and unit): 270,000 of 450,000.
    const team = await standingOf(db.db, await goal(PEOPLE.ann.id, 'team'), await person(PEOPLE.ann.id), now.current);
    expect(team).toMatchObject({ value: 270000, attainment: 0.6 });
    expect(paceBar(team)).toBe('▰▰▰▱▱ 60% — ahead of pace by 10 pts');

    // A number question tied to the goal: Raj's check-in answer on Monday 16 November replaces his figure.
    expect(
      (
        await say(
          PEOPLE.admin.id,
          'questions add manager_reps number goals "How much new pipeline have you added this month?" fixed goal "New pipeline"',
        )
      ).text,
    ).toContain('Added question');
    now.current = new Date('2026-11-16T04:30:00Z');
    await tick(tickDeps(db, slack, app.log), now.current);
    const row = await db.db
      .selectFrom('checkin')
      .select('id')
      .where('person_id', '=', PEOPLE.raj.id)
      .where('status', '=', 'sent')
      .executeTakeFirstOrThrow();
    const ctx = (await checkinContext(db.db, row.id))!;
    const questions = await questionsFor(db.db, ctx);
    const tied = questions.find((q) => q.goal_name === 'New pipeline')!;
    const raw = Object.fromEntries(questions.map((q) => [q.id, q === tied ? '160000' : q.kind === 'rating_1_5' ? '4' : 'Fine']));
    await submitAnswers(await scopeOf(db.db, app.teamId, PEOPLE.raj.id, [], now.current), { checkinId: ctx.id, questions, raw });
    await submitAnswers(await scopeOf(db.db, app.teamId, PEOPLE.raj.id, [], now.current), {
      checkinId: ctx.id,
      questions,
      raw: { ...raw, [tied.id]: '165000' },
    });
    const raj = await standingOf(db.db, await goal(PEOPLE.raj.id), await person(PEOPLE.raj.id), now.current);
    expect(raj).toMatchObject({ value: 165000, attainment: 0.66 });
    expect(
      await db.db.selectFrom('progress').select('source').where('person_id', '=', PEOPLE.raj.id).where('source', '=', 'checkin').execute(),
    ).toHaveLength(1);

    const goals = await say(PEOPLE.ann.id, `goals <@${PEOPLE.ann.id}>`);
    expect(goals.text).toBe('*New pipeline* (team): 315,000 USD of 450,000 USD this month\n▰▰▰▰▱ 70% — ahead of pace by 17 pts');
  });

  test('When a new month begins, then last month’s progress no longer counts', async () => {
    now.current = new Date('2026-12-01T12:00:00Z');
    const raj = await standingOf(db.db, await goal(PEOPLE.raj.id), await person(PEOPLE.raj.id), now.current);
    expect(raj).toMatchObject({ value: 0, attainment: 0, period: { start: '2026-12-01', end: '2026-12-31' } });
    expect(paceBar(raj)).toBe('▱▱▱▱▱ 0% — too early to tell');
    expect(raj.tooEarly).toBe(true);
  });

  test('When a month starts, then pace says "too early to tell" and no goal-pace flag is raised until its first three working days have passed', async () => {
    // Ann's reps' goals were set in November; on the morning of 1 December nothing is judged.
    await db.db.updateTable('flag_rule').set({ threshold: 0.8 }).where('key', '=', 'goal_pace').execute();
    now.current = new Date('2026-12-01T06:00:00Z');
    await evaluateFlags(db.db, app.teamId, now.current, { force: true });
    // (Raj's weekly "Demos" goal has two whole weeks behind it by now; the monthly goal has one month only.)
    expect(
      await db.db
        .selectFrom('flag')
        .select('person_id')
        .where('rule', '=', 'goal_pace')
        .where('detail', 'like', '%New pipeline%')
        .execute(),
    ).toEqual([]);
    const status = await say(PEOPLE.raj.id, 'status');
    expect(status.text).toContain('too early to tell');
    expect(status.text).not.toContain('behind pace');
    await app.event({ type: 'app_home_opened', user: PEOPLE.ann.id, channel: 'DANN', tab: 'home', event_ts: '9.1' });
    const [home] = await slack.waitFor('views.publish', { where: (c) => c.args.user_id === PEOPLE.ann.id });
    expect(JSON.stringify(home!.args.view.blocks)).toContain(`<@${PEOPLE.raj.id}> — check-ins`);
    expect(JSON.stringify(home!.args.view.blocks)).toContain('pace: too early to tell');

    // Thursday 3 December is the third working day; from Friday 4 December the verdict is given.
    now.current = new Date('2026-12-03T18:00:00Z');
    expect(paceBar(await standingOf(db.db, await goal(PEOPLE.raj.id), await person(PEOPLE.raj.id), now.current))).toContain(
      'too early to tell',
    );
    now.current = new Date('2026-12-04T06:00:00Z');
    expect(paceBar(await standingOf(db.db, await goal(PEOPLE.raj.id), await person(PEOPLE.raj.id), now.current))).toBe(
      '▱▱▱▱▱ 0% — behind pace by 13 pts',
    );

    // A goal set on 20 November is judged on December, not on the November it joined late.
    const late = { ...(await goal(PEOPLE.raj.id)), created_at: new Date('2026-11-20T00:00:00Z') };
    const judged = await pastAttainments(db.db, late, await person(PEOPLE.raj.id), new Date('2027-01-01T06:00:00Z'), 2);
    expect(judged.map((j) => j.end)).toEqual(['2026-12-31']);
    expect(earlyStretchEnd('month', periodAround('month', '2026-11-30'))).toBe('2026-11-04');
    expect(earlyStretchEnd('week', periodAround('week', '2026-11-25'))).toBe('2026-11-24');
  });

  test('When a CSV has a bad line, then it is named by its number and nothing of the file is applied', async () => {
    const count = await progressCount();
    const progress = [
      'person,goal,value,date',
      'raj@example.com,New pipeline,10,2026-12-01',
      'nobody@example.com,New pipeline,10,2026-12-01',
      'raj@example.com,Unknown goal,10,2026-12-01',
      'raj@example.com,New pipeline,ten,2026-12-01',
      'raj@example.com,New pipeline,10,2026-13-01',
    ].join('\n');
    const outcome = await importProgress(db.db, app.teamId, progress, { dryRun: false, now: now.current });
    expect(outcome).toEqual({
      ok: false,
      applied: 0,
      errors: [
        { line: 3, message: '"nobody@example.com" is not an active person of the org chart (give a Slack user ID or an email)' },
        { line: 4, message: 'Raj Patel has no goal called "Unknown goal"' },
        { line: 5, message: '"ten" is not a number: give the value as digits, like 120000.' },
        { line: 6, message: '"2026-13-01" is not a date between 2000 and 2100: write it as YYYY-MM-DD.' },
      ],
    });
    expect(await progressCount()).toBe(count);

    const goalsBefore = await db.db.selectFrom('goal').selectAll().execute();
    const goals = [
      'person,goal,target,unit,period,scope',
      'leo@example.com,New pipeline,100000,USD,monthly,',
      'leo@example.com,Calls,-1,count,weekly,',
      'bob@example.com,New pipeline,5,USD,monthly,crew',
    ].join('\n');
    const bad = await importGoals(db.db, app.teamId, goals, { dryRun: false, now: now.current });
    expect(bad.errors).toEqual([
      { line: 3, message: 'A target must be more than zero' },
      { line: 4, message: 'scope "crew" must be person or team' },
    ]);
    expect(await db.db.selectFrom('goal').selectAll().execute()).toEqual(goalsBefore);
    const good = await importGoals(db.db, app.teamId, goals.split('\n').slice(0, 2).join('\n'), { dryRun: false, now: now.current });
    expect(good).toEqual({ ok: true, applied: 1, errors: [] });
    expect(await goal(PEOPLE.leo.id)).toMatchObject({ name: 'New pipeline', unit: 'USD', period: 'month', created_by: 'import' });
  });
});
