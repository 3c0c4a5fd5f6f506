import { openingMoment } from '../../src/sandbox/run';
import { randomFrom } from '../../src/sandbox/seed';
import { answerOf, PERSONAS } from '../../src/sandbox/story';

/**
 * The demo people answer each question in words written for it, about their own accounts: a few dozen
 * different answers per question across the team, obstacles that recur as the same phrases (so that themes
 * have something to find), and a sandbox that opens with the week in flight.
 */
const REP_QUESTIONS = [
  { text: 'What worked this week, and why?', kind: 'long_text', intent: 'methodology' },
  { text: 'Where did your process get stuck this week?', kind: 'text', intent: 'process' },
  { text: 'What would you share with the team that others could use?', kind: 'long_text', intent: 'methodology' },
  { text: 'What did a customer teach you this week?', kind: 'text', intent: 'experience' },
  { text: 'What will you commit to before our next conversation?', kind: 'commitment', intent: 'commitment' },
] as const;
const OBSTACLES = { text: 'Which obstacle is slowing you down most right now?', kind: 'text', intent: 'obstacles' } as const;
const REPS = Object.keys(PERSONAS).filter((id) => !['UANN00001', 'UBOB00001', 'UDEV00001', 'UPAT00001', 'UCASEY001'].includes(id));

const answersTo = (q: { text: string; kind: string; intent: string }, draws = 6) => {
  const r = randomFrom(q.text);
  const out = new Set<string>();
  for (const rep of REPS)
    for (let i = 0; i < draws; i++) out.add(answerOf({ ...q, kind: q.kind as never, intent: q.intent as never, choices: null }, rep, 4, r));
  return out;
};

describe('What the demo people say', () => {
  test('Each question has a few dozen answers of its own, across the twelve reps, and no answer is given to two questions', () => {
    const all = REP_QUESTIONS.map((q) => answersTo(q));
    for (const [i, answers] of all.entries()) expect([REP_QUESTIONS[i]!.text, answers.size >= 24]).toEqual([REP_QUESTIONS[i]!.text, true]);
    for (let i = 0; i < all.length; i++)
      for (let j = i + 1; j < all.length; j++) expect([...all[i]!].filter((a) => all[j]!.has(a))).toEqual([]);
  });

  test('An answer names the person’s own accounts, never another rep’s', () => {
    const r = randomFrom('accounts');
    for (const rep of REPS) {
      const others = REPS.filter((x) => x !== rep).flatMap((x) =>
        PERSONAS[x]!.accounts.filter((a) => !PERSONAS[rep]!.accounts.includes(a)),
      );
      for (let i = 0; i < 10; i++) {
        const text = answerOf({ ...REP_QUESTIONS[0], choices: null }, rep, 4, r);
        const rest = PERSONAS[rep]!.accounts.reduce((t, a) => t.replaceAll(a, ''), text);
        expect([rep, text, others.filter((a) => rest.includes(a))]).toEqual([rep, text, []]);
      }
    }
  });

  test('Obstacles recur as the same few phrases, so that what the organisation keeps naming can be found', () => {
    const obstacles = answersTo(OBSTACLES, 4);
    expect(obstacles.size).toBeGreaterThanOrEqual(7);
    expect(obstacles.size).toBeLessThanOrEqual(20);
    expect([...obstacles].filter((o) => o.startsWith('Legal review')).length).toBeGreaterThanOrEqual(2);
  });

  test('A new sandbox opens on the latest Monday at 16:00 in London, with the week’s check-ins in flight', () => {
    expect(openingMoment(new Date('2026-12-04T20:00:00Z')).toISOString()).toBe('2026-11-30T16:00:00.000Z');
    expect(openingMoment(new Date('2026-12-07T15:59:00Z')).toISOString()).toBe('2026-11-30T16:00:00.000Z');
    expect(openingMoment(new Date('2026-12-07T16:00:00Z')).toISOString()).toBe('2026-12-07T16:00:00.000Z');
    // Summer time: 16:00 in London is 15:00 UTC.
    expect(openingMoment(new Date('2026-07-08T09:00:00Z')).toISOString()).toBe('2026-07-06T15:00:00.000Z');
  });
});
