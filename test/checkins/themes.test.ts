import { buildBrief } from '../../src/checkins/briefs';
import { ensureWorkspaceDefaults } from '../../src/checkins/cadences';
import { strongest, themesAmong } from '../../src/checkins/said';
import { themesOf } from '../../src/checkins/themes';
import { buildDigest } from '../../src/digests/figures';
import { briefMessage } from '../../src/slack/blocks/brief';
import { digestMessage } from '../../src/slack/blocks/digest';
import { addDays } from '../../src/time/calendar';
import { digestPeriods } from '../../src/time/periods';
import { useFixture } from '../support/cascade';
import { pastCheckin } from '../support/history';
import { PEOPLE } from '../support/org-fixture';

/*
 * Themes over a quarter: what people wrote, week by week, grouped by meaning, with where each is going; read
 * only from the chain a leader may read, and for a channel only from answers their authors shared.
 */

const now = { current: new Date('2026-11-30T12:00:00Z') };
const f = useFixture({ now });

/** The Monday of week `n` of the quarter (week 0: 7 September 2026). */
const week = (n: number) => addDays('2026-09-07', 7 * n);

const QUESTION = {
  obstacles: 'Which obstacle is slowing you down most right now?',
  support: 'What would help you most?',
  methodology: 'What worked, and why?',
};

/** One answered check-in with its answers, in a closed round of the cadence led by `leaderId`. */
const answered = (
  cadence: string,
  personId: string,
  leaderId: string,
  occurrence: string,
  answers: { intent: keyof typeof QUESTION; text: string; shared?: boolean }[],
) => pastCheckin(f, { cadence, leaderId, personId, occurrence, answers: answers.map((a) => ({ ...a, question: QUESTION[a.intent] })) });

beforeAll(async () => {
  await ensureWorkspaceDefaults(f.db.db, f.app.teamId);
  const { raj, mia, leo, ann, bob, president } = PEOPLE;
  // Twelve weeks. Legal review: Raj from the start, Mia from week 9, Leo in week 11 (growing at the end).
  // Pricing approvals: Raj and Mia until week 10, then nobody (fading). CRM sync: new in the last week.
  for (let n = 0; n < 12; n++) {
    const o = week(n);
    const rajSaid = [
      n < 11 ? 'Legal review slows every contract' : 'Legal reviews, and the CRM sync breaking',
      n <= 10 ? 'pricing approvals take ages' : '',
    ];
    const miaSaid = [n >= 9 ? 'Legal review again' : '', n <= 10 ? 'Waiting on pricing approvals' : 'The CRM sync is broken'];
    await answered('manager_reps', raj.id, ann.id, o, [{ intent: 'obstacles', text: rajSaid.filter(Boolean).join('. ') }]);
    await answered('manager_reps', mia.id, ann.id, o, [{ intent: 'obstacles', text: miaSaid.filter(Boolean).join('. ') }]);
    // Leo is Bob's: what he writes is for Bob's chain, never Ann's.
    await answered('manager_reps', leo.id, bob.id, o, [
      { intent: 'obstacles', text: n >= 10 ? 'Legal review takes weeks, and the discount desk' : 'Quiet territory' },
      { intent: 'methodology', text: 'Mutual action plans with the champion', shared: true },
    ]);
  }
  // Ann and Bob in Pat's last round, so that Pat (a leader of leaders) has a brief over the last week.
  await answered('president_managers', ann.id, president.id, week(11), [{ intent: 'obstacles', text: 'Hiring is slow' }]);
  await answered('president_managers', bob.id, president.id, week(11), [{ intent: 'obstacles', text: 'Hiring is slow' }]);
});

describe('Themes: what people wrote, grouped, and where it is going', () => {
  test('When themes are read week by week, then they say new, growing, steady or fading against the week before', () => {
    const said = (person: string, text: string) => ({ person, text });
    expect(
      themesOf(
        'obstacle',
        [said('A', 'legal review'), said('B', 'Legal reviews'), said('C', 'legal review, again')],
        [said('A', 'legal review')],
      ),
    ).toEqual([expect.objectContaining({ phrase: 'legal review', count: 3, before: 1, trend: 'growing' })]);
    expect(themesOf('obstacle', [said('A', 'crm sync'), said('B', 'CRM sync broke')], [])).toEqual([
      expect.objectContaining({ phrase: 'crm sync', count: 2, before: 0, trend: 'new' }),
    ]);
    expect(themesOf('obstacle', [said('A', 'pricing approvals')], [said('A', 'pricing approvals'), said('B', 'pricing approval')])).toEqual(
      [expect.objectContaining({ phrase: 'pricing approval', count: 1, before: 2, trend: 'fading' })],
    );
  });

  test('When a longer theme says part of a stronger one again, then only the stronger is shown', () => {
    const theme = (key: string, count: number) => ({
      kind: 'obstacle' as const,
      key,
      phrase: key,
      count,
      before: 0,
      trend: 'new' as const,
      quote: null,
    });
    const shown = strongest(
      {
        obstacle: [theme('review slow everi contract', 6), theme('legal review', 11), theme('crm sync', 2)],
        factor: [],
        help: [],
        worked: [],
      },
      5,
    );
    expect(shown.map((t) => t.key)).toEqual(['legal review', 'crm sync']);
  });

  test('When the quarter is read week by week for Ann’s chain, then legal review grows, pricing approvals fade and the CRM sync is new, from her reps only', async () => {
    const read = async (n: number) =>
      themesAmong(f.db.db, {
        teamId: f.app.teamId,
        people: [PEOPLE.raj.id, PEOPLE.mia.id],
        from: addDays(week(n), -1),
        to: addDays(week(n), 6),
        sharedOnly: false,
      });
    // Weeks 1–8: Raj alone names legal review; both name pricing approvals, steadily.
    const mid = await read(5);
    expect(mid.obstacle.map((t) => [t.phrase, t.count, t.trend])).toEqual([['pricing approvals', 2, 'steady']]);
    // Week 9: Mia names legal review too.
    expect((await read(9)).obstacle.find((t) => t.key === 'legal review')).toMatchObject({ count: 2, before: 1, trend: 'growing' });
    // Week 11: nobody names pricing approvals any more; the CRM sync is new. Leo (Bob's) named legal review too,
    // but Ann's chain is Raj and Mia: he is never counted.
    const last = await read(11);
    expect(last.obstacle.map((t) => [t.phrase, t.count, t.before, t.trend])).toEqual([
      ['crm sync', 2, 0, 'new'],
      ['legal review', 2, 2, 'steady'],
      ['pricing approvals', 0, 2, 'fading'],
    ]);
  });

  test('When Pat’s brief is built after the last week, then it opens what keeps coming up below him (three lines at most), with the growth Leo adds', async () => {
    const round = await f.db.db
      .selectFrom('round')
      .select('id')
      .where('leader_id', '=', PEOPLE.president.id)
      .where('occurrence', '=', week(11))
      .executeTakeFirstOrThrow();
    const brief = (await buildBrief(f.db.db, round.id))!;
    expect(brief.themes.length).toBeLessThanOrEqual(3);
    // Across Pat's whole chain legal review went from 2 people (Raj, Mia… and Leo from week 10) to 3.
    expect(brief.themes[0]).toMatchObject({ kind: 'obstacle', phrase: 'legal review', count: 3 });
    const text = JSON.stringify(briefMessage(brief));
    expect(text).toContain('*What keeps coming up below you*');
    expect(text).toMatch(/• “legal review” — obstacle, 3 people \((steady|growing: \d → 3)\)/);
  });

  test('When Ann’s team digest is built for the last week, then its themes come only from shared answers: the reps’ unshared obstacles never reach the channel', async () => {
    const { current, previous } = digestPeriods('weekly', addDays(week(11), 7));
    const team = await buildDigest(f.db.db, { teamId: f.app.teamId, scope: 'team', ownerId: PEOPLE.ann.id, current, previous });
    // Raj and Mia shared nothing: nothing to read, and nothing of what they wrote privately.
    expect(team.themes).toEqual([]);
    expect(team.themeAnswers).toBe(0);
    const text = JSON.stringify(digestMessage(team));
    expect(text).not.toMatch(/legal review|pricing approval|crm sync/i);
    // The org digest reads the whole workspace, still only what was shared: Leo's mutual action plans, one person.
    const org = await buildDigest(f.db.db, { teamId: f.app.teamId, scope: 'org', current, previous });
    expect(org.themes).toEqual([]);
    expect(org.themeAnswers).toBe(1);
    expect(JSON.stringify(digestMessage(org))).not.toMatch(/legal review|pricing approval|crm sync/i);
  });

  test('When two people share the same thing, then the digest shows it with where it is going and a quote in their words', async () => {
    const o = week(11);
    await answered('manager_reps', PEOPLE.raj.id, PEOPLE.ann.id, addDays(o, 1), [
      { intent: 'methodology', text: 'Mutual action plans, signed by the buyer', shared: true },
    ]);
    const { current, previous } = digestPeriods('weekly', addDays(o, 7));
    const org = await buildDigest(f.db.db, { teamId: f.app.teamId, scope: 'org', current, previous });
    expect(strongest({ obstacle: [], help: [], worked: org.themes.slice(), factor: [] })).toEqual([
      expect.objectContaining({ kind: 'worked', phrase: 'mutual action plans', count: 2, before: 1, trend: 'growing' }),
    ]);
    const text = JSON.stringify(digestMessage(org));
    expect(text).toContain('• “mutual action plans” — what worked, 2 people (growing: 1 → 2): _“');
  });
});
