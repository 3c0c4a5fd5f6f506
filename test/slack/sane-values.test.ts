import { validateAnswers } from '../../src/checkins/answers';
import { importProgress } from '../../src/accountability/goals';
import type { Question } from '../../src/db/types';
import { parseOrgCsv } from '../../src/org/import';
import { IDS } from '../../src/slack/ids';
import { pressButton } from '../support/app';
import { useFixture } from '../support/cascade';
import { PEOPLE } from '../support/org-fixture';

const now = { current: new Date('2026-11-18T12:00:00Z') };

const fixture = useFixture({ now });

const say = async (userId: string, text: string) => (await fixture.app.reply((await fixture.app.command(userId, text)).responseId)).text;
const OURS = /went wrong on our side/;

describe('Sane values only, each refused with a clear message', () => {
  test('When a goal target or a progress value is not finite or above a trillion, then it is refused saying the limit', async () => {
    expect(await say(PEOPLE.ann.id, `goal set <@${PEOPLE.raj.id}> "Pipeline" 2000000000000 USD monthly`)).toBe(
      'A target can be at most 1,000,000,000,000.',
    );
    expect(await say(PEOPLE.ann.id, `goal set <@${PEOPLE.raj.id}> "Pipeline" Infinity USD monthly`)).toContain('is not a number');
    expect(await say(PEOPLE.ann.id, `goal set <@${PEOPLE.raj.id}> "Pipeline" 1e400 USD monthly`)).toContain('is not a number');
    expect(await say(PEOPLE.ann.id, `goal set <@${PEOPLE.raj.id}> "Pipeline" 1000 USD monthly`)).toContain('Goal set');
    expect(await say(PEOPLE.raj.id, 'progress "Pipeline" 1000000000001')).toBe('Progress can be at most 1,000,000,000,000.');
    const csv = [
      'person,goal,value,date',
      `${PEOPLE.raj.id},Pipeline,5000000000000,2026-11-17`,
      `${PEOPLE.raj.id},Pipeline,5,2101-01-01`,
    ].join('\n');
    expect((await importProgress(fixture.db.db, fixture.app.teamId, csv, { dryRun: false, now: now.current })).errors).toEqual([
      { line: 2, message: 'Progress can be at most 1,000,000,000,000.' },
      { line: 3, message: '"2101-01-01" is not a date between 2000 and 2100: write it as YYYY-MM-DD.' },
    ]);
  });

  test('When a date falls before 2000 or after 2100, then it is refused saying so', async () => {
    expect(await say(PEOPLE.raj.id, 'commit call every lead by 1999-12-31')).toContain('"1999-12-31" is not a date between 2000 and 2100');
    expect(await say(PEOPLE.raj.id, 'pause until 2101-01-01')).toContain('"2101-01-01" is not a date between 2000 and 2100');
    expect(await say(PEOPLE.admin.id, 'export from 1970-01-01 to 2026-01-01')).toContain('between 2000 and 2100');
  });

  test('When a number too big to be an id is given where an id is expected, then the usage says what works, never "something went wrong"', async () => {
    for (const text of [
      'done 99999999999',
      'done 2147483648',
      'flag close 99999999999 "Territory changed in October"',
      'questions retire 99999999999',
      'questions edit 3000000000 "New words?"',
    ]) {
      const reply = await say(PEOPLE.ann.id, text);
      expect(reply).not.toMatch(OURS);
      expect(reply).toMatch(/number|whose flag/);
    }
    expect(await say(PEOPLE.ann.id, 'done 2147483647')).toMatch(/There is no (open )?commitment/);
  });

  test('When a command carries a NUL byte, then it is refused saying so and nothing is stored', async () => {
    const reply = await say(PEOPLE.raj.id, 'commit call\u0000 every lead');
    expect(reply).toContain('NUL character');
    expect(reply).not.toMatch(OURS);
    expect(await fixture.db.db.selectFrom('commitment').select('id').execute()).toEqual([]);
  });

  test('When a button carries something that is not a check-in id, then the person is told it no longer exists', async () => {
    for (const [i, value] of ['abc', '99999999999', '-3', ''].entries()) {
      await pressButton(fixture.app, fixture.slack, { userId: PEOPLE.raj.id, actionId: IDS.prompt.answer, value, id: `bad${i}` });
      const [reply] = await fixture.slack.waitFor('response_url', { where: (c) => c.args.id === `bad${i}` });
      expect(reply!.args.text).toBe('That check-in no longer exists.');
    }
    expect(fixture.app.logs.lines.filter((l) => l.level >= 50)).toEqual([]);
  });

  test('When a name is longer than 200 characters or a line holds a NUL byte, then the import names the line and applies nothing', () => {
    const csv = [
      'email,name,role,manager',
      `casey@example.com,${'C'.repeat(201)},ceo,`,
      'pat@example.com,Pat\u0000 Rivera,president,casey@example.com',
    ].join('\n');
    expect(parseOrgCsv(csv).errors).toEqual([
      { line: 2, message: 'the name is longer than 200 characters' },
      { line: 3, message: 'contains a NUL character, which cannot be kept' },
    ]);
  });

  test('When an answer holds a NUL byte or a number beyond a trillion, then it comes back inline', () => {
    const q = (id: number, kind: string) => ({ id, kind, required: false, choices: null }) as unknown as Question;
    expect(validateAnswers([q(1, 'text'), q(2, 'number'), q(3, 'number')], { 1: 'fine\u0000', 2: '2000000000000', 3: '12' })).toEqual({
      1: 'This answer contains a NUL character, which cannot be kept: type it again without it.',
      2: 'The number can be at most 1,000,000,000,000.',
    });
  });
});
