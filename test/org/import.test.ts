import { webApi } from '@slack/bolt';
import { describeImport, importOrgChart, type ImportOutcome } from '../../src/org/import';
import { listPeople } from '../../src/org/people';
import { openWorkspace } from '../../src/checkins/cadences';
import { slackDirectory } from '../../src/slack/directory';
import { createTestDb, type TestDb } from '../support/db';
import { SlackStandIn } from '../../src/slack/stand-in/slack';
import { ALL_USERS, ORG_CSV } from '../support/org-fixture';

const TEAM = 'T0CASCADE';
let db: TestDb;
let slack: SlackStandIn;
let directory: ReturnType<typeof slackDirectory>;
const now = new Date('2026-11-23T09:00:00Z');

beforeAll(async () => {
  db = await createTestDb();
  slack = await new SlackStandIn().addUser(...ALL_USERS).start();
  directory = slackDirectory(new webApi.WebClient('xoxb-test', { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } }));
  await openWorkspace(db.db, TEAM, 'Cascade Test', new Date('2026-10-01T00:00:00Z'));
});

afterAll(async () => {
  await slack?.stop();
  await db?.close();
});

const run = (csv: string, dryRun = false) => importOrgChart({ db: db.db, directory, now }, TEAM, csv, { dryRun });
const snapshot = async () => JSON.stringify(await listPeople(db.db, TEAM));
const errorsOf = (outcome: ImportOutcome) => (outcome.ok ? [] : outcome.errors.map((e) => `${e.line}: ${e.message}`));

/** ORG_CSV with some lines replaced: key = 1-based line number. */
function withLines(replace: Record<number, string>, extra: string[] = []): string {
  const lines = ORG_CSV.split('\n').map((l, i) => replace[i + 1] ?? l);
  return [...lines, ...extra].join('\n');
}

describe('Importing the org chart from CSV', () => {
  test('When a valid CSV is imported, then everyone lands with role, leader, admin flag and Slack time zone', async () => {
    const outcome = await run(ORG_CSV);
    expect(errorsOf(outcome)).toEqual([]);
    expect(describeImport(outcome)).toMatch(/^Imported: 7 added, 0 updated, 0 deactivated, 0 unchanged\./);
    const people = await listPeople(db.db, TEAM);
    const byName = Object.fromEntries(people.map((p) => [p.name, p]));
    expect(byName['Casey Chen']).toMatchObject({ role: 'ceo', reports_to: null, is_admin: true, tz: 'America/New_York' });
    expect(byName['Raj Patel']).toMatchObject({ role: 'rep', reports_to: 'UMGR0001', tz: 'Asia/Kolkata', email: 'raj@example.com' });
    expect(byName['Leo Park']).toMatchObject({ reports_to: 'UMGR0002' });
  });

  test('When the same CSV is imported again, then nothing changes', async () => {
    const outcome = await run(ORG_CSV);
    expect(describeImport(outcome)).toMatch(/^Imported: 0 added, 0 updated, 0 deactivated, 7 unchanged\./);
  });

  const rejected: [string, string, RegExp][] = [
    [
      'a cycle',
      withLines({ 4: 'ann@example.com,Ann Lee,manager,bob@example.com,', 5: 'bob@example.com,Bob Stone,manager,ann@example.com,' }),
      /^4: reporting lines form a cycle: Ann Lee → Bob Stone → Ann Lee/,
    ],
    ['a second CEO', withLines({ 3: 'pat@example.com,Pat Rivera,ceo,,' }), /^3: a second CEO: Casey Chen \(line 2\) is already the CEO/],
    [
      'a second person reporting to no one',
      withLines({ 3: 'pat@example.com,Pat Rivera,president,,' }),
      /^3: a second top: Casey Chen \(line 2\) already reports to no one/,
    ],
    ['an unknown manager', withLines({ 7: 'mia@example.com,Mia Wong,rep,nobody@example.com,' }), /^7: unknown manager nobody@example.com/],
    [
      'a malformed line',
      withLines({ 5: 'bob@example.com,Bob Stone,manager' }),
      /^5: expected 5 fields \(email,name,role,manager,admin\), found 3/,
    ],
    ['a role left empty', withLines({ 8: 'leo@example.com,Leo Park,,bob@example.com,' }), /^8: needs a role: their title/],
    [
      'a duplicate',
      withLines({}, ['raj@example.com,Raj Again,rep,ann@example.com,']),
      /^9: duplicate: raj@example.com is already on line 6/,
    ],
    ['an unclosed quote', withLines({ 6: 'raj@example.com,"Raj Patel,rep,ann@example.com,' }), /^6: a quoted field is never closed/],
    [
      'an email Slack does not know',
      withLines({ 7: 'ghost@example.com,Mia Wong,rep,ann@example.com,' }),
      /^7: no Slack user has the email ghost@example.com/,
    ],
    ['a missing header column', 'email,name,role\ncasey@example.com,Casey,ceo', /^1: header: missing manager/],
  ];

  test.each(rejected)(
    'When the CSV has %s, then it is rejected with the line number and the chart is unchanged',
    async (_case, csv, expected) => {
      const before = await snapshot();
      const outcome = await run(csv);
      expect(outcome.ok).toBe(false);
      expect(errorsOf(outcome).join('\n')).toMatch(expected);
      expect(describeImport(outcome)).toContain('nothing was changed');
      expect(await snapshot()).toBe(before);
    },
  );

  test('When a dry run moves a rep and drops a manager, then it reports both and changes nothing', async () => {
    const before = await snapshot();
    const csv = withLines({ 8: 'leo@example.com,Leo Park,rep,ann@example.com,' })
      .split('\n')
      .filter((l) => !l.startsWith('bob@'))
      .join('\n');
    const outcome = await run(csv, true);
    const report = describeImport(outcome);
    expect(report).toContain('Dry run, nothing changed. Would import: 0 added, 1 updated, 1 deactivated, 5 unchanged.');
    expect(report).toContain('~ Leo Park (UREP0003): now reports to Ann Lee');
    expect(report).toContain('- Bob Stone (UMGR0002): not in the file: deactivated');
    expect(await snapshot()).toBe(before);

    const applied = await run(csv);
    expect(applied.ok && applied.applied).toBe(true);
    const people = await listPeople(db.db, TEAM);
    expect(people.find((p) => p.name === 'Bob Stone')?.active).toBe(false);
    expect(people.find((p) => p.name === 'Leo Park')?.reports_to).toBe('UMGR0001');
  });

  test('When the CEO changes in one import, then the old CEO can stay on as president without a conflict', async () => {
    const csv = [
      'slack_user_id,name,role,manager,admin',
      'UPRES001,Pat Rivera,ceo,,yes',
      'UCEO0001,Casey Chen,president,UPRES001,no',
      'UMGR0001,Ann Lee,manager,UCEO0001,',
      'UREP0001,Raj Patel,rep,UMGR0001,',
    ].join('\r\n');
    const outcome = await run(csv);
    expect(errorsOf(outcome)).toEqual([]);
    const people = await listPeople(db.db, TEAM, { activeOnly: true });
    expect(people.map((p) => [p.slack_user_id, p.role]).sort()).toEqual([
      ['UCEO0001', 'president'],
      ['UMGR0001', 'manager'],
      ['UPRES001', 'ceo'],
      ['UREP0001', 'rep'],
    ]);
  });

  test('When there is no Slack directory (no bot token), then rows need Slack IDs and names, and emails are refused', async () => {
    const noSlack = (csv: string) => importOrgChart({ db: db.db, directory: null, now }, TEAM, csv, { dryRun: true });
    const ok = await noSlack('slack_user_id,name,role,manager\nUCEO0001,Casey Chen,ceo,\nUPRES001,Pat Rivera,president,UCEO0001');
    expect(ok.ok).toBe(true);
    const refused = await noSlack('email,name,role,manager\ncasey@example.com,Casey,ceo,');
    expect(errorsOf(refused)[0]).toMatch(/^2: casey@example.com needs a Slack bot token/);
  });

  test('When the CSV gives free titles, someone outside the chain and someone paused out for good, then each lands as written; a later file without the columns keeps them', async () => {
    const csv = [
      'slack_user_id,name,role,manager,admin,in_chain,active',
      'UCEO0001,Casey Chen,CEO,,yes,,',
      'UPRES001,Pat Rivera,CRO,UCEO0001,,,',
      'UMGR0001,Ann Lee,RVP   West,UPRES001,,yes,yes',
      'UREP0001,Raj Patel,Account executive,UMGR0001,,,no',
      'UADMIN01,Sam Ops,RevOps,,yes,no,',
    ].join('\n');
    const outcome = await run(csv);
    expect(errorsOf(outcome)).toEqual([]);
    expect(describeImport(outcome)).toContain('+ Sam Ops (UADMIN01): RevOps, outside the chain, admin');
    expect(describeImport(outcome)).toContain('Raj Patel (UREP0001): role rep → Account executive, paused out of the cascade');
    const people = new Map((await listPeople(db.db, TEAM, { activeOnly: true })).map((p) => [p.slack_user_id, p]));
    expect(people.get('UCEO0001')).toMatchObject({ role: 'ceo', reports_to: null, in_chain: true });
    expect(people.get('UMGR0001')).toMatchObject({ role: 'RVP West', reports_to: 'UPRES001' });
    expect(people.get('UREP0001')).toMatchObject({ paused_until: '9999-12-31', in_chain: true });
    expect(people.get('UADMIN01')).toMatchObject({ role: 'RevOps', reports_to: null, in_chain: false, is_admin: true });

    const again = await run(
      [
        'slack_user_id,name,role,manager',
        'UCEO0001,Casey Chen,CEO,',
        'UPRES001,Pat Rivera,CRO,UCEO0001',
        'UMGR0001,Ann Lee,RVP West,UPRES001',
        'UREP0001,Raj Patel,Account executive,UMGR0001',
        'UADMIN01,Sam Ops,RevOps,',
      ].join('\n'),
      true,
    );
    expect(errorsOf(again)).toEqual([]);
    expect(describeImport(again)).toContain('0 updated');

    const bad = await run(
      [
        'slack_user_id,name,role,manager,in_chain',
        'UCEO0001,Casey Chen,CEO,,',
        'UADMIN01,Sam Ops,RevOps,UCEO0001,no',
        'UREP0001,Raj Patel,SDR,UADMIN01,maybe',
      ].join('\n'),
    );
    expect(errorsOf(bad)).toEqual(['4: in_chain "maybe" should be yes or no (or left empty for yes)']);
    const broken = await run(
      [
        'slack_user_id,name,role,manager,in_chain',
        'UCEO0001,Casey Chen,CEO,,',
        'UADMIN01,Sam Ops,RevOps,UCEO0001,no',
        'UREP0001,Raj Patel,SDR,UADMIN01,',
      ].join('\n'),
    );
    expect(errorsOf(broken)).toEqual([
      '3: Sam Ops is outside the chain (in_chain no), so reports to no one: leave the manager empty',
      '4: Sam Ops is outside the chain (in_chain no), so no one can report to them',
    ]);
  });
});
