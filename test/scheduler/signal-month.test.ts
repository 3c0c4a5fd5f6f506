import { commitmentsToReview } from '../../src/accountability/commitments';
import { questionsToAsk, submitAnswers } from '../../src/checkins/answers';
import { openWorkspace } from '../../src/checkins/cadences';
import { checkinContext } from '../../src/checkins/context';
import type { Question } from '../../src/db/types';
import { importOrgChart } from '../../src/org/import';
import { scopeOf } from '../../src/org/policy';
import { tick } from '../../src/scheduler/tick';
import { slackDirectory } from '../../src/slack/directory';
import type { RecordedCall, SlackStandIn, StandInUser } from '../../src/slack/stand-in/slack';
import { localDate, localTime } from '../../src/time/calendar';
import type { TestApp } from '../support/app';
import { fakeClient, tickDeps, useFixture } from '../support/cascade';
import type { TestDb } from '../support/db';
import { linesOf } from '../support/lines';

/**
 * Five weeks of the cascade as its people would live them, with the workspace's default working hours
 * (Mon–Fri 08:00–18:00 in each person's zone): a CEO, a head of sales, two managers with eight reps each, one
 * rep in Los Angeles, a company holiday on Wednesday 18 November, and an admin who moves one manager's reps
 * from Monday to Tuesday in the middle of a week. One rep has a bad fortnight (confidence falls, then two missed
 * check-ins) and recovers. What it checks is what a person would notice: nothing at night or on the holiday,
 * no second round, briefs read in a minute, flags that clear, each answer once.
 */
const LON = 'Europe/London';
const LA = 'America/Los_Angeles';
const ORG: (StandInUser & { role: string; manager?: string })[] = [
  { id: 'USCEO', name: 'Casey Chen', tz: LON, role: 'ceo' },
  { id: 'USHOS', name: 'Pat Rivera', tz: LON, role: 'president', manager: 'USCEO' },
  { id: 'USMA', name: 'Ann Lee', tz: LON, role: 'manager', manager: 'USHOS' },
  { id: 'USMB', name: 'Bob Stone', tz: LON, role: 'manager', manager: 'USHOS' },
  ...['Raj', 'Mia', 'Kai', 'Noa', 'Eli', 'Ava', 'Jon', 'Leo'].map((n, i) => ({
    id: `USA${i + 1}`,
    name: `${n} Able`,
    tz: i === 7 ? LA : LON,
    role: 'rep',
    manager: 'USMA',
  })),
  ...['Uma', 'Ivo', 'Zoe', 'Gus', 'Tia', 'Max', 'Ida', 'Ben'].map((n, i) => ({
    id: `USB${i + 1}`,
    name: `${n} Baker`,
    tz: LON,
    role: 'rep',
    manager: 'USMB',
  })),
];
const ADMIN: StandInUser = { id: 'USOPS', name: 'Sam Ops', tz: LON };
const CSV = ['slack_user_id,name,role,manager', ...ORG.map((p) => `${p.id},${p.name},${p.role},${p.manager ?? ''}`)].join('\n');
const zoneOf = (id: string) => ORG.find((p) => p.id === id)?.tz ?? LON;
const REPS = ORG.filter((p) => p.role === 'rep').map((p) => p.id);
const RECOVERING = 'USA1';
const HOLIDAY = '2026-11-18';

let db: TestDb;
let slack: SlackStandIn;
let app: TestApp;
const now = { current: new Date('2026-11-01T00:00:00Z') };
/** When each Slack call was made, in simulated time: the tick that made it. */
const madeAt = new Map<RecordedCall, Date>();
const replies: Record<string, string> = {};

const say = async (userId: string, text: string) => {
  const { res, responseId } = await app.command(userId, text);
  expect(res.status).toBe(200);
  return (await app.reply(responseId)).text;
};

/** Week 0 is the week of 2 November. */
const weekOf = (occurrence: string) =>
  Math.floor((Date.parse(`${occurrence}T00:00:00Z`) - Date.parse('2026-11-02T00:00:00Z')) / (7 * 86_400_000));

/** A text answer long enough that a line that quotes it must cut it: whole only where it is shown in full. */
const longAnswer = (who: string, occurrence: string, q: Question) =>
  `${who} on ${occurrence} about question ${q.id}: the Northwind renewal moved because procurement wanted a second security review first`;

/**
 * How each person answers: most within the half hour, the recovering rep as the story says (5, then 2, then
 * two weeks of nothing, then 4 and 4), one rep of Bob's misses the second week.
 */
function plan(personId: string, occurrence: string): { answer: false } | { answer: true; confidence: number } {
  const week = weekOf(occurrence);
  if (personId === RECOVERING)
    return week === 2 || week === 3 ? { answer: false } : { answer: true, confidence: [5, 2, 0, 0, 4, 4][week] ?? 4 };
  if (personId === 'USB5' && week === 1) return { answer: false };
  return { answer: true, confidence: 3 + ((personId.charCodeAt(personId.length - 1) + week) % 2) };
}

const decided = new Set<number>();
async function peopleAct(at: Date): Promise<void> {
  const open = await db.db
    .selectFrom('checkin')
    .select(['id', 'person_id'])
    .where('team_id', '=', app.teamId)
    .where('status', '=', 'sent')
    .where('closes_at', '>', at)
    .execute();
  for (const c of open) {
    if (decided.has(c.id)) continue;
    decided.add(c.id);
    const ctx = (await checkinContext(db.db, c.id))!;
    const choice = plan(c.person_id, ctx.occurrence);
    if (!choice.answer) continue;
    const questions = await questionsToAsk(db.db, ctx);
    const who = ORG.find((p) => p.id === c.person_id)!.name;
    const raw: Record<number, string> = {};
    for (const q of questions) {
      if (q.kind === 'rating_1_5') raw[q.id] = String(choice.confidence);
      else if (q.kind === 'number') raw[q.id] = '7';
      else if (q.kind === 'yes_no') raw[q.id] = 'yes';
      else if (q.kind === 'choice') raw[q.id] = q.choices?.[0] ?? '';
      else if (q.kind === 'commitment') raw[q.id] = `${who} books three discovery calls before ${ctx.occurrence} ends`;
      else raw[q.id] = longAnswer(who, ctx.occurrence, q);
    }
    const reviews = (await commitmentsToReview(db.db, ctx)).map((m, i) => ({
      id: m.id,
      outcome: i % 2 === 0 ? ('done' as const) : ('partly' as const),
      note: `sent 2 of 3 (${ctx.occurrence})`,
    }));
    await submitAnswers(await scopeOf(db.db, app.teamId, c.person_id, [], at), { checkinId: c.id, questions, raw, reviews });
  }
}

async function until(iso: string): Promise<void> {
  const end = Date.parse(iso);
  for (let t = now.current.getTime() + 30 * 60_000; t <= end; t += 30 * 60_000) {
    now.current = new Date(t);
    await tick(tickDeps(db, slack, app.log), now.current);
    for (const method of ['chat.postMessage', 'chat.update'])
      for (const c of slack.callsTo(method)) if (!madeAt.has(c)) madeAt.set(c, now.current);
    await peopleAct(now.current);
  }
}

const f = useFixture({ now, admins: [ADMIN.id], users: [...ORG, ADMIN], org: 'none', workingHours: 'default' });

beforeAll(async () => {
  ({ db, slack, app } = f);
  await openWorkspace(db.db, app.teamId, 'Signal', now.current);
  const imported = await importOrgChart({ db: db.db, directory: slackDirectory(fakeClient(slack)), now: now.current }, app.teamId, CSV, {
    dryRun: false,
  });
  if (!imported.ok) throw new Error(JSON.stringify(imported.errors));
  // Sunday 1 November, evening in London: the admin loads the company's holiday.
  now.current = new Date('2026-11-01T20:00:00Z');
  replies.holiday = await say(ADMIN.id, `holidays add ${HOLIDAY} "Company day"`);
  await until('2026-11-11T12:00:00Z');
  // Wednesday of week 2, after Monday's rounds went out: Ann's reps move to Tuesdays at 09:30.
  replies.cadence = await say(ADMIN.id, `cadence set manager_reps for <@USMA> tuesday at 09:30`);
  await until('2026-12-08T18:00:00Z');
}, 900_000);

/** Top-level DMs and thread replies in DMs: what notifies a person. */
const dmPosts = () => slack.callsTo('chat.postMessage').filter((c) => String(c.args.channel).startsWith('D'));
const dmsTo = (userId: string) => dmPosts().filter((c) => c.args.channel === `D${userId}`);
const localDay = (at: Date, tz: string) => new Date(`${localDate(at, tz)}T00:00:00Z`).getUTCDay();
const briefsTo = (userId: string) => dmsTo(userId).filter((c) => String(c.args.text).startsWith('Your brief'));

describe('Five weeks of the cascade, as its people live them', () => {
  test('Nothing reaches anyone outside their working hours, at a weekend or on the company holiday', () => {
    expect(replies.holiday).toContain('18 Nov 2026');
    expect(dmPosts().length).toBeGreaterThan(100);
    const outside = dmPosts()
      .map((c) => {
        const userId = String(c.args.channel).slice(1);
        const at = madeAt.get(c)!;
        const tz = zoneOf(userId);
        const time = localTime(at, tz);
        const day = localDay(at, tz);
        return {
          userId,
          when: `${localDate(at, tz)} ${time}`,
          bad: day === 0 || day === 6 || time < '08:00' || time >= '18:00' || localDate(at, tz) === HOLIDAY,
        };
      })
      .filter((m) => m.bad);
    expect(outside).toEqual([]);
    // The rep in Los Angeles gets his prompt at the cadence's time in his own zone: Mondays 10:00, Tuesdays 09:30 after the change.
    const leo = dmsTo('USA8').filter((c) => !c.args.thread_ts && String(c.args.text).includes('check-in'));
    expect(
      leo.map(
        (c) => `${new Date(`${localDate(madeAt.get(c)!, LA)}T00:00:00Z`).toUTCString().slice(0, 3)} ${localTime(madeAt.get(c)!, LA)}`,
      ),
    ).toEqual(['Mon 10:00', 'Mon 10:00', 'Tue 09:30', 'Tue 09:30', 'Tue 09:30', 'Tue 09:30']);
  });

  test('A cadence changed on a Wednesday makes no second round that week, and none dated in the past; the next week meets on Tuesday', async () => {
    expect(replies.cadence).toContain('applies from the next period');
    const rounds = await db.db
      .selectFrom('round as r')
      .innerJoin('cadence as k', 'k.id', 'r.cadence_id')
      .select(['r.occurrence'])
      .where('r.leader_id', '=', 'USMA')
      .where('k.level', '=', 'manager_reps')
      .orderBy('r.occurrence')
      .execute();
    expect(rounds.map((r) => r.occurrence)).toEqual(['2026-11-02', '2026-11-09', '2026-11-17', '2026-11-24', '2026-12-01', '2026-12-08']);
    // Each rep of Ann's: one prompt a week, never two.
    for (const rep of REPS.filter((r) => r.startsWith('USA'))) {
      const prompts = dmsTo(rep).filter((c) => !c.args.thread_ts && String(c.args.text).includes('check-in with Ann Lee'));
      const days = prompts.map((c) => localDate(madeAt.get(c)!, zoneOf(rep)));
      // On the round's own day: a round dated in the past would have sent its prompt after it.
      expect([rep, days]).toEqual([rep, rounds.map((r) => r.occurrence).filter((d) => days.includes(d))]);
      expect(days.length).toBeGreaterThanOrEqual(4);
    }
    expect(briefsTo('USMA').filter((c) => String(c.args.text).includes('(9 Nov 2026)'))).toHaveLength(1);
  });

  test('A rep hears from Cascade a few times a week, not more', () => {
    for (const rep of REPS) {
      const perWeek = new Map<number, number>();
      for (const c of dmsTo(rep)) {
        const week = weekOf(localDate(madeAt.get(c)!, zoneOf(rep)));
        perWeek.set(week, (perWeek.get(week) ?? 0) + 1);
      }
      // A prompt, and at most a reminder and a word about a commitment or an answer.
      expect([rep, Math.max(...perWeek.values()) <= 3]).toEqual([rep, true]);
    }
  });

  test('A manager of eight reads a brief of 25 lines at most; the head of sales and the CEO, 30 at most', () => {
    const managerBriefs = [...briefsTo('USMA'), ...briefsTo('USMB')];
    expect(managerBriefs.length).toBeGreaterThanOrEqual(10);
    for (const b of managerBriefs) expect([b.args.text, linesOf({ blocks: b.args.blocks }).length <= 25]).toEqual([b.args.text, true]);
    const upper = [...briefsTo('USHOS'), ...briefsTo('USCEO')];
    expect(upper.length).toBeGreaterThanOrEqual(2);
    for (const b of upper) expect([b.args.text, linesOf({ blocks: b.args.blocks }).length <= 30]).toEqual([b.args.text, true]);
    // The head of sales hears what happened further down, one line per level.
    expect(briefsTo('USHOS').some((b) => JSON.stringify(b.args.blocks).includes('*What was heard further down*'))).toBe(true);
  });

  test('The rep who had a bad fortnight and recovered has no flag open at the end; the flags are kept, cleared, with the reason', async () => {
    const flags = await db.db
      .selectFrom('flag')
      .select(['rule', 'status', 'cleared_because', 'raised_at'])
      .where('person_id', '=', RECOVERING)
      .where('team_id', '=', app.teamId)
      .orderBy('id')
      .execute();
    expect(flags.map((f) => f.rule)).toEqual(expect.arrayContaining(['confidence_drop', 'missed_in_a_row']));
    expect(flags.filter((f) => f.status === 'open')).toEqual([]);
    for (const f of flags) expect(f.status).toBe('cleared');
    expect(flags.map((f) => [f.rule, f.cleared_because])).toEqual([
      ['confidence_drop', 'confidence now 4 of 5'],
      ['missed_in_a_row', 'answered the check-in of 1 Dec'],
    ]);
    // And Ann's last brief does not name him under "Needs your attention".
    const last = briefsTo('USMA').at(-1)!;
    const attention = linesOf({ blocks: last.args.blocks });
    const from = attention.findIndex((l) => l.startsWith('*Needs your attention*'));
    const to = attention.findIndex((l) => l.startsWith('*Your team*'));
    expect(attention.slice(from, to).join('\n')).not.toContain('Raj Able');
  });

  test('Each answer is shown in full once to the leader of its round, and never again further up', async () => {
    const answered = await db.db
      .selectFrom('checkin as c')
      .innerJoin('round as r', 'r.id', 'c.round_id')
      .innerJoin('cadence as k', 'k.id', 'r.cadence_id')
      .select(['c.id', 'c.person_id', 'r.leader_id', 'r.closed_at'])
      .where('c.team_id', '=', app.teamId)
      .where('c.status', '=', 'answered')
      .where('c.part', '=', 'member')
      .where('k.level', '=', 'manager_reps')
      .where('r.status', '=', 'closed')
      .execute();
    expect(answered.length).toBeGreaterThan(60);
    const shown = (channel: string) => (slack.surfaces.messages.get(channel) ?? []).map((m) => JSON.stringify(m.blocks ?? m.text));
    const count = (texts: readonly string[], needle: string) => texts.reduce((n, t) => n + t.split(needle).length - 1, 0);
    const byChannel = new Map<string, string[]>();
    const seen = (channel: string) => byChannel.get(channel) ?? byChannel.set(channel, shown(channel)).get(channel)!;
    for (const c of answered) {
      const values = await db.db.selectFrom('answer').select('value_text').where('checkin_id', '=', c.id).execute();
      const long = values.map((v) => v.value_text ?? '').filter((v) => v.length > 90);
      expect(long.length).toBeGreaterThan(0);
      for (const v of long) {
        expect([c.id, v, count(seen(`D${c.leader_id}`), v)]).toEqual([c.id, v, 1]);
        for (const above of ['USHOS', 'USCEO']) expect([above, c.id, count(seen(`D${above}`), v)]).toEqual([above, c.id, 0]);
      }
    }
  });
});
