import { openWorkspace, updateCadence } from '../../src/checkins/cadences';
import { createTestDb } from '../support/db';
import { awayReason, DEFAULT_AWAY_STATUS } from '../../src/checkins/away';
import { parseCadenceCron } from '../../src/calendar/cron';
import { interrogationIn } from '../../src/checkins/questions';
import { occurrencesBetween } from '../../src/calendar/schedule';
import { parseCommand } from '../../src/slack/commands';

const now = new Date('2026-11-23T10:00:00Z');

describe('Away statuses', () => {
  test.each([
    [{ text: 'Vacation until Monday', emoji: '' }, 'Slack status: Vacation until Monday'],
    [{ text: '', emoji: ':palm_tree:' }, 'Slack status: :palm_tree:'],
    [{ text: 'OOO — back on the 2nd', emoji: ':calendar:' }, 'Slack status: :calendar: OOO — back on the 2nd'],
    [{ text: 'Out of office', emoji: '' }, 'Slack status: Out of office'],
    [{ text: 'Off sick', emoji: ':face_with_thermometer:' }, 'Slack status: :face_with_thermometer: Off sick'],
  ])('When the status is %j, then the prompt is skipped with the status as the reason', (status, reason) => {
    expect(awayReason({ ...status, expiration: 0 }, DEFAULT_AWAY_STATUS, now)).toBe(reason);
  });

  test.each([
    [{ text: 'In a meeting', emoji: ':calendar:' }],
    [{ text: 'Sickly sweet demo day', emoji: '' }],
    [{ text: 'Booking my vacationing clients', emoji: '' }],
    [{ text: '', emoji: '' }],
  ])('When the status is %j, then the person is not away', (status) => {
    expect(awayReason({ ...status, expiration: 0 }, DEFAULT_AWAY_STATUS, now)).toBeNull();
  });

  test('When a vacation status has expired, or the list is configured without it, then the person is not away', () => {
    expect(awayReason({ text: 'Vacation', emoji: '', expiration: now.getTime() / 1000 - 60 }, DEFAULT_AWAY_STATUS, now)).toBeNull();
    expect(awayReason({ text: 'Vacation', emoji: '', expiration: now.getTime() / 1000 + 60 }, DEFAULT_AWAY_STATUS, now)).not.toBeNull();
    expect(awayReason({ text: 'Vacation', emoji: '', expiration: 0 }, ['congé', ':beach_with_umbrella:'], now)).toBeNull();
    expect(awayReason({ text: 'En congé', emoji: '', expiration: 0 }, ['congé'], now)).toBe('Slack status: En congé');
  });
});

describe('Cron cadences', () => {
  test('When a cadence is "0 9 * * 1,4", then it falls on Mondays and Thursdays at 09:00', () => {
    const cron = parseCadenceCron('0 9 * * 1,4');
    if ('error' in cron) throw new Error(cron.error);
    expect(cron.localTime).toBe('09:00');
    expect(
      occurrencesBetween(
        { frequency: 'cron', weekday: 0, nth: null, anchorDate: '2026-01-01', cron: '0 9 * * 1,4' },
        '2026-11-23',
        '2026-11-29',
      ),
    ).toEqual(['2026-11-23', '2026-11-26']);
  });

  test('When day of month and weekday are both given, then either matches, as in cron; months and names are read', () => {
    expect(
      occurrencesBetween(
        { frequency: 'cron', weekday: 0, nth: null, anchorDate: '2026-01-01', cron: '30 8 1 * fri' },
        '2026-11-25',
        '2026-12-05',
      ),
    ).toEqual(['2026-11-27', '2026-12-01', '2026-12-04']);
    expect(
      occurrencesBetween(
        { frequency: 'cron', weekday: 0, nth: null, anchorDate: '2026-01-01', cron: '0 10 15 jan-mar,dec *' },
        '2026-11-01',
        '2027-02-28',
      ),
    ).toEqual(['2026-12-15', '2027-01-15', '2027-02-15']);
    expect(
      occurrencesBetween(
        { frequency: 'cron', weekday: 0, nth: null, anchorDate: '2026-01-01', cron: '0 10 */10 * *' },
        '2026-11-01',
        '2026-11-30',
      ),
    ).toEqual(['2026-11-01', '2026-11-11', '2026-11-21']);
  });

  test.each([
    ['every monday', 'is not a cron expression'],
    ['0 9 * *', 'is not a cron expression'],
    ['*/15 9 * * 1', 'give the minute and the hour as single numbers'],
    ['0 9-17 * * 1', 'give the minute and the hour as single numbers'],
    ['0 9 32 * *', 'is not a cron expression'],
  ])('When the expression is "%s", then it is refused: %s', (expression, message) => {
    const cron = parseCadenceCron(expression);
    expect('error' in cron && cron.error).toContain(message);
  });
});

describe('Interrogations', () => {
  test.each([
    "Why didn't you close the Acme deal?",
    'Why did you not call them back?',
    'Explain your failure to hit quota.',
    'Please justify the discount.',
    'Whose fault was the slip?',
    'Why are you behind?',
  ])('When a question reads "%s", then it is refused with a suggestion', (text) => {
    expect(interrogationIn(text)).toMatch(/reads as an interrogation.*Try something like "/);
  });

  test.each([
    'What got in the way this week, and what would help?',
    'Which deal taught you the most, and why?',
    'What would you do differently next time?',
  ])('When a question reads "%s", then it is welcome', (text) => {
    expect(interrogationIn(text)).toBeNull();
  });
});

describe('Parsing the self-service commands', () => {
  test('When the commands are well formed, then they parse to what they say', () => {
    expect(parseCommand('status')).toEqual({ kind: 'status' });
    expect(parseCommand('checkin')).toEqual({ kind: 'checkin' });
    expect(parseCommand('pause until 2026-12-24')).toEqual({ kind: 'pause', until: '2026-12-24' });
    expect(parseCommand('pause <@UREP0001|raj> off')).toEqual({ kind: 'pause', userId: 'UREP0001', until: null });
    expect(parseCommand('cadence list')).toEqual({ kind: 'cadence.list' });
    expect(parseCommand('cadence set ceo_president monthly last friday at 8:30 reminder off')).toEqual({
      kind: 'cadence.set',
      key: 'ceo_president',
      changes: { frequency: 'monthly', nth: -1, weekday: 5, localTime: '08:30', reminder: false },
    });
    expect(parseCommand('cadence set president_managers_team team <#C0LEADERS|leaders> on')).toEqual({
      kind: 'cadence.set',
      key: 'president_managers_team',
      changes: { mode: 'team', channelId: 'C0LEADERS', active: true },
    });
    expect(
      parseCommand('questions add manager_reps choice process "Which stage is hardest?" choices "Discovery|Demo|Close" required'),
    ).toEqual({
      kind: 'questions.add',
      draft: {
        level: 'manager_reps',
        kind: 'choice',
        intent: 'process',
        text: 'Which stage is hardest?',
        fixed: false,
        required: true,
        choices: ['Discovery', 'Demo', 'Close'],
      },
    });
    expect(parseCommand('questions retire #12')).toEqual({ kind: 'questions.retire', id: 12 });
  });

  test('When they are malformed, then the usage message says what was wrong and how to write it', () => {
    const pause = parseCommand('pause @raj until 2026-12-24');
    expect(pause).toMatchObject({ kind: 'usage', error: expect.stringContaining('I could not read @raj as a person') });
    expect(parseCommand('pause for a week')).toMatchObject({
      kind: 'usage',
      usage: expect.arrayContaining(['/cascade pause [@person] until <day>']),
    });
    expect(parseCommand('cadence set')).toMatchObject({
      kind: 'usage',
      error: 'Name the cadence to change (see `/cascade cadence list`).',
    });
    expect(parseCommand('cadence set manager_reps')).toMatchObject({ kind: 'usage', error: expect.stringContaining('Say what to change') });
    expect(parseCommand('cadence set manager_reps reminder maybe')).toMatchObject({
      kind: 'usage',
      error: 'Say `reminder on` or `reminder off`.',
    });
    expect(parseCommand('questions edit twelve "x"')).toMatchObject({ kind: 'usage', error: expect.stringContaining('question’s number') });
    expect(parseCommand('questions add manager_reps text process')).toMatchObject({
      kind: 'usage',
      error: expect.stringContaining('Give the question in quotes'),
    });
  });
});

describe('A cadence checks its own values', () => {
  const NOW = new Date('2026-11-02T00:00:00Z');
  test('When a cadence is changed with values out of range, wherever the call comes from, then it says what is allowed instead of failing in the database', async () => {
    const db = await createTestDb();
    try {
      await openWorkspace(db.db, 'T0RULES', 'Rules', new Date('2026-11-01T00:00:00Z'));
      await expect(updateCadence(db.db, 'T0RULES', 'manager_reps', { windowDays: 40 }, undefined, NOW)).rejects.toThrow(
        'The answer window is a whole number of working days from 1 to 14',
      );
      await expect(updateCadence(db.db, 'T0RULES', 'manager_reps', { weekday: 9 }, undefined, NOW)).rejects.toThrow(
        'The weekday is one of monday … sunday.',
      );
      await expect(updateCadence(db.db, 'T0RULES', 'manager_reps', { localTime: '25:00' }, undefined, NOW)).rejects.toThrow(
        '"25:00" is not a time',
      );
      await expect(updateCadence(db.db, 'T0RULES', 'manager_reps', { frequency: 'monthly', nth: 7 }, undefined, NOW)).rejects.toThrow(
        'first, second, third, fourth or last',
      );
      expect((await updateCadence(db.db, 'T0RULES', 'manager_reps', { windowDays: 3 }, undefined, NOW)).answer_window_days).toBe(3);
    } finally {
      await db.close();
    }
  });
});
