import { exportCsv, neutralize } from '../../src/digests/export';
import { scopeOf } from '../../src/org/policy';
import { parseCsv } from '../../src/org/csv';
import { tick } from '../../src/scheduler/tick';
import { submitAnswers, questionsFor } from '../../src/checkins/answers';
import { checkinContext } from '../../src/checkins/context';
import type { TestApp } from '../support/app';
import { tickDeps, useFixture } from '../support/cascade';
import type { TestDb } from '../support/db';
import type { SlackStandIn } from '../../src/slack/stand-in/slack';
import { PEOPLE } from '../support/org-fixture';

let db: TestDb;
let slack: SlackStandIn;
let app: TestApp;
const now = { current: new Date('2026-11-23T04:30:00Z') };
const NASTY = [
  '=HYPERLINK("http://evil.example","click")',
  '+1 555 0100',
  '-2 deals lost, "sadly"',
  '@channel look',
  'Line one,\nline two',
];

const f = useFixture({ now });

beforeAll(async () => {
  ({ db, slack, app } = f);
  await tick(tickDeps(db, slack, app.log), now.current);
  const row = await db.db.selectFrom('checkin').select('id').where('person_id', '=', PEOPLE.raj.id).executeTakeFirstOrThrow();
  const ctx = (await checkinContext(db.db, row.id))!;
  const questions = await questionsFor(db.db, ctx);
  const texts = questions.filter((q) => q.kind === 'text' || q.kind === 'long_text' || q.kind === 'commitment');
  const raw = Object.fromEntries(
    questions.map((q) => [
      q.id,
      q.kind === 'rating_1_5' ? '2' : q.kind === 'number' ? '-3' : q.kind === 'yes_no' ? 'no' : NASTY[texts.indexOf(q) % NASTY.length]!,
    ]),
  );
  await submitAnswers(await scopeOf(db.db, app.teamId, PEOPLE.raj.id, [], now.current), { checkinId: ctx.id, questions, raw });
});

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
    expect(header!.fields).toEqual([
      'checkin_id',
      'person_id',
      'occurrence',
      'position',
      'question',
      'kind',
      'intent',
      'value_text',
      'value_number',
      'shared',
    ]);
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

  test('When people type /cascade export, then each gets exactly what they can read in Slack; an admin outside the chain gets figures only; bad dates get usage', async () => {
    const say = async (userId: string, text: string) => app.reply((await app.command(userId, text)).responseId);
    const filesOf = (userId: string) => {
      const call = slack.callsTo('files.completeUploadExternal').find((c) => c.args.channel_id === `D${userId}`)!;
      const names: string[] = call.args.files.map((f: { title: string }) => f.title);
      // Each upload is one multipart part: the file is what lies between its headers and the closing boundary.
      const bytes = call.args.files.map((f: { id: string }) => {
        const body = slack.uploads.get(f.id)!.toString('utf8');
        const boundary = body.slice(0, body.indexOf('\r\n'));
        return body.slice(body.indexOf('\r\n\r\n') + 4, body.lastIndexOf(`\r\n${boundary}`));
      });
      return Object.fromEntries(names.map((n, i) => [n, bytes[i] as string]));
    };
    const column = (text: string, name: string) => {
      const [header, ...rows] = parseCsv(text).records;
      const i = header!.fields.indexOf(name);
      return rows.map((r) => r.fields[i]);
    };
    // One of Raj's answers is shared with the team; the rest stay in his chain.
    const shared = await db.db
      .selectFrom('answer as a')
      .innerJoin('checkin as c', 'c.id', 'a.checkin_id')
      .select('a.id')
      .where('c.person_id', '=', PEOPLE.raj.id)
      .where('a.kind', '=', 'long_text')
      .executeTakeFirstOrThrow();
    await db.db.updateTable('answer').set({ shared: true }).where('id', '=', shared.id).execute();
    slack.reset();

    expect((await say(PEOPLE.admin.id, 'export from November to December')).text).toContain(
      'Give the dates as `from YYYY-MM-DD to YYYY-MM-DD`',
    );
    expect((await say(PEOPLE.admin.id, 'export from 2026-12-01 to 2026-11-01')).text).toBe(
      'The start date 2026-12-01 is after the end date 2026-11-01.',
    );
    expect((await say(PEOPLE.admin.id, 'export from 2000-01-01 to 2100-12-31')).text).toBe(
      'An export from Slack covers at most 366 days: ask for 2000-01-01 to 2000-12-31, then the next stretch.',
    );

    // Ann leads Raj: his check-ins, all his answers, his commitments.
    expect((await say(PEOPLE.ann.id, 'export from 2026-11-01 to 2026-11-30')).text).toContain(
      'Sent 5 CSV files (2026-11-01 to 2026-11-30) to your DM with Cascade',
    );
    const ann = filesOf(PEOPLE.ann.id);
    expect(column(ann['checkins.csv']!, 'person_id')).toContain(PEOPLE.raj.id);
    expect(column(ann['answers.csv']!, 'shared').filter((x) => x === 'false').length).toBeGreaterThan(0);
    expect(column(ann['commitments.csv']!, 'owner_id')).toContain(PEOPLE.raj.id);

    // Mia is Raj's peer: her own rows, and of Raj only the answer he shared.
    await say(PEOPLE.mia.id, 'export from 2026-11-01 to 2026-11-30');
    const mia = filesOf(PEOPLE.mia.id);
    expect(column(mia['checkins.csv']!, 'person_id').every((id) => id === PEOPLE.mia.id)).toBe(true);
    expect(column(mia['answers.csv']!, 'person_id').filter((id) => id === PEOPLE.raj.id)).toHaveLength(1);
    expect(column(mia['answers.csv']!, 'shared').every((x) => x === 'true' || x === undefined)).toBe(true);
    expect(column(mia['commitments.csv']!, 'owner_id')).not.toContain(PEOPLE.raj.id);
    expect(mia['answers.csv']).not.toContain(NASTY[1]!.slice(1));

    // Bob leads Leo, not Raj.
    await say(PEOPLE.bob.id, 'export from 2026-11-01 to 2026-11-30');
    expect(column(filesOf(PEOPLE.bob.id)['checkins.csv']!, 'person_id')).not.toContain(PEOPLE.raj.id);

    // The admin is outside the chain: one file of figures, no person's id, name or text.
    expect((await say(PEOPLE.admin.id, 'export from 2026-11-01 to 2026-11-30')).text).toContain(
      'Sent 1 CSV file (2026-11-01 to 2026-11-30)',
    );
    const admin = filesOf(PEOPLE.admin.id);
    expect(Object.keys(admin)).toEqual(['figures.csv']);
    const figures = admin['figures.csv']!;
    expect(figures.split('\r\n')[0]).toBe(
      'week_start,week_end,checkins_due,answered,missed,skipped,answer_rate,commitments_made,commitments_kept,commitments_closed,kept_rate,goals,goal_attainment',
    );
    expect(column(figures, 'week_start')).toEqual(['2026-10-26', '2026-11-02', '2026-11-09', '2026-11-16', '2026-11-23', '2026-11-30']);
    expect(column(figures, 'answered')).toContain('1');
    for (const p of Object.values(PEOPLE)) {
      expect(figures).not.toContain(p.id);
      expect(figures).not.toContain(p.name);
    }
    expect(figures).not.toContain('HYPERLINK');
    // Someone who is not in the chart and not an admin gets nothing.
    expect((await say('UNOBODY9', 'export')).text).toContain('You are not in the org chart');
  });
});
