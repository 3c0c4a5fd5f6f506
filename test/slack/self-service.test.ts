import { tick } from '../../src/scheduler/tick';
import { IDS } from '../../src/slack/ids';
import type { TestApp } from '../support/app';
import { tickDeps, useFixture } from '../support/cascade';
import type { TestDb } from '../support/db';
import type { SlackStandIn } from '../../src/slack/stand-in/slack';
import { PEOPLE } from '../support/org-fixture';

let db: TestDb;
let slack: SlackStandIn;
let app: TestApp;
const now = { current: new Date('2026-11-23T11:00:00Z') };

const f = useFixture({ now, workingHours: 'default' });

beforeAll(async () => {
  ({ db, slack, app } = f);
  await tick(tickDeps(db, slack, app.log), now.current);
});

async function run(userId: string, text: string, triggerId?: string) {
  const { res, responseId } = await app.command(userId, text, triggerId ? { triggerId } : {});
  expect(res.status).toBe(200);
  return responseId;
}
const say = async (userId: string, text: string) => app.reply(await run(userId, text));
const person = (id: string) => db.db.selectFrom('person').selectAll().where('slack_user_id', '=', id).executeTakeFirstOrThrow();

describe('/cascade status and checkin', () => {
  test('When Mia asks for her status, then she sees her open check-in and her next ones, in her own time zone', async () => {
    const reply = await say(PEOPLE.mia.id, 'status');
    expect(reply.response_type).toBe('ephemeral');
    expect(reply.text).toContain('*Waiting for your answers*\n• Manager ↔ each rep, weekly — answer by Wed 25 Nov, 10:00');
    expect(reply.text).toContain('• Manager ↔ each rep, weekly with Ann Lee — Mon 30 Nov, 10:00');
    expect(JSON.stringify(reply.blocks)).toContain('Europe/London');
  });

  test('When Mia types /cascade checkin, then the answer modal of her open check-in opens', async () => {
    await run(PEOPLE.mia.id, 'checkin', 'trigger-checkin-mia');
    const [open] = await slack.waitFor('views.open', { where: (c) => c.args.trigger_id === 'trigger-checkin-mia' });
    expect(open!.args.view.callback_id).toBe(IDS.answer.callbackId);
    expect(JSON.stringify(open!.args.view.blocks)).toContain('What worked this week, and why?');
  });

  test('When someone with nothing open types /cascade checkin, then they are told when the next one is', async () => {
    const reply = await say(PEOPLE.ann.id, 'checkin');
    expect(reply.text).toBe(
      'Nothing is open for you to answer right now. Your next check-in: President ↔ each manager, Thu 3 Dec at 09:00.',
    );
  });

  test('When the status command gets arguments, then a usage message says it takes none', async () => {
    const reply = await say(PEOPLE.mia.id, 'status please');
    expect(reply.text).toContain('`/cascade status` takes no arguments.');
  });
});

describe('/cascade pause', () => {
  test('When Raj pauses himself, then it is stored and said; with a past date or a bad date, then nothing changes', async () => {
    expect((await say(PEOPLE.raj.id, 'pause until 2026-12-04')).text).toBe(
      'You are paused until Fri, 4 Dec 2026 (inclusive). Check-ins that fall in that time are skipped, not missed.',
    );
    expect((await person(PEOPLE.raj.id)).paused_until).toBe('2026-12-04');
    expect((await say(PEOPLE.raj.id, 'pause until 2026-11-01')).text).toBe('2026-11-01 has already passed: give today or a later day.');
    expect((await say(PEOPLE.raj.id, 'pause until someday')).text).toContain(
      '"someday" is not a day Cascade can read: write a weekday (friday), "next week", "end of month", or a date as YYYY-MM-DD.',
    );
    expect((await say(PEOPLE.raj.id, 'pause until 2026-02-30')).text).toContain('"2026-02-30" is not a date');
    expect((await person(PEOPLE.raj.id)).paused_until).toBe('2026-12-04');
    // Days as people write them, read against Raj's own today (Monday 23 November here).
    expect((await say(PEOPLE.raj.id, 'pause until next week')).text).toContain('paused until Mon, 30 Nov 2026');
    expect((await say(PEOPLE.raj.id, 'pause until friday')).text).toContain('paused until Fri, 27 Nov 2026');
    expect((await person(PEOPLE.raj.id)).paused_until).toBe('2026-11-27');
    expect((await say(PEOPLE.raj.id, 'pause off')).text).toBe('You are no longer paused: check-ins resume at their usual times.');
    expect((await person(PEOPLE.raj.id)).paused_until).toBeNull();
  });

  test('When a manager pauses a rep of hers, then it works; a rep pausing a peer, or a manager pausing another team, is refused', async () => {
    expect((await say(PEOPLE.ann.id, `pause <@${PEOPLE.mia.id}|mia> until 2026-12-01`)).text).toBe(
      `<@${PEOPLE.mia.id}> is paused until Tue, 1 Dec 2026 (inclusive). Check-ins that fall in that time are skipped, not missed.`,
    );
    expect((await say(PEOPLE.raj.id, `pause <@${PEOPLE.mia.id}> off`)).text).toContain('is not below you');
    expect((await say(PEOPLE.bob.id, `pause <@${PEOPLE.mia.id}> off`)).text).toContain('is not below you');
    expect((await person(PEOPLE.mia.id)).paused_until).toBe('2026-12-01');
    expect((await say(PEOPLE.president.id, `pause <@${PEOPLE.mia.id}> off`)).text).toBe(
      `<@${PEOPLE.mia.id}> is no longer paused: check-ins resume at their usual times.`,
    );
    expect((await say(PEOPLE.admin.id, `pause <@${PEOPLE.leo.id}> until 2026-12-24`)).text).toContain('paused until Thu, 24 Dec 2026');
  });
});

describe('/cascade cadence', () => {
  test('When anyone lists cadences, then each level says when, how and for how long', async () => {
    const reply = await say(PEOPLE.raj.id, 'cadence list');
    expect(reply.text).toContain(
      "*Manager ↔ each rep, weekly* (`manager_reps`, Manager ↔ reps)\nevery Monday at 10:00, each person's local time · one by one, by DM · answer within 2 working days · one reminder",
    );
    expect(reply.text).toContain('the first Monday of the month at 09:00');
    expect(reply.text).toContain('team, in no channel yet');
  });

  test('When an admin changes a cadence, then it is stored; bad values say what is allowed and change nothing', async () => {
    const set = await say(PEOPLE.admin.id, 'cadence set manager_reps tuesday at 09:30 window 3');
    expect(set.text).toContain('every Tuesday at 09:30');
    expect(set.text).toContain('answer within 3 working days');
    const row = () =>
      db.db.selectFrom('cadence').selectAll().where('team_id', '=', app.teamId).where('key', '=', 'manager_reps').executeTakeFirstOrThrow();
    expect(await row()).toMatchObject({ weekday: 2, local_time: '09:30', answer_window_days: 3 });

    expect((await say(PEOPLE.admin.id, 'cadence set manager_reps at 25:00')).text).toContain(
      '"25:00" is not a time: give HH:MM on a 24-hour clock',
    );
    expect((await say(PEOPLE.admin.id, 'cadence set manager_reps fortnightly')).text).toContain(
      'I could not read "fortnightly". Allowed: weekly, biweekly, monthly',
    );
    expect((await say(PEOPLE.admin.id, 'cadence set manager_reps window 30')).text).toContain('from 1 to 14');
    expect((await say(PEOPLE.admin.id, 'cadence set manager_reps cron "every monday"')).text).toContain('is not a cron expression');
    expect((await say(PEOPLE.admin.id, 'cadence set manager_reps cron "*/5 * * * *"')).text).toContain(
      'give the minute and the hour as single numbers',
    );
    expect((await say(PEOPLE.admin.id, 'cadence set president_managers_team team on')).text).toContain(
      'A team cadence posts its rounds in a channel',
    );
    expect((await say(PEOPLE.admin.id, 'cadence set nobody weekly')).text).toContain(
      'There is no cadence "nobody". The cadences are: ceo_president, president_managers_team, president_managers, manager_reps.',
    );
    expect(await row()).toMatchObject({ weekday: 2, local_time: '09:30', answer_window_days: 3, frequency: 'weekly', cron: null });

    const cron = await say(PEOPLE.admin.id, 'cadence set manager_reps cron "0 10 * * 1,4"');
    expect(cron.text).toContain('cron `0 10 * * 1,4` (at 10:00)');
    expect(await row()).toMatchObject({ frequency: 'cron', cron: '0 10 * * 1,4', local_time: '10:00' });
    const back = await say(PEOPLE.admin.id, 'cadence set manager_reps weekly monday window 2');
    expect(back.text).toContain('every Monday at 10:00');
  });

  test('When someone who is not an admin changes a cadence, then they are refused and told whom to ask', async () => {
    const reply = await say(PEOPLE.ann.id, 'cadence set manager_reps friday');
    expect(reply.text).toContain('Only Cascade admins can change cadences.');
  });
});

describe('/cascade questions', () => {
  test('When an admin lists, adds, rewords and retires questions, then each is stored; an interrogation is refused with a suggestion', async () => {
    const list = await say(PEOPLE.admin.id, 'questions list manager_reps');
    expect(list.text).toContain('What worked this week, and why?');
    expect(list.text).not.toContain('What role did I play');

    const refused = await say(PEOPLE.admin.id, 'questions add manager_reps text obstacles "Why didn\'t you hit your number this week?"');
    expect(refused.text).toBe(
      `"Why didn't you" reads as an interrogation, and Cascade asks constructive questions about a person's own experience and process. Try something like "What got in the way, and what would help next time?"`,
    );
    expect((await say(PEOPLE.admin.id, 'questions add manager_reps long_text reflection "Please justify your forecast."')).text).toContain(
      '"justify" reads as an interrogation',
    );
    expect((await say(PEOPLE.admin.id, 'questions add manager_reps essay process "What helped?"')).text).toContain(
      'Give a kind: text, long_text',
    );

    const added = await say(
      PEOPLE.admin.id,
      'questions add manager_reps text process "Which step of your process saved you the most time this week?"',
    );
    const id = Number(/^Added question (\d+):/.exec(added.text)![1]);
    expect(await db.db.selectFrom('question').selectAll().where('id', '=', id).executeTakeFirstOrThrow()).toMatchObject({
      team_id: app.teamId,
      kind: 'text',
      intent: 'process',
      levels: ['manager_reps'],
    });

    expect((await say(PEOPLE.admin.id, `questions edit ${id} "Explain your failure to follow the process."`)).text).toContain(
      'reads as an interrogation',
    );
    expect((await say(PEOPLE.admin.id, `questions edit ${id} "Which step of your process helped you most this week?"`)).text).toBe(
      `Reworded question ${id}: Which step of your process helped you most this week?`,
    );
    expect((await say(PEOPLE.admin.id, `questions retire ${id}`)).text).toContain(`Retired question ${id}`);
    expect((await say(PEOPLE.admin.id, `questions retire ${id}`)).text).toBe(
      `There is no question number ${id}: see \`/cascade questions list\`.`,
    );
    expect((await say(PEOPLE.admin.id, 'questions list manager_reps')).text).not.toContain('Which step of your process');
  });

  test('When a choice question breaks Slack’s limits for a menu, then it is refused when added, saying the limit, and nothing is stored', async () => {
    const count = async () =>
      Number(
        (
          await db.db
            .selectFrom('question')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await count();
    const many = Array.from({ length: 101 }, (_, i) => `Stage ${i + 1}`).join('|');
    expect((await say(PEOPLE.admin.id, `questions add manager_reps choice process "Which stage is hardest?" choices "${many}"`)).text).toBe(
      "A choice question can have at most 100 choices (Slack's limit for a menu); this one has 101.",
    );
    const long = 'L'.repeat(76);
    expect(
      (await say(PEOPLE.admin.id, `questions add manager_reps choice process "Which stage is hardest?" choices "Demo|${long}"`)).text,
    ).toContain("Each choice can be at most 75 characters (Slack's limit)");
    expect(
      (await say(PEOPLE.admin.id, 'questions add manager_reps choice process "Which stage is hardest?" choices "Demo|Close|demo"')).text,
    ).toBe('The choice "demo" is given twice: each choice must be different.');
    expect(await count()).toBe(before);
    const hundred = Array.from({ length: 100 }, (_, i) => `Stage ${i + 1}`).join('|');
    expect(
      (await say(PEOPLE.admin.id, `questions add manager_reps choice process "Which stage is hardest?" choices "${hundred}"`)).text,
    ).toContain('Added question');
    await db.db.deleteFrom('question').where('text', '=', 'Which stage is hardest?').execute();
  });

  test('When a shipped question is retired in one workspace, then the bank Cascade ships keeps it', async () => {
    const list = await say(PEOPLE.admin.id, 'questions list manager_reps');
    const id = Number(/\*(\d+)\.\* Did you get the coaching you needed this week\?/.exec(list.text)![1]);
    await say(PEOPLE.admin.id, `questions retire ${id}`);
    const shipped = await db.db
      .selectFrom('question')
      .select('active')
      .where('team_id', 'is', null)
      .where('text', '=', 'Did you get the coaching you needed this week?')
      .executeTakeFirstOrThrow();
    expect(shipped.active).toBe(true);
  });

  test('When a rep tries to add a question, then only admins may', async () => {
    expect((await say(PEOPLE.raj.id, 'questions add manager_reps text process "What helped you most?"')).text).toContain(
      'Only Cascade admins can add questions.',
    );
  });
});
