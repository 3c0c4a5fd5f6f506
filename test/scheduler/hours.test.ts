import { tick } from '../../src/scheduler/tick';
import { localDate, localTime } from '../../src/time/calendar';
import { DEFAULT_HOURS, nextWorkingInstant, readDays, readHours } from '../../src/time/hours';
import type { RecordedCall } from '../../src/slack/stand-in/slack';
import { importHolidays } from '../../src/calendar/hours';
import { tickDeps, useFixture } from '../support/cascade';
import { PEOPLE } from '../support/org-fixture';

/**
 * Nothing goes out outside a person's working hours, at their weekend or on a holiday: the workspace's hours
 * (Mon–Fri 08:00–18:00 by default, in each person's zone), a person's own, and the workspace's holidays, on
 * which nothing is sent and no answer window closes. Run with the default hours, ticked every 15 minutes.
 */
const now = { current: new Date('2026-11-30T00:00:00Z') };
const fixture = useFixture({ now, workingHours: 'default' });

const say = async (userId: string, text: string) => {
  const { res, responseId } = await fixture.app.command(userId, text);
  expect(res.status).toBe(200);
  return (await fixture.app.reply(responseId)).text;
};

/** When each message went out, in simulated time: every call is stamped with the tick that sent it. */
const sentAt = new Map<RecordedCall, Date>();
const until = async (iso: string) => {
  const end = Date.parse(iso);
  for (let t = now.current.getTime() + 15 * 60_000; t <= end; t += 15 * 60_000) {
    now.current = new Date(t);
    await tick(tickDeps(fixture.db, fixture.slack, fixture.app.log), now.current);
    for (const c of fixture.slack.callsTo('chat.postMessage')) if (!sentAt.has(c)) sentAt.set(c, now.current);
  }
};
const dmsTo = (userId: string) => fixture.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === `D${userId}`);
const zoneOf = (userId: string) => Object.values(PEOPLE).find((p) => p.id === userId)!.tz;
/** Local weekday and time a message reached someone. */
const local = (c: RecordedCall, userId: string) => {
  const at = sentAt.get(c)!;
  return `${new Date(`${localDate(at, zoneOf(userId))}T00:00:00Z`).toUTCString().slice(0, 3)} ${localTime(at, zoneOf(userId))}`;
};

describe('Working hours, the pure rule', () => {
  const holidays = new Set(['2026-12-25']);
  test.each([
    ['a Monday 10:00 in London', '2026-11-30T10:00:00Z', 'Europe/London', '2026-11-30T10:00:00.000Z'],
    ['a Monday 05:00 in London: its 08:00', '2026-11-30T05:00:00Z', 'Europe/London', '2026-11-30T08:00:00.000Z'],
    ['a Monday 23:00 in London: Tuesday 08:00', '2026-11-30T23:00:00Z', 'Europe/London', '2026-12-01T08:00:00.000Z'],
    ['a Friday 19:00 in Los Angeles: Monday 08:00 there', '2026-12-05T03:00:00Z', 'America/Los_Angeles', '2026-12-07T16:00:00.000Z'],
    ['Christmas Day, a holiday: Monday 28th', '2026-12-25T12:00:00Z', 'Europe/London', '2026-12-28T08:00:00.000Z'],
    [
      'the Sunday daylight saving ends in New York: Monday 08:00 EST',
      '2026-11-01T12:00:00Z',
      'America/New_York',
      '2026-11-02T13:00:00.000Z',
    ],
  ])('%s', (_name, at, tz, expected) => {
    expect(nextWorkingInstant(new Date(at), tz, DEFAULT_HOURS, holidays).toISOString()).toBe(expected);
  });

  test('Hours and days are read as people write them, or refused saying how', () => {
    expect(readHours('9:00-17:30')).toEqual({ start: '09:00', end: '17:30' });
    expect(readHours('17:00-09:00')).toEqual({ problem: expect.stringContaining('comes after its start') });
    expect(readHours('nine to five')).toEqual({ problem: expect.stringContaining('like 08:00-18:00') });
    expect(readDays('sun-thu')).toEqual([0, 1, 2, 3, 4]);
    expect(readDays('mon,wed,fri')).toEqual([1, 3, 5]);
    expect(readDays('fri-mon')).toEqual([0, 1, 5, 6]);
    expect(readDays('weekdays')).toEqual({ problem: expect.stringContaining('mon-fri') });
  });
});

describe('Working hours, over two weeks of the cascade', () => {
  test('When Raj’s Monday prompt goes out at 04:30 UTC, then Ann’s live message waits for her 08:00; nobody gets anything at night', async () => {
    await until('2026-11-30T12:00:00Z');
    const raj = dmsTo(PEOPLE.raj.id);
    expect(raj.length).toBeGreaterThan(0);
    expect(local(raj[0]!, PEOPLE.raj.id)).toBe('Mon 10:00');
    const live = dmsTo(PEOPLE.ann.id).find((c) => String(c.args.text).startsWith('Your round'))!;
    expect(local(live, PEOPLE.ann.id)).toBe('Mon 08:00');
  });

  test('When a person sets their own hours, then what is due to them outside those waits for them; reset goes back to the workspace’s', async () => {
    expect(await say(PEOPLE.ann.id, 'hours')).toContain('Your working hours: *Mon–Fri 08:00–18:00 (the workspace’s)*');
    expect(await say(PEOPLE.ann.id, 'hours 12:00-18:00')).toContain('*Mon–Fri 12:00–18:00 (your own)*');
    expect(await say(PEOPLE.ann.id, 'hours 18:00-12:00')).toContain('comes after its start');
    expect(await say(PEOPLE.ann.id, 'hours workspace 07:00-19:00')).toContain('Only Cascade admins can set the workspace’s working hours');
    // Ann's round closes on Wednesday at 10:00 London (Mia's window); her brief waits for her noon.
    await until('2026-12-02T13:00:00Z');
    const brief = dmsTo(PEOPLE.ann.id).find((c) => String(c.args.text).startsWith('Your brief'))!;
    expect(local(brief, PEOPLE.ann.id)).toBe('Wed 12:00');
    expect(await say(PEOPLE.ann.id, 'hours reset')).toContain('(the workspace’s)');
  });

  test('When an admin adds a holiday, then nothing goes out that day and no window closes on it; the file import names a bad line and applies nothing', async () => {
    expect(await say(PEOPLE.raj.id, 'holidays add 2026-12-08 "Company day"')).toContain('Only Cascade admins can set holidays');
    expect(await say(PEOPLE.admin.id, 'holidays add 2026-12-08 "Company day"')).toContain('Tue, 8 Dec 2026 (Company day) is a holiday');
    expect(await say(PEOPLE.admin.id, 'holidays add 2026-02-30')).toContain('is not a date');
    expect(await say(PEOPLE.raj.id, 'holidays')).toContain('Tue, 8 Dec 2026 — Company day');
    // Mia's prompt of Monday 7 December: two working days, Tuesday not one of them, close Thursday 10:00.
    await until('2026-12-11T12:00:00Z');
    const mia = await fixture.db.db
      .selectFrom('checkin as c')
      .innerJoin('round as r', 'r.id', 'c.round_id')
      .select(['c.closes_at'])
      .where('c.person_id', '=', PEOPLE.mia.id)
      .where('r.occurrence', '=', '2026-12-07')
      .executeTakeFirstOrThrow();
    expect(mia.closes_at.toISOString()).toBe('2026-12-10T10:00:00.000Z');
    for (const person of [PEOPLE.raj, PEOPLE.mia, PEOPLE.ann, PEOPLE.leo, PEOPLE.bob]) {
      const onHoliday = dmsTo(person.id).filter((c) => localDate(sentAt.get(c)!, person.tz) === '2026-12-08');
      expect([person.name, onHoliday.map((c) => String(c.args.text).slice(0, 40))]).toEqual([person.name, []]);
    }
    expect(await say(PEOPLE.admin.id, 'holidays remove 2026-12-08')).toBe('2026-12-08 is a working day again.');

    const bad = await importHolidays(
      fixture.db.db,
      fixture.app.teamId,
      'date,name\n2026-12-24,Christmas Eve\n2026-12-32,Typo\n2026-12-24,Again\n',
      { dryRun: false },
    );
    expect(bad).toEqual({
      ok: false,
      applied: 0,
      errors: [
        { line: 3, message: expect.stringContaining('"2026-12-32" is not a date') },
        { line: 4, message: '2026-12-24 is in the file twice' },
      ],
    });
    expect(await say(PEOPLE.raj.id, 'holidays')).not.toContain('Christmas Eve');
    expect(
      await importHolidays(fixture.db.db, fixture.app.teamId, 'date,name\n2026-12-24,Christmas Eve\n2026-12-25,Christmas Day\n', {
        dryRun: false,
      }),
    ).toEqual({ ok: true, applied: 2, errors: [] });
    expect(await say(PEOPLE.raj.id, 'holidays')).toContain('Fri, 25 Dec 2026 — Christmas Day');
  });

  test('When Leo’s window runs over a weekend, then his reminder waits for Monday morning, not Sunday', async () => {
    expect(await say(PEOPLE.admin.id, `cadence set manager_reps for <@${PEOPLE.bob.id}> friday`)).toContain('Updated.');
    // This week already had Bob's Monday round: the change starts next week. Friday 18 December, 10:00 in
    // Los Angeles; two working days: Tuesday 10:00; halfway falls on Sunday.
    await until('2026-12-21T20:00:00Z');
    const reminder = dmsTo(PEOPLE.leo.id).find(
      (c) => c.args.thread_ts && String(c.args.text).includes('closes') && sentAt.get(c)! >= new Date('2026-12-18T00:00:00Z'),
    )!;
    expect(reminder).toBeDefined();
    expect(local(reminder, PEOPLE.leo.id)).toBe('Mon 08:00');
  });

  test('Across the whole walk, no DM reached anyone outside Mon–Fri 08:00–18:00 of their own zone', () => {
    for (const person of Object.values(PEOPLE)) {
      for (const c of dmsTo(person.id)) {
        const at = sentAt.get(c)!;
        const day = new Date(`${localDate(at, person.tz)}T00:00:00Z`).getUTCDay();
        const time = localTime(at, person.tz);
        expect([person.name, String(c.args.text).slice(0, 30), day >= 1 && day <= 5 && time >= '08:00' && time < '18:00']).toEqual([
          person.name,
          String(c.args.text).slice(0, 30),
          true,
        ]);
      }
    }
  });
});
