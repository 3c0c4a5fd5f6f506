import { heardBelow } from '../../src/checkins/briefs';
import { setGoal } from '../../src/accountability/goals';
import { scopeOf } from '../../src/org/policy';
import { ensureWorkspaceDefaults } from '../../src/checkins/cadences';
import { buildDigest } from '../../src/digests/figures';
import { recurringPhrases as phrasesOf } from '../../src/checkins/phrases';
import { scheduledDay } from '../../src/digests/settings';
import { tick } from '../../src/scheduler/tick';
import { digestMessage } from '../../src/slack/blocks/digest';
import type { TestApp } from '../support/app';
import { tickDeps, useFixture } from '../support/cascade';
import type { TestDb } from '../support/db';
import type { SlackStandIn } from '../../src/slack/stand-in/slack';
import { PEOPLE } from '../support/org-fixture';
import { digestPeriods } from '../../src/time/periods';

let db: TestDb;
let slack: SlackStandIn;
let app: TestApp;
const now = { current: new Date('2026-11-29T12:00:00Z') };
let cadenceId: number;
const CHANNEL = 'CTEAMANN';

const f = useFixture({ now, wake: true });

beforeAll(async () => {
  ({ db, slack, app } = f);
  await ensureWorkspaceDefaults(db.db, app.teamId);
  cadenceId = (
    await db.db
      .selectFrom('cadence')
      .select('id')
      .where('team_id', '=', app.teamId)
      .where('key', '=', 'manager_reps')
      .executeTakeFirstOrThrow()
  ).id;
  // Week of 16 Nov: everyone answers. Week of 23 Nov: Raj answers and shares; Mia misses; Leo misses (nobody answered Bob's round).
  await week(PEOPLE.raj.id, PEOPLE.ann.id, '2026-11-16', 'answered', { confidence: 3, obstacle: 'Legal review slows every contract' });
  await week(PEOPLE.mia.id, PEOPLE.ann.id, '2026-11-16', 'answered', { confidence: 4, obstacle: 'Pricing approvals and legal review' });
  await week(PEOPLE.leo.id, PEOPLE.bob.id, '2026-11-16', 'answered', { confidence: 5 });
  await week(PEOPLE.raj.id, PEOPLE.ann.id, '2026-11-23', 'answered', {
    confidence: 5,
    obstacle: 'Legal review again',
    shared: 'Multi-threading into the CFO early',
    secret: 'My private worry about my manager',
  });
  await week(PEOPLE.mia.id, PEOPLE.ann.id, '2026-11-23', 'missed');
  await week(PEOPLE.leo.id, PEOPLE.bob.id, '2026-11-23', 'missed');
  await db.db
    .insertInto('flag')
    .values({
      team_id: app.teamId,
      person_id: PEOPLE.mia.id,
      rule: 'missed_in_a_row',
      detail: 'x',
      raised_at: new Date('2026-11-25T12:00:00Z'),
      org_factors: null,
      closed_by: null,
      closed_at: null,
    })
    .execute();
  // Goals: Raj 60 and Mia 30 of 100 calls this month by 29 November; a December figure must not count.
  for (const [id, value] of [
    [PEOPLE.raj.id, 60],
    [PEOPLE.mia.id, 30],
  ] as const) {
    await setGoal(await scopeOf(db.db, app.teamId, PEOPLE.ann.id, [], now.current), {
      ownerId: id,
      scope: 'person',
      name: 'Calls',
      target: 100,
      unit: 'count',
      period: 'monthly',
    });
    await db.db
      .insertInto('progress')
      .values({
        team_id: app.teamId,
        person_id: id,
        goal_name: 'Calls',
        value,
        recorded_on: '2026-11-27',
        source: 'import',
        source_ref: null,
      })
      .execute();
    await db.db
      .insertInto('progress')
      .values({
        team_id: app.teamId,
        person_id: id,
        goal_name: 'Calls',
        value: 99,
        recorded_on: '2026-12-01',
        source: 'import',
        source_ref: null,
      })
      .execute();
  }
});

async function week(
  personId: string,
  leaderId: string,
  occurrence: string,
  status: 'answered' | 'missed',
  a: { confidence?: number; obstacle?: string; shared?: string; secret?: string } = {},
) {
  const round = await db.db
    .insertInto('round')
    .values({
      team_id: app.teamId,
      cadence_id: cadenceId,
      leader_id: leaderId,
      occurrence,
      status: 'closed',
      closes_at: new Date(`${occurrence}T12:00:00Z`),
      closed_at: null,
      channel_id: null,
      thread_ts: null,
    })
    .onConflict((oc) => oc.columns(['cadence_id', 'leader_id', 'occurrence']).doUpdateSet({ status: 'closed' }))
    .returning('id')
    .executeTakeFirstOrThrow();
  const due = new Date(`${occurrence}T10:00:00Z`);
  const c = await db.db
    .insertInto('checkin')
    .values({
      team_id: app.teamId,
      round_id: round.id,
      person_id: personId,
      status,
      skip_reason: null,
      due_at: due,
      closes_at: new Date(due.getTime() + 172_800_000),
      snoozed_until: null,
      answered_at: null,
      reminded_at: null,
      channel_id: null,
      message_ts: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const rows = [
    a.confidence !== undefined
      ? {
          kind: 'rating_1_5',
          intent: 'goals',
          question_text: 'How confident are you in reaching your goal? (1 = not at all, 5 = fully)',
          value_text: null,
          value_number: a.confidence,
          shared: false,
        }
      : null,
    a.obstacle
      ? {
          kind: 'text',
          intent: 'obstacles',
          question_text: 'Which obstacle is slowing you down most right now?',
          value_text: a.obstacle,
          value_number: null,
          shared: false,
        }
      : null,
    a.shared
      ? {
          kind: 'long_text',
          intent: 'methodology',
          question_text: 'What worked this week, and why?',
          value_text: a.shared,
          value_number: null,
          shared: true,
        }
      : null,
    a.secret
      ? {
          kind: 'text',
          intent: 'support',
          question_text: 'What would help you most from me?',
          value_text: a.secret,
          value_number: null,
          shared: false,
        }
      : null,
  ].filter((r) => r !== null);
  let position = 0;
  for (const r of rows)
    await db.db
      .insertInto('answer')
      .values({ ...r, checkin_id: c.id, question_id: null, position: ++position })
      .execute();
}

describe('Digest figures', () => {
  test('When the team digest of Ann is built for the week of 23 November, then each figure matches the history, against the week before', async () => {
    const { current, previous } = digestPeriods('weekly', '2026-11-30');
    expect(current).toEqual({ start: '2026-11-23', end: '2026-11-29' });
    const d = await buildDigest(db.db, { teamId: app.teamId, scope: 'team', ownerId: PEOPLE.ann.id, current, previous });
    expect(d.levels).toEqual([
      {
        level: 'manager_reps',
        label: 'Manager ↔ reps',
        due: { now: 2, before: 2 },
        answered: { now: 1, before: 2 },
        missed: { now: 1, before: 0 },
        skipped: { now: 0, before: 0 },
        conversations: { now: 0, before: 0 },
      },
    ]);
    expect(d.participation).toEqual({ now: 0.5, before: 1 });
    expect(d.ratings).toEqual([
      { question: 'How confident are you in reaching your goal? (1 = not at all, 5 = fully)', now: 5, before: 3.5 },
    ]);
    expect(d.highlights).toEqual([
      { name: 'Raj Patel', question: 'What worked this week, and why?', text: 'Multi-threading into the CFO early' },
    ]);
    // A digest's themes are made of shared answers only: that week one (Raj's, of what worked), so nothing recurred.
    expect(d.themes).toEqual([]);
    expect(d.themeAnswers).toBe(1);
    expect(d.openFlags).toEqual({ now: 1, before: 0 });
    expect(d.brokenLinks).toEqual([]);
    // The goals were set this month: there is no same day of the month before to compare with.
    expect(d.goals).toEqual([{ leader: 'Ann Lee', goals: 2, attainment: expect.closeTo(0.45, 6), paceGap: -52, before: null }]);
    const text = JSON.stringify(digestMessage(d));
    expect(text).toContain('*Manager ↔ reps*: 2 (±0) due → 1 (−1) answered · 1 (+1) missed · 0 (±0) skipped · 0 (±0) 1:1s held');
    expect(text).toContain('*Participation*: 50% (−50 pts)');
    expect(text).toContain('*How confident are you in reaching your goal?*: 5.0 (+1.5) of 5');
    expect(text).toContain('“Multi-threading into the CFO early” — Raj Patel');
    expect(text).toContain("• Ann Lee's team: 45% of goal (2 goals) — behind pace by 52 pts");
    // Flags are for leaders: a team channel is read by the reps, so the team digest does not count them.
    expect(text).not.toContain('Open flags');
    expect(text).toContain('*What keeps coming up*: nothing yet: nothing shared was named by two people or more (1 shared answers).');
    expect(text).toContain('*Sales Excellence*');
    expect(text).not.toContain('private worry');
  });

  test('When a leader’s round had nobody answering, then the brief above names it on its level’s line; a round with one answer is not named', async () => {
    const heard = await heardBelow(db.db, app.teamId, PEOPLE.president.id, 1, '2026-11-22', '2026-11-29');
    expect(heard).toEqual([
      expect.objectContaining({ label: 'Manager ↔ reps', due: 3, answered: 1, broken: [{ name: 'Bob Stone', due: 1 }] }),
    ]);
  });

  test('When a monthly goal is compared, then month to date is set against the month before to the same day, never against last week', async () => {
    // Leo's monthly goal, set in October: 8 of 10 by 29 October; 4 by 20 November and 6 by 27 November.
    await db.db
      .insertInto('goal')
      .values({
        team_id: app.teamId,
        owner_id: PEOPLE.leo.id,
        scope: 'person',
        name: 'Demos',
        unit: 'count',
        target: 10,
        period: 'month',
        created_by: PEOPLE.bob.id,
        created_at: new Date('2026-10-01T09:00:00Z'),
      })
      .execute();
    for (const [value, on] of [
      [8, '2026-10-29'],
      [4, '2026-11-20'],
      [6, '2026-11-27'],
    ] as const) {
      await db.db
        .insertInto('progress')
        .values({
          team_id: app.teamId,
          person_id: PEOPLE.leo.id,
          goal_name: 'Demos',
          value,
          recorded_on: on,
          source: 'import',
          source_ref: null,
        })
        .execute();
    }
    const { current, previous } = digestPeriods('weekly', '2026-11-30');
    const d = await buildDigest(db.db, { teamId: app.teamId, scope: 'team', ownerId: PEOPLE.bob.id, current, previous });
    // 60% on 29 November against 80% on 29 October: −20, not +20 against the 40% of the week before.
    expect(d.goals).toEqual([
      { leader: 'Bob Stone', goals: 1, attainment: expect.closeTo(0.6, 6), paceGap: expect.any(Number), before: expect.closeTo(0.8, 6) },
    ]);
    expect(JSON.stringify(digestMessage(d))).toContain("• Bob Stone's team: 60% (−20 pts) of goal (1 goal)");
    expect(JSON.stringify(digestMessage(d))).toContain('against the same day of the period before');
    await db.db.deleteFrom('progress').where('goal_name', '=', 'Demos').execute();
    await db.db.deleteFrom('goal').where('name', '=', 'Demos').execute();
  });

  test('When the org digest is built, then the leader whose round nobody answered is named, and private answers still stay out', async () => {
    const { current, previous } = digestPeriods('weekly', '2026-11-30');
    const d = await buildDigest(db.db, { teamId: app.teamId, scope: 'org', current, previous });
    expect(d.brokenLinks).toEqual([{ name: 'Bob Stone', label: 'Manager ↔ reps', due: 1 }]);
    expect(d.levels[0]).toMatchObject({ due: { now: 3, before: 3 }, answered: { now: 1, before: 3 } });
    const text = JSON.stringify(digestMessage(d));
    expect(text).toContain('• Bob Stone (Manager ↔ reps): 1 due, none answered');
    expect(text).not.toContain('private worry');
  });

  test('When obstacle answers are read, then phrases that two people or more wrote are counted by people, grouped by meaning and shown as someone wrote them; single words and numbers are not', () => {
    const said = (person: string, text: string, shared = false) => ({ person, text, shared });
    // The grouping key (the stems) is checked by the themes' tests; here, what a reader sees.
    const recurringPhrases = (...args: Parameters<typeof phrasesOf>) => phrasesOf(...args).map(({ key: _key, ...p }) => p);
    expect(
      recurringPhrases([
        said('A', 'The legal review of every contract'),
        said('B', 'Legal review, again, and pricing approvals'),
        said('C', 'Waiting on pricing approvals from finance'),
        said('C', 'pricing approvals (said twice by one person)'),
        said('D', 'Average deal size for companies of 50-200'),
      ]),
    ).toEqual([
      { phrase: 'legal review', count: 2, quote: null },
      { phrase: 'pricing approvals', count: 2, quote: null },
    ]);
    // A whole phrase as written ("too" kept between its words), never a fragment like "territory small".
    expect(
      recurringPhrases([said('A', 'Territory too small in the north region'), said('B', 'territory too small, north region')]),
    ).toEqual([
      { phrase: 'north region', count: 2, quote: null },
      { phrase: 'territory too small', count: 2, quote: null },
    ]);
    // One stem, several spellings: "approval" and "approvals" are the same obstacle, shown as the shortest way it was
    // written; the quote is from a shared answer only.
    expect(
      recurringPhrases([
        said('A', 'The pricing approval takes ages'),
        said('B', 'pricing approvals take too long', true),
        said('C', 'Pricing approvals taking forever'),
      ]),
    ).toEqual([{ phrase: 'pricing approval', count: 3, quote: { person: 'B', text: 'pricing approvals take too long' } }]);
    expect(recurringPhrases([said('A', '50-200 average companies'), said('B', 'companies average')])).toEqual([]);
  });

  test('When the same highlight is shared twice by one person in a period, then the digest shows it once', async () => {
    const raj = await db.db
      .selectFrom('answer as a')
      .innerJoin('checkin as c', 'c.id', 'a.checkin_id')
      .select('a.checkin_id')
      .where('c.person_id', '=', PEOPLE.raj.id)
      .where('a.shared', '=', true)
      .executeTakeFirstOrThrow();
    const copy = await db.db
      .insertInto('answer')
      .values({
        checkin_id: raj.checkin_id,
        question_id: null,
        position: 9,
        question_text: 'What would you teach a new rep?',
        kind: 'long_text',
        intent: 'methodology',
        value_text: 'Multi-threading into the CFO early ',
        value_number: null,
        shared: true,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const { current, previous } = digestPeriods('weekly', '2026-11-30');
    const d = await buildDigest(db.db, { teamId: app.teamId, scope: 'org', current, previous });
    expect(d.highlights.map((h) => h.text.trim())).toEqual(['Multi-threading into the CFO early']);
    await db.db.deleteFrom('answer').where('id', '=', copy.id).execute();
  });
});

describe('Scheduled digests', () => {
  const say = async (userId: string, text: string) => app.reply((await app.command(userId, text)).responseId);

  test('When Ann sets her team digest for Monday 08:00, then ticks repeated and run at once post it once, in her channel', async () => {
    expect((await say(PEOPLE.ann.id, `digest channel team <#${CHANNEL}|team-ann>`)).text).toBe(
      `The team digest of <@${PEOPLE.ann.id}>'s team goes to <#${CHANNEL}>.`,
    );
    expect((await say(PEOPLE.ann.id, 'digest schedule team weekly monday 08:00')).text).toBe(
      'The team digest goes out every monday at 08:00, covering the last complete week.',
    );
    expect((await say(PEOPLE.raj.id, 'digest channel org <#CORG>')).text).toBe('Only Cascade admins set the org digest.');
    expect((await say(PEOPLE.ann.id, 'digest schedule team fortnightly monday 08:00')).text).toContain('Say weekly or monthly');

    const posts = () => slack.callsTo('chat.postMessage').filter((c) => c.args.channel === CHANNEL);
    await tick(tickDeps(db, slack, app.log), new Date('2026-11-30T07:59:00Z'));
    expect(posts()).toHaveLength(0);
    const at = new Date('2026-11-30T08:00:00Z');
    await Promise.all([tick(tickDeps(db, slack, app.log), at), tick(tickDeps(db, slack, app.log), at)]);
    await tick(tickDeps(db, slack, app.log), new Date('2026-11-30T09:00:00Z'));
    expect(posts()).toHaveLength(1);
    expect(posts()[0]!.args.text).toBe('Team digest: Ann Lee, 23 Nov – 29 Nov: check-ins answered 50%, commitments kept 0 of 0.');
    expect(JSON.stringify(posts()[0]!.args.blocks)).not.toContain('private worry');
  });

  test('When Raj previews his team digest, then it comes to him alone; Raj may not post it, nor preview the exec digest', async () => {
    const preview = await say(PEOPLE.raj.id, 'digest preview');
    expect(preview.response_type).toBe('ephemeral');
    expect(preview.text).toContain('Team digest: Ann Lee');
    expect((await say(PEOPLE.raj.id, 'digest now team')).text).toContain('Only Cascade admins can post this digest now.');
    expect((await say(PEOPLE.raj.id, 'digest preview exec')).text).toBe('The exec digest is for the CEO, the President and admins.');
    const before = slack.callsTo('chat.postMessage').filter((c) => c.args.channel === CHANNEL).length;
    // Monday 30 November: the week of 23 November was posted by the schedule at 08:00; on demand it is not posted twice.
    now.current = new Date('2026-11-30T10:00:00Z');
    expect((await say(PEOPLE.ann.id, 'digest now')).text).toBe(
      `The team digest for 23 Nov – 29 Nov was already posted in <#${CHANNEL}>: one digest per period.`,
    );
    expect(slack.callsTo('chat.postMessage').filter((c) => c.args.channel === CHANNEL)).toHaveLength(before);
    now.current = new Date('2026-11-29T12:00:00Z');
  });

  test('When the org digest falls due, then it is posted with its chart in the thread; when the upload fails, the exec digest still goes out and the failure is logged', async () => {
    await say(PEOPLE.admin.id, 'digest channel org <#CORGLEAD|sales-leaders>');
    await say(PEOPLE.admin.id, 'digest schedule org weekly monday 12:00');
    // On Monday 30 November at 08:00 in New York the admin posts the org digest on demand: it is that week's
    // digest, with its chart; the scheduled run at 12:00 (17:00 UTC) does not post it again.
    now.current = new Date('2026-11-30T13:00:00Z');
    expect((await say(PEOPLE.admin.id, 'digest now org')).text).toBe(
      "Posted the org digest for 23 Nov – 29 Nov in <#CORGLEAD>. It is this period's digest: the schedule will not post it again.",
    );
    await tick(tickDeps(db, slack, app.log), new Date('2026-11-30T17:00:00Z'));
    await tick(tickDeps(db, slack, app.log), new Date('2026-11-30T17:01:00Z'));
    expect((await say(PEOPLE.admin.id, 'digest now org')).text).toBe(
      'The org digest for 23 Nov – 29 Nov was already posted in <#CORGLEAD>: one digest per period.',
    );
    now.current = new Date('2026-11-29T12:00:00Z');
    const org = slack.callsTo('chat.postMessage').filter((c) => c.args.channel === 'CORGLEAD');
    expect(org).toHaveLength(1);
    expect(org[0]!.args.text).toContain('Sales organisation digest, 23 Nov – 29 Nov');
    const orgBlocks = JSON.stringify(org[0]!.args.blocks);
    expect(orgBlocks).toContain('*Manager ↔ reps*: 3 (±0) due → 1 (−2) answered · 2 (+2) missed · 0 (±0) skipped · 0 (±0) 1:1s held');
    expect(orgBlocks).toContain('• Bob Stone (Manager ↔ reps): 1 due, none answered');
    expect(orgBlocks).toContain('*Participation*: 33% (−67 pts)');
    expect(orgBlocks).toContain('“Multi-threading into the CFO early” — Raj Patel');
    expect(orgBlocks).toContain('*What keeps coming up*: nothing yet');
    expect(orgBlocks).toContain('*Open flags*: 1 (+1)');
    expect(orgBlocks).not.toContain('private worry');
    const complete = slack.callsTo('files.completeUploadExternal');
    expect(complete).toHaveLength(1);
    expect(complete[0]!.args.channel_id).toBe('CORGLEAD');
    expect(complete[0]!.args.thread_ts).toBeDefined();
    const [uploaded] = [...slack.uploads.values()];
    // The upload is multipart; the PNG it carries starts with the PNG signature and ends with IEND.
    const start = uploaded!.indexOf(Buffer.from('89504e470d0a1a0a', 'hex'));
    expect(start).toBeGreaterThan(-1);
    expect(uploaded!.indexOf(Buffer.from('IEND'), start)).toBeGreaterThan(start + 1000);

    await say(PEOPLE.admin.id, 'digest channel exec <#CEXEC|exec>');
    await say(PEOPLE.admin.id, 'digest schedule exec monthly monday 08:00');
    // A month before November with a conversation in it: two months with data, so the exec digest has a chart to draw.
    await week(PEOPLE.leo.id, PEOPLE.bob.id, '2026-10-19', 'answered', { confidence: 4 });
    // The CEO's and the President's monthly packs (their conversation is on Monday 7 December) go first, with their charts.
    await tick(tickDeps(db, slack, app.log), new Date('2026-12-07T12:30:00Z'));
    slack.onNext('files.getUploadURLExternal', { error: 'not_allowed_token_type' });
    await tick(tickDeps(db, slack, app.log), new Date('2026-12-07T13:00:00Z'));
    const exec = slack.callsTo('chat.postMessage').filter((c) => c.args.channel === 'CEXEC');
    expect(exec).toHaveLength(1);
    expect(exec[0]!.args.text).toContain('Exec digest, 1 Nov – 30 Nov');
    const execBlocks = JSON.stringify(exec[0]!.args.blocks);
    // November: the six seeded check-ins and the three of 30 November's round (planned by the ticks above, never answered).
    expect(execBlocks).toContain('*Manager ↔ reps*: 9 (+8) due → 4 (+3) answered · 5 (+5) missed · 0 (±0) skipped · 0 (±0) 1:1s held');
    expect(execBlocks).toContain("• Ann Lee's team: 45% of goal (2 goals) — behind pace by 55 pts");
    expect(execBlocks).not.toContain('private worry');
    expect(app.logs.lines.some((l) => l.msg === 'the digest chart could not be uploaded; the digest went out without it')).toBe(true);
    await tick(tickDeps(db, slack, app.log), new Date('2026-12-07T14:00:00Z'));
    expect(slack.callsTo('chat.postMessage').filter((c) => c.args.channel === 'CEXEC')).toHaveLength(1);
  });

  test('When the exec digest goes by DM, a day late after downtime, then the CEO and the President each get it once', async () => {
    expect((await say(PEOPLE.admin.id, 'digest channel exec dm')).text).toBe('The exec digest goes to the CEO and the President by DM.');
    expect((await say(PEOPLE.admin.id, 'digest channel org dm')).text).toBe(
      'Only the exec digest can go by DM (to the CEO and the President).',
    );
    // Due on the first Monday of January 2027, 08:00 in New York; nothing ran that day, so the next
    // morning's ticks catch up, once.
    for (const at of ['2027-01-05T13:00:00Z', '2027-01-05T13:01:00Z', '2027-01-06T13:00:00Z'])
      await tick(tickDeps(db, slack, app.log), new Date(at));
    const dms = slack.callsTo('chat.postMessage').filter((c) => String(c.args.text).startsWith('Exec digest, 1 Dec – 31 Dec'));
    expect(dms.map((c) => c.args.to_user).sort()).toEqual([PEOPLE.ceo.id, PEOPLE.president.id].sort());
  });
});

describe('When a digest is due', () => {
  test('When the scheduled day is given, then it is that weekday of the week, or the first of it in the month', () => {
    expect(scheduledDay('weekly', 1, '2026-11-27')).toBe('2026-11-23');
    expect(scheduledDay('weekly', 0, '2026-11-27')).toBe('2026-11-29');
    expect(scheduledDay('monthly', 1, '2026-11-27')).toBe('2026-11-02');
    expect(scheduledDay('monthly', 2, '2026-12-31')).toBe('2026-12-01');
  });
});
