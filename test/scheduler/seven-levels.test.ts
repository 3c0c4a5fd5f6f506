import { webApi } from '@slack/bolt';
import { makeCommitment } from '../../src/accountability/commitments';
import { flagsBelow } from '../../src/accountability/flags';
import { submitAnswers, questionsFor } from '../../src/checkins/answers';
import { buildBrief } from '../../src/checkins/briefs';
import { linesOf } from '../support/lines';
import { openWorkspace } from '../../src/checkins/cadences';
import { checkinContext } from '../../src/checkins/context';
import { buildDigest } from '../../src/digests/figures';
import { exportFor } from '../../src/digests/export';
import { createLog } from '../../src/log';
import { importOrgChart } from '../../src/org/import';
import { figuresOnly, maySee, scopeOf } from '../../src/org/policy';
import type { Messenger } from '../../src/scheduler/messenger';
import { tick } from '../../src/scheduler/tick';
import { deliveryHandlers } from '../../src/slack/deliveries';
import { slackDirectory } from '../../src/slack/directory';
import { slackMessenger } from '../../src/slack/messenger';
import { SlackStandIn, type StandInUser } from '../../src/slack/stand-in/slack';
import { instantOf } from '../../src/time/calendar';
import { LogCapture } from '../support/app';
import { createTestDb, type TestDb } from '../support/db';

/**
 * A seven-level sales org imported from CSV with free titles — CEO → CRO → 2 RVPs → 4 directors → 8 managers →
 * 48 reps, plus 2 SDR managers with 8 SDRs under one RVP, plus a RevOps admin outside the chain — run for two
 * simulated months (October and November 2026), ticked at every local time the cascade acts at.
 */
const TEAM = 'T0SEVEN';
const NY = 'America/New_York';
const LON = 'Europe/London';

interface Member extends StandInUser {
  readonly title: string;
  readonly manager?: string;
  readonly admin?: boolean;
  readonly inChain?: boolean;
}

const ORG: Member[] = [];
const add = (id: string, name: string, title: string, tz: string, manager?: string, extra: Partial<Member> = {}) =>
  ORG.push({ id, name, email: `${id.toLowerCase()}@seven.example`, tz, title, ...(manager ? { manager } : {}), ...extra });
add('U7CEO', 'Casey Chen', 'CEO', NY);
add('U7CRO', 'Robin Cruz', 'CRO', NY, 'U7CEO');
add('U7RVPW', 'Wes Ward', 'RVP West', NY, 'U7CRO');
add('U7RVPE', 'Eve East', 'RVP East', LON, 'U7CRO');
for (let d = 1; d <= 4; d++) add(`U7DIR${d}`, `Director ${d}`, 'Director', d <= 2 ? NY : LON, d <= 2 ? 'U7RVPW' : 'U7RVPE');
for (let m = 1; m <= 8; m++) add(`U7MGR${m}`, `Manager ${m}`, 'Sales manager', m <= 4 ? NY : LON, `U7DIR${Math.ceil(m / 2)}`);
for (let r = 1; r <= 48; r++)
  add(`U7REP${String(r).padStart(2, '0')}`, `Rep ${r}`, 'Account executive', r <= 24 ? NY : LON, `U7MGR${Math.ceil(r / 6)}`);
for (let s = 1; s <= 2; s++) add(`U7SDM${s}`, `SDR Lead ${s}`, 'SDR manager', NY, 'U7RVPW');
for (let s = 1; s <= 8; s++) add(`U7SDR${s}`, `SDR ${s}`, 'SDR', NY, `U7SDM${Math.ceil(s / 4)}`);
add('U7OPS', 'Olu Ops', 'RevOps', LON, undefined, { admin: true, inChain: false });

const CSV = [
  'slack_user_id,name,role,manager,admin,in_chain',
  ...ORG.map((p) => `${p.id},${p.name},${p.title},${p.manager ?? ''},${p.admin ? 'yes' : ''},${p.inChain === false ? 'no' : ''}`),
].join('\n');
const byId = new Map(ORG.map((p) => [p.id, p]));

/** Who never answers: the even-numbered reps, and every rep of Manager 8 (whose round then has nobody answering). */
const silent = (id: string) => {
  const rep = /^U7REP(\d+)$/.exec(id);
  return rep !== null && (Number(rep[1]) % 2 === 0 || Number(rep[1]) > 42);
};

let db: TestDb;
let slack: SlackStandIn;
const sent: { at: Date; channel: string; text: string; blocks: string; checkinId?: number; thread?: string }[] = [];
let clock = new Date(0);
let commitmentId = 0;
let silentCommitmentId = 0;

beforeAll(async () => {
  db = await createTestDb();
  slack = await new SlackStandIn().addUser(...ORG).start();
  const client = new webApi.WebClient('xoxb-test', {
    slackApiUrl: slack.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
  });
  const start = new Date('2026-09-30T00:00:00Z');
  await openWorkspace(db.db, TEAM, 'Seven', start);
  const imported = await importOrgChart({ db: db.db, directory: slackDirectory(client), now: start }, TEAM, CSV, { dryRun: false });
  expect(imported).toMatchObject({ ok: true, applied: true });

  // Rep 1 (who answers, but never reviews it) made a commitment to Manager 1 that already slipped once: answering
  // the next check-in without reviewing it makes it slip twice, and it escalates — to Manager 1's own leader,
  // Director 1. Rep 2 (who never answers) made one too: a missed check-in reviews nothing, so it stays open.
  const rep1 = await scopeOf(db.db, TEAM, 'U7REP01', [], start);
  commitmentId = (await makeCommitment(rep1, { text: 'Send the pricing proposal to Acme', by: '2026-10-02' })).id;
  await db.db.updateTable('commitment').set({ slips: 1 }).where('id', '=', commitmentId).execute();
  silentCommitmentId = (
    await makeCommitment(await scopeOf(db.db, TEAM, 'U7REP02', [], start), { text: 'Call the Globex CFO', by: '2026-10-02' })
  ).id;

  const real = slackMessenger(client);
  const record = (channel: string, message: { text: string; blocks?: unknown }, thread?: string) => {
    const blocks = JSON.stringify(message.blocks ?? []);
    const value = /"value":"(\d+)"/.exec(blocks);
    sent.push({
      at: clock,
      channel,
      text: message.text,
      blocks,
      ...(thread ? { thread } : {}),
      ...(value ? { checkinId: Number(value[1]) } : {}),
    });
  };
  const messenger: Messenger = {
    status: (u) => real.status(u),
    upload: (channel, file, thread) => real.upload(channel, file, thread),
    async postDm(userId, message) {
      const posted = await real.postDm(userId, message);
      record(posted.channel, message);
      return posted;
    },
    async post(channel, message, thread) {
      const ts = await real.post(channel, message, thread);
      record(channel, message, thread);
      return ts;
    },
    update: (channel, ts, message) => real.update(channel, ts, message),
  };
  const deps = { db: db.db, messenger, log: createLog({ level: 'warn', destination: new LogCapture() }), handlers: deliveryHandlers };

  // Every cadence meets at 09:00 or 10:00 local; reminders and closes fall on those local times of later
  // working days. So the two months are ticked at 09:00 and 10:00 in both zones, on working days.
  const instants: number[] = [];
  for (let day = Date.parse('2026-10-01T00:00:00Z'); day <= Date.parse('2026-11-30T00:00:00Z'); day += 86_400_000) {
    const date = new Date(day).toISOString().slice(0, 10);
    if ([0, 6].includes(new Date(day).getUTCDay())) continue;
    for (const tz of [NY, LON]) for (const time of ['09:00', '10:00']) instants.push(instantOf(date, time, tz).getTime());
  }
  for (const t of instants.sort((a, b) => a - b)) {
    clock = new Date(t);
    await tick(deps, clock);
    // Everyone but the silent reps answers the prompt they just got.
    for (const s of sent.filter((x) => x.checkinId && !x.thread && x.at.getTime() === t && !x.text.startsWith('Your brief'))) {
      const userId = s.channel.slice(1);
      if (silent(userId)) continue;
      const ctx = await checkinContext(db.db, s.checkinId!);
      if (!ctx || ctx.personId !== userId) continue;
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
                : q.kind === 'choice'
                  ? (q.choices?.[0] ?? '')
                  : q.kind === 'commitment'
                    ? ''
                    : `${byId.get(userId)!.name} on ${ctx.occurrence}`,
        ]),
      );
      await submitAnswers(await scopeOf(db.db, TEAM, userId, [], clock), { checkinId: ctx.id, questions, raw });
    }
  }
}, 900_000);

afterAll(async () => {
  await slack?.stop();
  await db?.close();
});

const prompts = () => sent.filter((s) => s.checkinId !== undefined && !s.thread && !s.text.startsWith('Your brief'));

async function rounds() {
  return db.db
    .selectFrom('round as r')
    .innerJoin('cadence as k', 'k.id', 'r.cadence_id')
    .select(['r.id', 'r.leader_id', 'r.occurrence', 'r.depth', 'r.status', 'k.key'])
    .where('r.team_id', '=', TEAM)
    .orderBy('r.occurrence')
    .execute();
}

async function checkins() {
  return db.db
    .selectFrom('checkin as c')
    .innerJoin('round as r', 'r.id', 'c.round_id')
    .select(['c.id', 'c.person_id', 'c.part', 'c.status', 'c.due_at', 'r.leader_id', 'r.occurrence', 'r.depth', 'r.id as round_id'])
    .where('c.team_id', '=', TEAM)
    .execute();
}

const leadersOf = (title: string) => ORG.filter((p) => p.title === title).map((p) => p.id);
const reportsOf = (id: string) => ORG.filter((p) => p.manager === id).map((p) => p.id);

describe('A seven-level org of any shape', () => {
  test('Every relationship meets at its cadence by position: the top monthly, each level of leaders of leaders a week after the one above, first-line leaders weekly', async () => {
    const all = await rounds();
    const dates = (leader: string) =>
      all.filter((r) => r.leader_id === leader && r.occurrence.startsWith('2026-11')).map((r) => r.occurrence);
    expect(dates('U7CEO')).toEqual(['2026-11-02']);
    expect(dates('U7CRO')).toEqual(['2026-11-05']);
    for (const rvp of leadersOf('RVP West').concat(leadersOf('RVP East'))) expect([rvp, dates(rvp)]).toEqual([rvp, ['2026-11-12']]);
    for (const director of leadersOf('Director')) expect([director, dates(director)]).toEqual([director, ['2026-11-19']]);
    const mondays = ['2026-11-02', '2026-11-09', '2026-11-16', '2026-11-23', '2026-11-30'];
    for (const leader of [...leadersOf('Sales manager'), ...leadersOf('SDR manager')])
      expect([leader, dates(leader)]).toEqual([leader, mondays]);
    // Each round's members are exactly the leader's direct reports (and the CEO's own reflection).
    const cs = await checkins();
    for (const r of all) {
      const members = cs
        .filter((c) => c.round_id === r.id && c.part === 'member')
        .map((c) => c.person_id)
        .sort();
      expect([r.leader_id, r.occurrence, members]).toEqual([r.leader_id, r.occurrence, reportsOf(r.leader_id).sort()]);
    }
    expect(cs.filter((c) => c.part === 'leader').every((c) => c.person_id === 'U7CEO')).toBe(true);
    // The rounds keep their leader's level of the tree.
    expect(
      [...new Set(all.filter((r) => r.leader_id === 'U7DIR1' || r.leader_id === 'U7SDM1').map((r) => `${r.leader_id}:${r.depth}`))].sort(),
    ).toEqual(['U7DIR1:3', 'U7SDM1:3']);
  });

  test('Every prompt goes out exactly once, at its due time, top-down within the month; the RevOps admin outside the chain gets none', async () => {
    const cs = await checkins();
    const delivered = cs.filter((c) => c.status !== 'skipped' && c.due_at < new Date('2026-11-30T12:00:00Z'));
    expect(delivered.length).toBeGreaterThan(400);
    const perCheckin = new Map<number, number>();
    for (const p of prompts()) perCheckin.set(p.checkinId!, (perCheckin.get(p.checkinId!) ?? 0) + 1);
    for (const c of delivered) {
      expect([c.id, perCheckin.get(c.id)]).toEqual([c.id, 1]);
      expect(
        prompts()
          .find((p) => p.checkinId === c.id)!
          .at.getTime(),
      ).toBe(c.due_at.getTime());
    }
    expect(cs.filter((c) => c.person_id === 'U7OPS')).toEqual([]);
    expect(sent.filter((s) => s.channel === 'DU7OPS')).toEqual([]);
    // Top-down: each level of the monthly chain is prompted before the level below it starts.
    const at = (depth: number, fn: (...n: number[]) => number) =>
      fn(
        ...prompts()
          .filter((p) =>
            cs.some((c) => c.id === p.checkinId && c.depth === depth && c.occurrence.startsWith('2026-11') && c.occurrence > '2026-11-02'),
          )
          .map((p) => p.at.getTime()),
      );
    const first = (depth: number) => at(depth, Math.min);
    const last = (depth: number) => at(depth, Math.max);
    expect(
      Math.max(
        ...prompts()
          .filter((p) => cs.some((c) => c.id === p.checkinId && c.depth === 0 && c.occurrence === '2026-11-02'))
          .map((p) => p.at.getTime()),
      ),
    ).toBeLessThan(first(1));
    expect(last(1)).toBeLessThan(
      Math.min(
        ...prompts()
          .filter((p) => cs.some((c) => c.id === p.checkinId && c.depth === 2))
          .filter((p) => p.at > new Date('2026-11-06'))
          .map((p) => p.at.getTime()),
      ),
    );
    expect(
      Math.max(
        ...prompts()
          .filter((p) => cs.some((c) => c.id === p.checkinId && c.depth === 2 && c.occurrence === '2026-11-12'))
          .map((p) => p.at.getTime()),
      ),
    ).toBeLessThan(
      Math.min(
        ...prompts()
          .filter((p) => cs.some((c) => c.id === p.checkinId && c.depth === 3 && c.occurrence === '2026-11-19'))
          .map((p) => p.at.getTime()),
      ),
    );
  });

  test('Each leader gets briefs, and a brief rolls up what was heard in the whole subtree below each direct report', async () => {
    const all = await rounds();
    for (const leader of ORG.filter((p) => reportsOf(p.id).length > 0)) {
      expect([leader.id, sent.some((s) => s.channel === `D${leader.id}` && s.text.startsWith('Your brief'))]).toEqual([leader.id, true]);
    }
    const ceoRound = all.find((r) => r.leader_id === 'U7CEO' && r.occurrence === '2026-11-02')!;
    // What was heard further down: one line per level below the round's own, however deep.
    const ceo = (await buildBrief(db.db, ceoRound.id))!;
    expect(ceo.heard.map((l) => l.label)).toEqual([
      'RVPs ↔ directors & SDR managers',
      'Directors & SDR managers ↔ sales managers & SDRs',
      'Sales managers ↔ account executives',
    ]);
    const croRound = all.find((r) => r.leader_id === 'U7CRO' && r.occurrence === '2026-11-05')!;
    const cro = (await buildBrief(db.db, croRound.id))!;
    expect(cro.heard.map((l) => l.label)).toEqual([
      'RVPs ↔ directors & SDR managers',
      'Directors & SDR managers ↔ sales managers & SDRs',
      'Sales managers ↔ account executives',
    ]);
    const reps = cro.heard[2]!;
    expect(reps.due).toBeGreaterThan(0);
    expect(reps.answered).toBeGreaterThan(0);
    expect(reps.answered).toBeLessThan(reps.due);
    // The brief as it was sent says the same, within 30 lines.
    const dm = sent.find((s) => s.channel === 'DU7CEO' && s.text.startsWith('Your brief') && s.text.includes('(2 Nov 2026)'))!;
    expect(dm.blocks).toContain('What was heard further down');
    expect(dm.blocks).toContain('Sales managers ↔ account executives');
    expect(linesOf({ blocks: JSON.parse(dm.blocks) }).length).toBeLessThanOrEqual(30);
  });

  test('A commitment that slipped twice escalates to the leader of the leader it was made to, and flags reach everyone above, never a peer', async () => {
    const commitment = await db.db.selectFrom('commitment').selectAll().where('id', '=', commitmentId).executeTakeFirstOrThrow();
    expect(commitment).toMatchObject({ owner_id: 'U7REP01', leader_id: 'U7MGR1', status: 'missed', slips: 2 });
    expect(await db.db.selectFrom('commitment').selectAll().where('id', '=', silentCommitmentId).executeTakeFirstOrThrow()).toMatchObject({
      owner_id: 'U7REP02',
      status: 'open',
      slips: 0,
    });
    expect(commitment.escalated_at).not.toBeNull();
    const all = await rounds();
    const briefOf = async (leader: string) =>
      (await buildBrief(db.db, all.find((r) => r.leader_id === leader && r.occurrence >= '2026-10-07')!.id))!;
    expect((await briefOf('U7DIR1')).escalations.map((m) => m.id)).toEqual([commitmentId]);
    expect((await briefOf('U7MGR1')).escalations).toEqual([]);
    expect((await briefOf('U7RVPW')).escalations).toEqual([]);
    expect((await briefOf('U7DIR2')).escalations).toEqual([]);

    const flagsOf = async (viewer: string) =>
      new Set((await flagsBelow(await scopeOf(db.db, TEAM, viewer, [], clock))).map((f) => f.person_id));
    const flagged = await db.db.selectFrom('flag').select('person_id').where('team_id', '=', TEAM).where('status', '=', 'open').execute();
    expect(flagged.map((f) => f.person_id)).toContain('U7REP02');
    for (const above of ['U7MGR1', 'U7DIR1', 'U7RVPW', 'U7CRO', 'U7CEO'])
      expect([above, (await flagsOf(above)).has('U7REP02')]).toEqual([above, true]);
    for (const other of ['U7MGR2', 'U7DIR2', 'U7RVPE', 'U7SDM1', 'U7OPS', 'U7REP01'])
      expect([other, (await flagsOf(other)).has('U7REP02')]).toEqual([other, false]);
  });

  test('The org digest has one funnel row per level of the tree, named from titles, and names the leader whose round nobody answered', async () => {
    const d = await buildDigest(db.db, {
      teamId: TEAM,
      scope: 'org',
      current: { start: '2026-11-01', end: '2026-11-30' },
      previous: { start: '2026-10-01', end: '2026-10-31' },
    });
    expect(d.levels.map((l) => l.label)).toEqual([
      'CEO ↔ CRO',
      'CRO ↔ RVPs',
      'RVPs ↔ directors & SDR managers',
      'Directors & SDR managers ↔ sales managers & SDRs',
      'Sales managers ↔ account executives',
    ]);
    expect(d.levels.map((l) => l.due.now)).toEqual([1, 2, 6, 8 + 8 * 5, 48 * 5]);
    expect(d.brokenLinks.map((b) => [b.name, b.label])).toContainEqual(['Manager 8', 'Sales managers ↔ account executives']);
    expect(d.brokenLinks.map((b) => b.name)).not.toContain('Manager 1');
  });

  test('The RevOps admin outside the chain sees the organisation’s figures, never a person’s text', async () => {
    const ops = await scopeOf(db.db, TEAM, 'U7OPS', [], clock);
    expect(figuresOnly(ops.actor)).toBe(true);
    expect(await maySee(await scopeOf(db.db, TEAM, 'U7OPS', [], new Date('2026-11-30T12:00:00Z')), 'U7REP01')).toBe(false);
    const exported = await exportFor(ops, { from: '2026-10-01', to: '2026-11-30' });
    expect(exported.kind).toBe('figures');
    expect(JSON.stringify(exported.files)).not.toContain('Rep 1 on');
    // A leader in the chain gets rows, and only for their own subtree.
    const director = await exportFor(await scopeOf(db.db, TEAM, 'U7DIR4', [], clock), { from: '2026-10-01', to: '2026-11-30' });
    expect(director.kind).toBe('rows');
    expect(JSON.stringify(director.files)).toContain('Rep 41 on');
    expect(JSON.stringify(director.files)).not.toContain('Rep 1 on');
  });
});
