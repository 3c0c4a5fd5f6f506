import { questionsToAsk, submitAnswers } from '../../src/checkins/answers';
import { checkinContext } from '../../src/checkins/context';
import { scopeOf } from '../../src/org/policy';
import { tick } from '../../src/scheduler/tick';
import type { RecordedCall } from '../../src/slack/stand-in/slack';
import { addDays, wallClock } from '../../src/time/calendar';
import { tickDeps, useFixture } from '../support/cascade';
import { PEOPLE } from '../support/org-fixture';

/*
 * A quarter and a month of the top's monthly conversation (CEO ↔ President, first Monday of the month at 09:00),
 * with the workspace's default working hours: before each conversation both get the monthly analytics pack, once,
 * the same for both, inside their working hours and before the President's prompt, with its chart in the thread
 * once there are two months to draw. The President answers in September and October and not in November: the
 * December pack says so. A cadence moved to weekly in November sends no second pack that month.
 */

const now = { current: new Date('2026-08-29T00:00:00Z') };
const f = useFixture({ now, workingHours: 'default' });
const { ceo, president, admin } = PEOPLE;
const madeAt = new Map<RecordedCall, Date>();

/** The President answers the CEO's check-in of September and October (every question, the same words). */
async function presidentAnswers(at: Date): Promise<void> {
  if (at >= new Date('2026-11-01T00:00:00Z')) return;
  const open = await f.db.db
    .selectFrom('checkin')
    .select('id')
    .where('person_id', '=', president.id)
    .where('status', '=', 'sent')
    .execute();
  for (const c of open) {
    const ctx = (await checkinContext(f.db.db, c.id))!;
    const questions = await questionsToAsk(f.db.db, ctx);
    const raw: Record<number, string> = {};
    for (const q of questions)
      raw[q.id] =
        q.kind === 'rating_1_5' ? '4' : q.kind === 'number' ? '3' : q.kind === 'yes_no' ? 'yes' : (q.choices?.[0] ?? 'Pricing approvals');
    await submitAnswers(await scopeOf(f.db.db, f.app.teamId, president.id, [], at), { checkinId: c.id, questions, raw, reviews: [] });
  }
}

/** Hourly over the days around each month's first Monday (a pack and a prompt fall there) and November's Mondays, daily otherwise. */
async function until(iso: string): Promise<void> {
  const end = new Date(iso);
  while (now.current < end) {
    const day = now.current.toISOString().slice(0, 10);
    const firstMonday = [0, 1, 2, 3, 4, 5, 6]
      .map((i) => addDays(`${day.slice(0, 8)}01`, i))
      .find((d) => new Date(`${d}T00:00:00Z`).getUTCDay() === 1)!;
    // Mondays too, from November (the cadence is weekly then).
    const monday = day >= '2026-11-01' && now.current.getUTCDay() === 1;
    const near = monday || (day >= addDays(firstMonday, -2) && day <= addDays(firstMonday, 1));
    now.current = new Date(now.current.getTime() + (near ? 1 : 24) * 3_600_000);
    await tick(tickDeps(f.db, f.slack, f.app.log), now.current);
    for (const method of ['chat.postMessage', 'files.completeUploadExternal'])
      for (const c of f.slack.callsTo(method)) if (!madeAt.has(c)) madeAt.set(c, now.current);
    await presidentAnswers(now.current);
  }
}

const packsTo = (userId: string) =>
  f.slack
    .callsTo('chat.postMessage')
    .filter((c) => c.args.channel === `D${userId}` && String(c.args.text).startsWith('Monthly analytics for'));
const promptsTo = (userId: string) =>
  f.slack
    .callsTo('chat.postMessage')
    .filter(
      (c) =>
        c.args.channel === `D${userId}` &&
        !c.args.thread_ts &&
        JSON.stringify(c.args.blocks ?? []).includes('Casey Chen') &&
        !String(c.args.text).startsWith('Monthly'),
    );

describe('The monthly analytics pack, sent before the top’s monthly conversation', () => {
  test('When the first Monday of each month comes, then the CEO and the President each get that month’s pack once, in working hours, before the prompt, the same for both', async () => {
    await until('2026-11-01T00:00:00Z');
    // The cadence moves to weekly (Mondays) for November: five conversations, one pack.
    const { res } = await f.app.command(admin.id, 'cadence set ceo_president weekly monday');
    expect(res.status).toBe(200);
    await until('2026-12-09T00:00:00Z');

    const months = ['August 2026', 'September 2026', 'October 2026', 'November 2026'];
    for (const who of [ceo, president]) {
      const packs = packsTo(who.id);
      expect(packs.map((p) => p.args.text)).toEqual(months.map((m) => `Monthly analytics for ${m}, for Casey Chen and Pat Rivera.`));
      for (const p of packs) {
        const at = wallClock(madeAt.get(p)!, who.tz);
        // Inside the default working hours (Mon–Fri 08:00–18:00) of the one who reads it.
        expect(at.weekday).toBeGreaterThanOrEqual(1);
        expect(at.weekday).toBeLessThanOrEqual(5);
        expect(at.time >= '08:00' && at.time < '18:00').toBe(true);
      }
    }
    // The same message for both.
    const both = [packsTo(ceo.id), packsTo(president.id)];
    for (let i = 0; i < months.length; i++) expect(JSON.stringify(both[0]![i]!.args.blocks)).toBe(JSON.stringify(both[1]![i]!.args.blocks));
    // Before the President's prompt of the same conversation (never after: the pack is for that conversation).
    const prompts = promptsTo(president.id);
    for (const month of ['2026-09', '2026-10', '2026-11', '2026-12']) {
      const prompt = prompts.find((p) => madeAt.get(p)!.toISOString().startsWith(month));
      const pack = packsTo(president.id).find((p) => madeAt.get(p)!.toISOString().startsWith(month));
      expect(prompt).toBeDefined();
      expect(madeAt.get(pack!)!.getTime()).toBeLessThanOrEqual(madeAt.get(prompt!)!.getTime());
      expect(f.slack.calls.indexOf(pack!)).toBeLessThan(f.slack.calls.indexOf(prompt!));
    }
    // November's weekly conversations (five Mondays): five prompts, one pack.
    expect(prompts.filter((p) => madeAt.get(p)!.toISOString().startsWith('2026-11')).length).toBe(5);
  });

  test('When December’s pack is read, then it says the President answered in October and not in November, and asks about it', async () => {
    const december = JSON.stringify(packsTo(ceo.id).at(-1)!.args.blocks);
    expect(december).toMatch(/CEO ↔ President[^`]*`[^`]{6}` 0% answered/);
    expect(december).toContain('0% of check-ins answered, from 100% the month before');
    expect(december).toContain('Broken links this month (rounds nobody answered): Casey Chen');
  });

  test('When a pack goes out with two months or more to draw, then its chart is in its thread; the first (one month of data) has none', async () => {
    const charts = f.slack.callsTo('files.completeUploadExternal').filter((u) => JSON.stringify(u.args).includes('Monthly analytics, '));
    for (const who of [ceo, president]) {
      const mine = charts.filter((u) => u.args.channel_id === `D${who.id}`);
      // August's pack has one month with data (the org began on 31 August): no trend to draw. The three after have a chart.
      expect(mine.map((u) => JSON.stringify(u.args).match(/Monthly analytics, (\w+ \d{4})/)![1])).toEqual([
        'September 2026',
        'October 2026',
        'November 2026',
      ]);
      for (const u of mine) expect(u.args.thread_ts).toMatch(/^\d+\.\d+$/);
    }
  });
});
