import { webApi } from '@slack/bolt';
import { scopeOf } from '../../src/org/policy';
import { instantOf } from '../../src/time/calendar';
import { deliveryHandlers } from '../../src/slack/deliveries';
import { submitAnswers, questionsFor } from '../../src/checkins/answers';
import { checkinContext } from '../../src/checkins/context';
import { createLog } from '../../src/log';
import { importOrgChart } from '../../src/org/import';
import { openWorkspace } from '../../src/checkins/cadences';
import type { Messenger } from '../../src/scheduler/messenger';
import { tick } from '../../src/scheduler/tick';
import { slackDirectory } from '../../src/slack/directory';
import { slackMessenger } from '../../src/slack/messenger';
import { LogCapture } from '../support/app';
import { workAroundTheClock } from '../support/cascade';
import { createTestDb, type TestDb } from '../support/db';
import { SlackStandIn, type StandInUser } from '../../src/slack/stand-in/slack';

/**
 * A whole month of the cascade for a small org across six time zones, two of which leave summer time
 * inside the month (Europe on 25 October, the United States on 1 November), driven by ticks every half hour.
 */
const TEAM = 'T0MONTH';
const ORG: (StandInUser & { role: string; manager?: string })[] = [
  { id: 'UMCEO', name: 'Casey Chen', email: 'casey@m.example', tz: 'America/New_York', role: 'ceo' },
  { id: 'UMPRES', name: 'Pat Rivera', email: 'pat@m.example', tz: 'America/Chicago', role: 'president', manager: 'casey@m.example' },
  { id: 'UMANN', name: 'Ann Lee', email: 'ann@m.example', tz: 'Europe/London', role: 'manager', manager: 'pat@m.example' },
  { id: 'UMBOB', name: 'Bob Stone', email: 'bob@m.example', tz: 'America/Los_Angeles', role: 'manager', manager: 'pat@m.example' },
  { id: 'UMRAJ', name: 'Raj Patel', email: 'raj@m.example', tz: 'Asia/Kolkata', role: 'rep', manager: 'ann@m.example' },
  { id: 'UMMIA', name: 'Mia Wong', email: 'mia@m.example', tz: 'Europe/London', role: 'rep', manager: 'ann@m.example' },
  { id: 'UMKAI', name: 'Kai Berg', email: 'kai@m.example', tz: 'Europe/Berlin', role: 'rep', manager: 'ann@m.example' },
  { id: 'UMLEO', name: 'Leo Park', email: 'leo@m.example', tz: 'America/Los_Angeles', role: 'rep', manager: 'bob@m.example' },
  { id: 'UMNOA', name: 'Noa Levi', email: 'noa@m.example', tz: 'America/New_York', role: 'rep', manager: 'bob@m.example' },
  { id: 'UMYUK', name: 'Yuki Sato', email: 'yuki@m.example', tz: 'Asia/Tokyo', role: 'rep', manager: 'bob@m.example' },
];
const CSV = ['email,name,role,manager', ...ORG.map((p) => `${p.email},${p.name},${p.role},${p.manager ?? ''}`)].join('\n');
const byId = new Map(ORG.map((p) => [p.id, p]));

interface Sent {
  readonly at: Date;
  readonly channel: string;
  readonly text: string;
  readonly thread?: string;
  readonly checkinId?: number;
}

let db: TestDb;
let slack: SlackStandIn;
const sent: Sent[] = [];
const updates: { at: Date; channel: string; text: string }[] = [];
let clock = new Date(0);

/**
 * The instants at which the cascade can act in this org: every cadence meets at 09:00 or 10:00 local, and
 * windows, halfway reminders and closes fall on those same local times on later days; the answers come half
 * an hour after a prompt. So the month is ticked at 09:00 and 10:00 in each member's zone, half past in the
 * zones of those who answer (and at the three instants the test changes something), not every half hour.
 */
function instantsThatMatter(start: number, end: number): number[] {
  const zones = [...new Set(ORG.map((p) => p.tz!))];
  const out = new Set<number>([Date.parse('2026-11-06T12:00:00Z'), Date.parse('2026-11-08T00:00:00Z'), Date.parse('2026-11-14T00:00:00Z')]);
  for (let day = start - 86_400_000; day <= end + 86_400_000; day += 86_400_000) {
    const date = new Date(day).toISOString().slice(0, 10);
    for (const tz of zones) {
      // Half past only where someone answers (Raj, Kai and Noa answer half an hour after their prompt).
      const answering = ORG.some((p) => ['UMRAJ', 'UMKAI', 'UMNOA'].includes(p.id) && p.tz === tz);
      for (const time of answering ? ['09:00', '09:30', '10:00', '10:30'] : ['09:00', '10:00']) {
        const guess = instantOf(date, time, tz).getTime();
        if (guess >= start && guess <= end) out.add(guess);
      }
    }
  }
  return [...out].sort((a, b) => a - b);
}

function localHm(instant: Date, tz: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: tz, hour: '2-digit', minute: '2-digit', hour12: false }).format(instant);
}

beforeAll(async () => {
  db = await createTestDb();
  slack = await new SlackStandIn().addUser(...ORG).start();
  const client = new webApi.WebClient('xoxb-test', {
    slackApiUrl: slack.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
  });
  await openWorkspace(db.db, TEAM, 'Month', new Date('2026-10-01T00:00:00Z'));
  await workAroundTheClock(db, TEAM);
  expect(
    (
      await importOrgChart({ db: db.db, directory: slackDirectory(client), now: new Date('2026-10-01T00:00:00Z') }, TEAM, CSV, {
        dryRun: false,
      })
    ).ok,
  ).toBe(true);

  // Records what went out at which simulated instant; Slack itself is the fake.
  const real = slackMessenger(client);
  const messenger: Messenger = {
    status: (u) => real.status(u),
    upload: (channel, file, thread) => real.upload(channel, file, thread),
    async postDm(userId, message) {
      const posted = await real.postDm(userId, message);
      const value = /"value":"(\d+)"/.exec(JSON.stringify(message.blocks ?? []));
      sent.push({ at: clock, channel: posted.channel, text: message.text, ...(value ? { checkinId: Number(value[1]) } : {}) });
      return posted;
    },
    async post(channel, message, thread) {
      const ts = await real.post(channel, message, thread);
      const value = /"value":"(\d+)"/.exec(JSON.stringify(message.blocks ?? []));
      sent.push({
        at: clock,
        channel,
        text: message.text,
        ...(thread ? { thread } : {}),
        ...(value ? { checkinId: Number(value[1]) } : {}),
      });
      return ts;
    },
    async update(channel, ts, message) {
      await real.update(channel, ts, message);
      updates.push({ at: clock, channel, text: message.text });
    },
  };
  const deps = { db: db.db, messenger, log: createLog({ level: 'warn', destination: new LogCapture() }), handlers: deliveryHandlers };

  const start = Date.parse('2026-10-18T00:00:00Z');
  const end = Date.parse('2026-11-21T00:00:00Z');
  for (const t of instantsThatMatter(start, end)) {
    clock = new Date(t);
    const iso = clock.toISOString();
    // Mia is paused for the week of 9 November; Yuki's Slack status says vacation that week.
    if (iso === '2026-11-06T12:00:00.000Z')
      await db.db.updateTable('person').set({ paused_until: '2026-11-13' }).where('slack_user_id', '=', 'UMMIA').execute();
    if (iso === '2026-11-08T00:00:00.000Z') slack.addUser({ ...byId.get('UMYUK')!, statusText: 'Vacation', statusEmoji: ':palm_tree:' });
    if (iso === '2026-11-14T00:00:00.000Z') slack.addUser({ ...byId.get('UMYUK')!, statusText: '', statusEmoji: '' });
    await tick(deps, clock);
    // Raj, Kai and Noa answer within an hour of each prompt; the others never do.
    for (const s of sent.filter((x) => x.checkinId && !x.thread && x.at.getTime() === t - 30 * 60_000)) {
      const userId = s.channel.slice(1);
      if (!['UMRAJ', 'UMKAI', 'UMNOA'].includes(userId)) continue;
      const ctx = (await checkinContext(db.db, s.checkinId!))!;
      const questions = await questionsFor(db.db, ctx);
      const raw = Object.fromEntries(
        questions.map((q) => [
          q.id,
          q.kind === 'rating_1_5'
            ? '4'
            : q.kind === 'number'
              ? '7'
              : q.kind === 'yes_no'
                ? 'yes'
                : `${byId.get(userId)!.name} on ${ctx.occurrence}`,
        ]),
      );
      await submitAnswers(await scopeOf(db.db, TEAM, userId, [], clock), { checkinId: ctx.id, questions, raw });
    }
  }
  // A month of half-hour ticks: generous, so that a machine busy with other work still gets through it.
}, 900_000);

afterAll(async () => {
  await slack?.stop();
  await db?.close();
});

const prompts = () => sent.filter((s) => s.checkinId !== undefined && !s.thread && !s.text.startsWith('Your brief'));
const briefs = () => sent.filter((s) => s.text.startsWith('Your brief'));

async function checkins() {
  return db.db
    .selectFrom('checkin as c')
    .innerJoin('round as r', 'r.id', 'c.round_id')
    .innerJoin('cadence as k', 'k.id', 'r.cadence_id')
    .select([
      'c.id',
      'c.person_id',
      'c.status',
      'c.skip_reason',
      'c.part',
      'c.due_at',
      'c.closes_at',
      'r.occurrence',
      'k.key',
      'k.local_time',
      'r.leader_id',
      'r.id as round_id',
    ])
    .where('c.team_id', '=', TEAM)
    .orderBy('c.due_at')
    .execute();
}

describe('A month of the cascade', () => {
  test('Every prompt goes out exactly once, at the cadence’s local time in the member’s own zone, across the DST changes', async () => {
    const all = (await checkins()).filter(
      (c) => c.due_at >= new Date('2026-10-18T00:00:00Z') && c.due_at <= new Date('2026-11-20T00:00:00Z'),
    );
    const delivered = all.filter((c) => c.status !== 'skipped');
    // Five Mondays × six reps, less the two skipped; the CEO ↔ President round (the President, and the
    // CEO's own reflection); the President ↔ each manager round.
    expect(delivered.length).toBe(5 * 6 - 2 + 2 + 2);
    const perCheckin = new Map<number, number>();
    for (const p of prompts()) perCheckin.set(p.checkinId!, (perCheckin.get(p.checkinId!) ?? 0) + 1);
    for (const c of delivered) {
      expect([c.id, perCheckin.get(c.id)]).toEqual([c.id, 1]);
      const p = prompts().find((x) => x.checkinId === c.id)!;
      expect([c.person_id, c.occurrence, localHm(p.at, byId.get(c.person_id)!.tz!)]).toEqual([c.person_id, c.occurrence, c.local_time]);
      expect(p.at.getTime()).toBe(c.due_at.getTime());
    }
    // Leo in Los Angeles: 10:00 is 17:00 UTC before 1 November and 18:00 UTC after; Mia in London 09:00 then 10:00 UTC.
    const at = (person: string, occurrence: string) =>
      prompts()
        .find((p) => p.channel === `D${person}` && all.find((c) => c.id === p.checkinId)?.occurrence === occurrence)
        ?.at.toISOString();
    expect(at('UMLEO', '2026-10-26')).toBe('2026-10-26T17:00:00.000Z');
    expect(at('UMLEO', '2026-11-02')).toBe('2026-11-02T18:00:00.000Z');
    expect(at('UMMIA', '2026-10-19')).toBe('2026-10-19T09:00:00.000Z');
    expect(at('UMMIA', '2026-10-26')).toBe('2026-10-26T10:00:00.000Z');
    expect(at('UMRAJ', '2026-10-26')).toBe('2026-10-26T04:30:00.000Z');
  });

  test('November runs top-down: the CEO and President first, then the President and each manager, then the managers and their reps', async () => {
    const all = await checkins();
    const firstPrompt = (key: string, from: string) =>
      Math.min(
        ...prompts()
          .filter((p) => all.find((c) => c.id === p.checkinId && c.key === key && c.occurrence >= from))
          .map((p) => p.at.getTime()),
      );
    const lastPrompt = (key: string, occurrence: string) =>
      Math.max(
        ...prompts()
          .filter((p) => all.find((c) => c.id === p.checkinId && c.key === key && c.occurrence === occurrence))
          .map((p) => p.at.getTime()),
      );
    expect(all.filter((c) => c.key === 'ceo_president' && c.occurrence.startsWith('2026-11')).map((c) => c.occurrence)).toEqual([
      '2026-11-02',
      '2026-11-02',
    ]);
    expect(lastPrompt('ceo_president', '2026-11-02')).toBeLessThan(firstPrompt('president_managers', '2026-11-01'));
    expect(lastPrompt('president_managers', '2026-11-05')).toBeLessThan(firstPrompt('manager_reps', '2026-11-06'));

    // The CEO ↔ President prompt carries October's exec numbers: cascade health, attainment, flags by team.
    const exec = slack
      .callsTo('chat.postMessage')
      .find((c) => c.args.to_user === 'UMPRES' && String(c.args.text).includes('your check-in with Casey Chen'))!;
    const blocks = JSON.stringify(exec.args.blocks);
    expect(blocks).toContain('*Last month in numbers* (against the month before)');
    expect(blocks).toMatch(/Manager ↔ reps: \d+ \([+−±]\d+\) of \d+ \([+−±]\d+\) answered/);
    expect(blocks).toContain('*Open flags by team*');
  });

  test('Unanswered prompts get one reminder, in their thread, halfway through the window; then they are missed and their DM says so', async () => {
    const all = await checkins();
    const closed = all.filter((c) => c.closes_at <= new Date('2026-11-21T00:00:00Z') && c.due_at >= new Date('2026-10-18T00:00:00Z'));
    const missed = closed.filter((c) => c.status === 'missed');
    expect(missed.length).toBeGreaterThan(10);
    for (const c of missed) {
      const prompt = prompts().find((p) => p.checkinId === c.id)!;
      const reminders = sent.filter(
        (s) => s.thread && s.channel === prompt.channel && s.text.startsWith('A reminder') && s.at >= c.due_at && s.at < c.closes_at,
      );
      expect([c.id, reminders.length]).toEqual([c.id, 1]);
      const halfway = c.due_at.getTime() + (c.closes_at.getTime() - c.due_at.getTime()) / 2;
      expect(reminders[0]!.at.getTime() - halfway).toBeLessThan(30 * 60_000);
      expect(reminders[0]!.at.getTime()).toBeGreaterThanOrEqual(halfway);
      expect(
        updates.filter(
          (u) => u.channel === prompt.channel && u.text.includes('without an answer') && u.at.getTime() === c.closes_at.getTime(),
        ),
      ).toHaveLength(1);
    }
    const answered = closed.filter((c) => c.status === 'answered');
    expect(new Set(answered.map((c) => c.person_id))).toEqual(new Set(['UMRAJ', 'UMKAI', 'UMNOA']));
    for (const c of answered)
      expect(sent.filter((s) => s.thread && s.at >= c.due_at && s.at < c.closes_at && s.channel === `D${c.person_id}`)).toHaveLength(0);
  });

  test('A paused rep and a rep whose Slack status says vacation get nothing that week, and count as skipped', async () => {
    const all = await checkins();
    const mia = all.find((c) => c.person_id === 'UMMIA' && c.occurrence === '2026-11-09')!;
    const yuki = all.find((c) => c.person_id === 'UMYUK' && c.occurrence === '2026-11-09')!;
    expect(mia).toMatchObject({ status: 'skipped', skip_reason: 'paused until 2026-11-13' });
    expect(yuki).toMatchObject({ status: 'skipped', skip_reason: 'Slack status: :palm_tree: Vacation' });
    expect(prompts().filter((p) => p.checkinId === mia.id || p.checkinId === yuki.id)).toHaveLength(0);
    expect(all.find((c) => c.person_id === 'UMYUK' && c.occurrence === '2026-11-16')!.status).not.toBe('skipped');
    const bobBrief = briefs().find((b) => b.channel === 'DUMBOB' && b.text.includes('(9 Nov 2026)'));
    expect(bobBrief).toBeDefined();
    const blocks = JSON.stringify(
      slack.callsTo('chat.postMessage').find((c) => c.args.channel === 'DUMBOB' && c.args.text === bobBrief!.text)!.args.blocks,
    );
    expect(blocks).toContain('• *Yuki Sato* — skipped (Slack status: :palm_tree: Vacation)');
  });

  test('Every closed round brings its leader exactly one brief, and briefs roll up the chain', async () => {
    const rounds = await db.db
      .selectFrom('round')
      .select(['id', 'leader_id', 'occurrence', 'closed_at'])
      .where('team_id', '=', TEAM)
      .where('status', '=', 'closed')
      .execute();
    expect(rounds.length).toBeGreaterThan(10);
    for (const r of rounds) {
      const mine = briefs().filter(
        (b) =>
          b.channel === `D${r.leader_id}` &&
          b.text.includes(
            `(${new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${r.occurrence}T00:00:00Z`))})`,
          ),
      );
      expect([r.id, mine.filter((b) => b.at.getTime() === r.closed_at!.getTime()).length]).toEqual([r.id, 1]);
    }
    const ceoBrief = slack
      .callsTo('chat.postMessage')
      .find((c) => c.args.channel === 'DUMCEO' && String(c.args.text).includes('(2 Nov 2026)'))!;
    const ceo = JSON.stringify(ceoBrief.args.blocks);
    expect(ceo).toContain('*What was heard further down*');
    expect(ceo).toMatch(/\*Manager ↔ reps\*: \d+ of \d+ answered/);
    const presBrief = slack
      .callsTo('chat.postMessage')
      .find((c) => c.args.channel === 'DUMPRES' && String(c.args.text).includes('(5 Nov 2026)'))!;
    expect(JSON.stringify(presBrief.args.blocks)).toMatch(/\*Manager ↔ reps\*: \d+ of \d+ answered/);
  });
});
