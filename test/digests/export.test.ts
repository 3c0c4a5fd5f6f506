import { exportCsv, neutralize } from '../../src/digests/export';
import { parseCsv } from '../../src/org/csv';
import { tick } from '../../src/scheduler/tick';
import { submitAnswers, questionsFor } from '../../src/checkins/answers';
import { checkinContext } from '../../src/checkins/context';
import type { TestApp } from '../support/app';
import { startFixture, tickDeps, type Fixture } from '../support/cascade';
import type { TestDb } from '../support/db';
import type { FakeSlack } from '../support/fake-slack';
import { PEOPLE } from '../support/org-fixture';

let db: TestDb;
let slack: FakeSlack;
let app: TestApp;
let fixture: Fixture;
const now = { current: new Date('2026-11-23T04:30:00Z') };
const NASTY = ['=HYPERLINK("http://evil.example","click")', '+1 555 0100', '-2 deals lost, "sadly"', '@channel look', 'Line one,\nline two'];

beforeAll(async () => {
  fixture = await startFixture({ now });
  ({ db, slack, app } = fixture);
  await tick(tickDeps(db, slack, app.log), now.current);
  const row = await db.db.selectFrom('checkin').select('id').where('person_id', '=', PEOPLE.raj.id).executeTakeFirstOrThrow();
  const ctx = (await checkinContext(db.db, row.id))!;
  const questions = await questionsFor(db.db, ctx);
  const texts = questions.filter((q) => q.kind === 'text' || q.kind === 'long_text' || q.kind === 'commitment');
  const raw = Object.fromEntries(questions.map((q) => [q.id, q.kind === 'rating_1_5' ? '2' : q.kind === 'number' ? '-3' : q.kind === 'yes_no' ? 'no' : NASTY[texts.indexOf(q) % NASTY.length]!]));
  await submitAnswers(db.db, { checkinId: ctx.id, userId: PEOPLE.raj.id, questions, raw, now: now.current });
});

afterAll(() => fixture?.stop());

describe('Export', () => {
  test('When a value could run as a spreadsheet formula, then it gets a leading apostrophe; numbers and plain text do not', () => {
    expect(neutralize('=SUM(A1)')).toBe("'=SUM(A1)");
    expect(neutralize('+44')).toBe("'+44");
    expect(neutralize('-x')).toBe("'-x");
    expect(neutralize('@here')).toBe("'@here");
    expect(neutralize('\tTab')).toBe("'\tTab");
    expect(neutralize('Plain = fine')).toBe('Plain = fine');
    expect(neutralize(-5)).toBe(-5);
  });

  test('When the CSV files are written, then they round-trip through a CSV parser with every formula-like cell neutralised', async () => {
    const files = await exportCsv(db.db, app.teamId, '2026-11-01', '2026-11-30');
    expect(Object.keys(files)).toEqual(['checkins.csv', 'answers.csv', 'commitments.csv', 'goals.csv', 'progress.csv']);
    const answers = parseCsv(files['answers.csv']!);
    expect(answers.errors).toEqual([]);
    const [header, ...rows] = answers.records;
    expect(header!.fields).toEqual(['checkin_id', 'person_id', 'occurrence', 'position', 'question', 'kind', 'intent', 'value_text', 'value_number', 'shared']);
    const values = rows.map((r) => r.fields[7]!).filter(Boolean);
    expect(values.length).toBeGreaterThanOrEqual(3);
    for (const v of values) expect(v).not.toMatch(/^[=+\-@]/);
    expect(values).toContain(`'${NASTY[0]}`);
    expect(rows.map((r) => r.fields[8]).filter(Boolean)).toEqual(expect.arrayContaining(['2']));
    const checkins = parseCsv(files['checkins.csv']!);
    expect(checkins.errors).toEqual([]);
    expect(checkins.records.slice(1).map((r) => r.fields[5])).toContain(PEOPLE.raj.id);
    const commitments = parseCsv(files['commitments.csv']!);
    expect(commitments.records.slice(1).every((r) => !/^[=+\-@]/.test(r.fields[3]!))).toBe(true);
  });

  test('When an admin types /cascade export, then the five files come to their DM; anyone else is refused; bad dates get usage', async () => {
    const say = async (userId: string, text: string) => app.reply((await app.command(userId, text)).responseId);
    expect((await say(PEOPLE.raj.id, 'export')).text).toContain('Only Cascade admins can export data.');
    expect((await say(PEOPLE.admin.id, 'export from November to December')).text).toContain('Give the dates as `from YYYY-MM-DD to YYYY-MM-DD`');
    expect((await say(PEOPLE.admin.id, 'export from 2026-11-01 to 2026-11-30')).text).toBe('Sent 5 CSV files (2026-11-01 to 2026-11-30) to your DM with Cascade.');
    const complete = slack.callsTo('files.completeUploadExternal');
    expect(complete).toHaveLength(1);
    expect(complete[0]!.args.channel_id).toBe(`D${PEOPLE.admin.id}`);
    expect(complete[0]!.args.files).toHaveLength(5);
    expect((await say(PEOPLE.admin.id, 'export from 2026-12-01 to 2026-11-01')).text).toBe('The start date 2026-12-01 is after the end date 2026-11-01.');
  });
});
