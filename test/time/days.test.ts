import { dayOf, isDayWords } from '../../src/input';

/** Days as people write them after "by" and "until", read against their own today (Wednesday 9 December 2026). */
const TODAY = '2026-12-09';

describe('Days as people write them', () => {
  test.each([
    ['2026-12-24', '2026-12-24'],
    ['today', '2026-12-09'],
    ['tomorrow', '2026-12-10'],
    ['friday', '2026-12-11'],
    ['Fri', '2026-12-11'],
    ['Friday.', '2026-12-11'],
    // The next one after today: on a Wednesday, "by wednesday" is a week on.
    ['wednesday', '2026-12-16'],
    ['monday', '2026-12-14'],
    ['next week', '2026-12-14'],
    ['next friday', '2026-12-18'],
    ['next monday', '2026-12-14'],
    ['end of week', '2026-12-11'],
    ['end of the month', '2026-12-31'],
    ['eom', '2026-12-31'],
  ])('When someone writes "%s" on Wednesday 9 December, then it is %s', (words, day) => {
    expect(dayOf(words, TODAY)).toEqual({ ok: true, value: day });
  });

  test('When it is Friday, then "by friday" is the Friday after, and end of week is today', () => {
    expect(dayOf('friday', '2026-12-11')).toEqual({ ok: true, value: '2026-12-18' });
    expect(dayOf('end of week', '2026-12-11')).toEqual({ ok: true, value: '2026-12-11' });
    expect(dayOf('end of week', '2026-12-12')).toEqual({ ok: true, value: '2026-12-18' });
    expect(dayOf('end of month', '2027-02-10')).toEqual({ ok: true, value: '2027-02-28' });
  });

  test('When the words are not a day, then the refusal says what works, and "by Acme" is not taken for one', () => {
    expect(dayOf('someday', TODAY)).toEqual({
      ok: false,
      problem: '"someday" is not a day Cascade can read: write a weekday (friday), "next week", "end of month", or a date as YYYY-MM-DD.',
    });
    expect(dayOf('2026-02-30', TODAY)).toEqual({
      ok: false,
      problem: '"2026-02-30" is not a date between 2000 and 2100: write it as YYYY-MM-DD.',
    });
    expect(isDayWords('Acme')).toBe(false);
    expect(isDayWords('next quarter')).toBe(false);
    expect(isDayWords('next week')).toBe(true);
  });
});
