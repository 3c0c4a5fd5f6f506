import { makeCommitment } from '../../src/accountability/commitments';
import { scopeOf } from '../../src/org/policy';
import { evaluateFlags } from '../../src/accountability/flags';
import { reportProgress, setGoal } from '../../src/accountability/goals';
import { LIMITS } from '../../src/slack/ids';
import type { TestApp } from '../support/app';
import { importFixtureOrg, useFixture } from '../support/cascade';
import type { TestDb } from '../support/db';
import type { SlackStandIn } from '../../src/slack/stand-in/slack';
import { PEOPLE } from '../support/org-fixture';

let db: TestDb;
let slack: SlackStandIn;
let app: TestApp;
const now = { current: new Date('2026-11-18T12:00:00Z') };
const ZOE = 'UMGR0050';
const zoeReps = Array.from({ length: 50 }, (_, i) => `UZREP${String(i).padStart(3, '0')}`);

const f = useFixture({ now, org: 'none', workingHours: 'default' });

beforeAll(async () => {
  ({ db, slack, app } = f);
  const team = app.teamId;
  await importFixtureOrg(db, slack, team, now.current);
  // Zoe, a third manager under Pat, leads fifty reps, each with a goal, progress, a commitment and a flag.
  await db.db
    .insertInto('person')
    .values([
      {
        team_id: team,
        slack_user_id: ZOE,
        name: 'Zoe Quinn',
        email: null,
        role: 'manager',
        reports_to: PEOPLE.president.id,
        paused_until: null,
        profile_refreshed_at: null,
      },
      ...zoeReps.map((id, i) => ({
        team_id: team,
        slack_user_id: id,
        name: `Rep ${i} Long-Surname-Of-Someone`,
        email: null,
        role: 'rep' as const,
        reports_to: ZOE,
        paused_until: null,
        profile_refreshed_at: null,
      })),
    ])
    .execute();
  for (const id of zoeReps) {
    await setGoal(await scopeOf(db.db, team, ZOE, [], now.current), {
      ownerId: id,
      scope: 'person',
      name: 'New pipeline',
      target: 100000,
      unit: 'USD',
      period: 'monthly',
    });
    await reportProgress(db.db, { teamId: team, personId: id, name: 'New pipeline', value: 40000, now: now.current });
    await makeCommitment(await scopeOf(db.db, team, id, [], now.current), { text: `Secret plan of ${id}` });
    await db.db
      .insertInto('flag')
      .values({
        team_id: team,
        person_id: id,
        rule: 'confidence_drop',
        detail: 'confidence went from 5 to 2',
        org_factors: null,
        closed_by: null,
        closed_at: null,
      })
      .execute();
  }
  await setGoal(await scopeOf(db.db, team, PEOPLE.ann.id, [], now.current), {
    ownerId: PEOPLE.raj.id,
    scope: 'person',
    name: 'New pipeline',
    target: 250000,
    unit: 'USD',
    period: 'monthly',
  });
  await setGoal(await scopeOf(db.db, team, PEOPLE.ann.id, [], now.current), {
    ownerId: PEOPLE.mia.id,
    scope: 'person',
    name: 'Mia pipeline',
    target: 200000,
    unit: 'USD',
    period: 'monthly',
  });
  await reportProgress(db.db, { teamId: team, personId: PEOPLE.raj.id, name: 'New pipeline', value: 155000, now: now.current });
  await makeCommitment(await scopeOf(db.db, team, PEOPLE.raj.id, [], now.current), { text: 'Raj private commitment' });
  await makeCommitment(await scopeOf(db.db, team, PEOPLE.mia.id, [], now.current), { text: 'Mia private commitment' });
  await makeCommitment(await scopeOf(db.db, team, PEOPLE.ann.id, [], now.current), { text: 'Ann private commitment' });
  await db.db
    .insertInto('flag')
    .values({
      team_id: team,
      person_id: PEOPLE.raj.id,
      rule: 'missed_in_a_row',
      detail: 'missed 2 check-ins in a row',
      org_factors: null,
      closed_by: null,
      closed_at: null,
    })
    .execute();
  await evaluateFlags(db.db, team, now.current);
});

async function home(userId: string) {
  const before = slack.callsTo('views.publish').filter((c) => c.args.user_id === userId).length;
  await app.event({ type: 'app_home_opened', user: userId, channel: `D${userId}`, tab: 'home', event_ts: '1.1' });
  const calls = await slack.waitFor('views.publish', { count: before + 1, where: (c) => c.args.user_id === userId });
  const view = calls[calls.length - 1]!.args.view;
  return { view, text: JSON.stringify(view.blocks) };
}
const say = async (userId: string, text: string) => app.reply((await app.command(userId, text)).responseId);

describe('App Home', () => {
  test("When a rep opens it, then it shows the core value, her goal with its pace bar, her commitments and next check-in, and nobody else's", async () => {
    const { view, text } = await home(PEOPLE.raj.id);
    expect(view.blocks[0].text.text).toBe('Sales Excellence');
    expect(text).toContain('*New pipeline* — 155,000 USD of 250,000 USD this month');
    expect(text).toContain('▰▰▰▱▱ 62% — ahead of pace by 2 pts');
    expect(text).toContain('*Your commitments* — 1 open');
    expect(text).toContain('Raj private commitment');
    expect(text).toContain('Manager ↔ each rep, weekly with Ann Lee — Mon 23 Nov, 10:00');
    expect(text).not.toContain('Your team');
    for (const other of ['Mia private commitment', 'Ann private commitment', 'Mia pipeline', 'Secret plan'])
      expect(text).not.toContain(other);
  });

  test('When a manager of fifty opens it, then every report has a row and the view stays within 100 blocks', async () => {
    const { view, text } = await home(ZOE);
    expect(view.blocks.length).toBeLessThanOrEqual(LIMITS.blocksPerView);
    expect(text).toContain('Your team (50)');
    for (const id of zoeReps) expect(text).toContain(`<@${id}> — check-ins — · commitments kept — · behind by`);
    expect(text).toContain('behind by 20 pts · :triangular_flag_on_post: 1');
    for (const b of view.blocks) if (b.type === 'section') expect(b.text.text.length).toBeLessThanOrEqual(LIMITS.sectionText);
    expect(text).not.toContain('Secret plan');
  });

  test('When the CEO opens it, then the President is the one row; the admin outside the chain sees numbers only', async () => {
    const ceo = await home(PEOPLE.ceo.id);
    expect(ceo.text).toContain('Your team (1)');
    expect(ceo.text).toContain(`<@${PEOPLE.president.id}> — check-ins`);
    expect(ceo.text).not.toContain('private commitment');
    const admin = await home(PEOPLE.admin.id);
    expect(admin.text).toContain('The organisation, in numbers');
    expect(admin.text).toContain('open commitments: 53');
    expect(admin.text).toContain(
      '*Open flags across the organisation*: 51 about 51 people — check-ins missed in a row: 1 · confidence falling: 50.',
    );
    for (const leak of ['private commitment', 'Secret plan', 'New pipeline', PEOPLE.raj.id, 'confidence went'])
      expect(admin.text).not.toContain(leak);
  });

  test('When the admin outside the chain lists flags, then the organisation’s are counted, never whose; a rep with nobody below hears there are none below them', async () => {
    const admin = JSON.stringify(await say(PEOPLE.admin.id, 'flags'));
    expect(admin).toContain('*Open flags across the organisation*: 51 about 51 people');
    expect(admin).not.toContain('No open flags about the people below you');
    for (const leak of ['Raj', 'Rep 0', 'confidence went', PEOPLE.raj.id]) expect(admin).not.toContain(leak);
    expect((await say(PEOPLE.raj.id, 'flags')).text).toBe('No open flags about the people below you.');
  });
});

describe('Who may see what', () => {
  const allowed = (text: string) => !/is not below you|No open flags/.test(text);
  const cases: [string, string, string, boolean][] = [
    ['rep ↔ rep', PEOPLE.mia.id, PEOPLE.raj.id, false],
    ['rep → own manager', PEOPLE.raj.id, PEOPLE.ann.id, false],
    ['manager → other manager’s rep', PEOPLE.bob.id, PEOPLE.raj.id, false],
    ['president → a rep below', PEOPLE.president.id, PEOPLE.raj.id, true],
    ['CEO → a rep two levels below', PEOPLE.ceo.id, PEOPLE.raj.id, true],
    ['admin outside the chain → a rep', PEOPLE.admin.id, PEOPLE.raj.id, false],
  ];

  test.each(cases)('%s: commitments, goals, answers and flags', async (_name, viewer, subject, may) => {
    const commitments = await say(viewer, `commitments <@${subject}>`);
    const goals = await say(viewer, `goals <@${subject}>`);
    const answers = await say(viewer, `team <@${subject}>`);
    const flags = await say(viewer, 'flags');
    expect([allowed(commitments.text), allowed(goals.text), allowed(answers.text)]).toEqual([may, may, may]);
    const subjectFlagged = subject === PEOPLE.raj.id;
    const subjectName = Object.values(PEOPLE).find((p) => p.id === subject)!.name;
    expect(JSON.stringify(flags.blocks ?? flags.text).includes(`*${subjectName}*`)).toBe(may && subjectFlagged);
    if (may) {
      expect(commitments.text).toContain(subject === PEOPLE.raj.id ? 'Raj private commitment' : 'Ann private commitment');
    } else {
      expect(commitments.text).not.toContain('private commitment');
      expect(goals.text).not.toContain('pipeline');
    }
  });
});

describe('Who may see what, in /cascade export', () => {
  /** The files of the export the fake Slack received for that person's DM, each as text. */
  function exported(userId: string): string {
    const call = slack
      .callsTo('files.completeUploadExternal')
      .filter((c) => c.args.channel_id === `D${userId}`)
      .pop()!;
    return call.args.files.map((f: { id: string }) => slack.uploads.get(f.id)!.toString('utf8')).join('\n');
  }
  const cases: [string, string, boolean][] = [
    ['rep ↔ rep', PEOPLE.mia.id, false],
    ['manager → other manager’s rep', PEOPLE.bob.id, false],
    ['own manager', PEOPLE.ann.id, true],
    ['CEO two levels above', PEOPLE.ceo.id, true],
    ['admin outside the chain', PEOPLE.admin.id, false],
  ];
  test.each(cases)('%s: Raj’s private commitment and goal are in the export only for the people above him', async (_name, viewer, may) => {
    await say(viewer, 'export from 2026-11-01 to 2026-11-30');
    const files = exported(viewer);
    expect(files.includes('Raj private commitment')).toBe(may);
    expect(files.includes(`${PEOPLE.raj.id},New pipeline`)).toBe(may);
    expect(files.includes('Secret plan of')).toBe(viewer === PEOPLE.ceo.id);
  });
});

describe('Status and the core value', () => {
  test('When Raj asks for his status, then the same standing comes back short and ephemeral', async () => {
    const reply = await say(PEOPLE.raj.id, 'status');
    expect(reply.response_type).toBe('ephemeral');
    expect(reply.text).toContain('*New pipeline*: `▰▰▰▱▱ 62% — ahead of pace by 2 pts`');
    expect(reply.text).toContain('*Commitments*: 1 open');
    expect(reply.text).not.toContain('Mia');
  });

  test('When an admin changes the core value, then App Home shows it at the top; anyone else is refused', async () => {
    expect((await say(PEOPLE.raj.id, 'core-value "Win together"')).text).toContain(
      'Only Cascade admins can change the core-value statement.',
    );
    expect((await say(PEOPLE.admin.id, 'core-value "Sales Excellence, every week"')).text).toBe(
      'The core-value statement is now “Sales Excellence, every week”: it heads App Home and closes every digest.',
    );
    const { view } = await home(PEOPLE.mia.id);
    expect(view.blocks[0].text.text).toBe('Sales Excellence, every week');
  });
});
