import { ensureWorkspaceDefaults } from '../../src/checkins/cadences';
import { addDays } from '../../src/time/calendar';
import { useFixture } from '../support/cascade';
import { pastCheckin } from '../support/history';
import { PEOPLE } from '../support/org-fixture';

/*
 * The monthly analytics pack over four months (August to November 2026), read on 2 December by the CEO and the
 * President, the same for both; nobody else gets it.
 */

const now = { current: new Date('2026-12-02T12:00:00Z') };
const f = useFixture({ now });
const say = async (userId: string, text: string) => f.app.reply((await f.app.command(userId, text)).responseId);

/** Mondays from 3 August to 30 November. */
const MONDAYS = Array.from({ length: 18 }, (_, i) => addDays('2026-08-03', 7 * i));

const checkin = (leaderId: string, personId: string, occurrence: string, answered: boolean, obstacle?: string) =>
  pastCheckin(f, {
    cadence: 'manager_reps',
    leaderId,
    personId,
    occurrence,
    answered,
    answers: obstacle ? [{ intent: 'obstacles', text: obstacle }] : [],
  });

beforeAll(async () => {
  const db = f.db.db;
  await ensureWorkspaceDefaults(db, f.app.teamId);
  const { ann, bob, raj, mia, leo, ceo, president } = PEOPLE;
  for (const o of MONDAYS) {
    const november = o >= '2026-11-01';
    // Ann's reps answer every week; in November both name legal review. Bob's Leo stops answering in November.
    await checkin(ann.id, raj.id, o, true, november ? 'Legal review slows every deal' : 'Quiet week');
    await checkin(ann.id, mia.id, o, true, november ? 'Waiting on legal review' : 'Pipeline is thin');
    await checkin(bob.id, leo.id, o, !november);
  }
  // The CEO's monthly conversation with Pat, answered each month.
  for (const o of ['2026-08-03', '2026-09-07', '2026-10-05', '2026-11-02'])
    await pastCheckin(f, { cadence: 'ceo_president', leaderId: ceo.id, personId: president.id, occurrence: o, answered: true });
  // Monthly call goals: Ann's team on pace every month; Bob's slides from 90% to 40% by November.
  for (const [person, leader] of [
    [raj.id, ann.id],
    [mia.id, ann.id],
    [leo.id, bob.id],
  ] as const) {
    await db
      .insertInto('goal')
      .values({
        team_id: f.app.teamId,
        owner_id: person,
        scope: 'person',
        name: 'Calls',
        unit: 'count',
        target: 100,
        period: 'month',
        created_by: leader,
        created_at: new Date('2026-07-01T00:00:00Z'),
      })
      .execute();
    for (const [month, value] of [
      ['2026-08-31', person === leo.id ? 90 : 100],
      ['2026-09-30', person === leo.id ? 80 : 100],
      ['2026-10-31', person === leo.id ? 60 : 105],
      ['2026-11-30', person === leo.id ? 40 : 100],
    ] as const)
      await db
        .insertInto('progress')
        .values({
          team_id: f.app.teamId,
          person_id: person,
          goal_name: 'Calls',
          value,
          recorded_on: month,
          source: 'import',
          source_ref: null,
        })
        .execute();
  }
  // Flags closed in November: two as territory, one as the person; one in October as territory.
  for (const [closed, factor] of [
    ['2026-10-20', 'territory'],
    ['2026-11-10', 'territory'],
    ['2026-11-18', 'territory'],
    ['2026-11-25', 'person'],
  ] as const)
    await db
      .insertInto('flag')
      .values({
        team_id: f.app.teamId,
        person_id: leo.id,
        rule: 'missed_in_a_row',
        detail: 'missed 2 check-ins in a row',
        raised_at: new Date(`${addDays(closed, -3)}T12:00:00Z`),
        status: 'closed',
        org_factors: 'His territory was split in October.',
        org_factor: factor,
        closed_by: bob.id,
        closed_at: new Date(`${closed}T12:00:00Z`),
      })
      .execute();
  // The CEO's own commitment to the organisation, kept; the President's to him, not kept.
  await db
    .insertInto('commitment')
    .values([
      {
        team_id: f.app.teamId,
        owner_id: ceo.id,
        leader_id: null,
        text: 'Hire a second SE for the West',
        due_date: '2026-11-20',
        status: 'done',
        closed_at: new Date('2026-11-19T12:00:00Z'),
      },
      {
        team_id: f.app.teamId,
        owner_id: president.id,
        leader_id: ceo.id,
        text: 'Fix the discount desk turnaround',
        due_date: '2026-11-15',
        status: 'missed',
        closed_at: new Date('2026-11-16T12:00:00Z'),
      },
      // Below them: Raj's to Ann kept, Mia's partly; made in November.
      ...[
        [raj.id, 'done'],
        [mia.id, 'partly'],
      ].map(([owner, status]) => ({
        team_id: f.app.teamId,
        owner_id: owner!,
        leader_id: ann.id,
        text: 'Book three discovery calls',
        due_date: '2026-11-13',
        status: status as 'done' | 'partly',
        created_at: new Date('2026-11-09T12:00:00Z'),
        closed_at: new Date('2026-11-13T12:00:00Z'),
      })),
    ])
    .execute();
});

describe('The monthly analytics pack', () => {
  test('When the CEO asks for November’s pack, then it shows six months of goals and the cascade’s health, the factors, the themes, their own commitments and three questions from what changed', async () => {
    const pack = await say(PEOPLE.ceo.id, 'pack 2026-11');
    const text = JSON.stringify(pack.blocks);
    expect(pack.text).toBe('Monthly analytics for November 2026, for Casey Chen and Pat Rivera.');
    expect(text).toContain('Monthly analytics: November 2026');
    expect(text).toContain('bars: Jun → Nov');
    // Bob's team slid month by month: one of the level's two teams behind pace, and named; Ann's is not.
    expect(text).toMatch(/Manager ↔ reps `[^`]{6}` \d+% of goal — \*1 of 2 teams behind pace\*/);
    expect(text).toMatch(/Furthest behind: Bob Stone's team \(40%, \d+ pts behind\)/);
    expect(text).not.toContain("Ann Lee's team");
    // Manager ↔ reps: 13 of 13 answered in October, 8 of 12 in November.
    expect(text).toMatch(/Manager ↔ reps `[^`]{6}` 67% answered/);
    expect(text).toContain('• territory: 2 (+1)');
    expect(text).toContain('• the person: 1 (+1)');
    expect(text).toContain('“legal review” — obstacle, 2 people (new)');
    expect(text).toContain('Casey Chen: “Hire a second SE for the West” — kept');
    // In all (the CEO's and Raj's kept, Mia's partly, Pat's not: 2.5 of 4), then by the level of the leader each was made to.
    expect(text).toMatch(/\*Commitments\* `[^`]{6}` 2 made · 63% kept of 4 closed/);
    expect(text).toMatch(/• CEO ↔ President `[^`]{6}` 0 made · 0% kept of 1 closed/);
    expect(text).toMatch(/• Manager ↔ reps `[^`]{6}` 2 made · 75% kept of 2 closed/);
    expect(text).toContain('Pat Rivera: “Fix the discount desk turnaround” — not kept');
    const questions = text.slice(text.indexOf('*Questions for your conversation*'));
    expect(questions).toContain("1. Bob Stone's team ended November");
    expect(questions).toMatch(/Manager ↔ reps: 67% of check-ins answered, from 100% the month before/);
    expect(questions).toMatch(/“legal review” came up from 2 people \(0 the month before\)|2 flags were closed as territory/);
  });

  test('When the President asks, then he gets the same pack; a manager, a rep or a peer’s report is refused', async () => {
    const ceo = await say(PEOPLE.ceo.id, 'pack 2026-11');
    const president = await say(PEOPLE.president.id, 'pack 2026-11');
    expect(president.blocks).toEqual(ceo.blocks);
    expect((await say(PEOPLE.ann.id, 'pack')).text).toContain(
      'The monthly analytics pack is for the top of the chain and their direct reports.',
    );
    expect((await say(PEOPLE.raj.id, 'pack')).text).toContain('for the top of the chain');
    expect((await say(PEOPLE.president.id, `pack <@${PEOPLE.ann.id}>`)).text).toContain('yours only');
    expect((await say(PEOPLE.ceo.id, 'pack November')).text).toContain('Say whose pack and which month');
  });
});
