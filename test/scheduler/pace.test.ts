import { webApi } from '@slack/bolt';
import { deliveryHandlers } from '../../src/slack/deliveries';
import { openDatabase, type Db } from '../../src/db/connect';
import { createLog } from '../../src/log';
import { openWorkspace } from '../../src/checkins/cadences';
import { dispatchDue, DEFAULT_DISPATCH } from '../../src/scheduler/dispatch';
import { tick } from '../../src/scheduler/tick';
import { slackMessenger } from '../../src/slack/messenger';
import { PACE, paceHeld, paceLimited, paceOf } from '../../src/outbox/pace';
import { claimDue } from '../../src/outbox/store';
import { enqueueMany, laneOf } from '../../src/outbox/vocabulary';
import { refreshRoundMessage } from '../../src/checkins/live';
import type { DeliveryKind } from '../../src/db/types';
import { LogCapture } from '../support/app';
import { importWaveOrg } from '../support/cascade';
import { createTestDb, type TestDb } from '../support/db';
import { SlackStandIn } from '../../src/slack/stand-in/slack';

/**
 * The outbox sends at Slack's pace: three dispatchers (three connections on a Postgres server; on embedded
 * PGlite, three dispatchers sharing its one connection) drain a Monday wave against a stand-in Slack that
 * takes 30 `chat.postMessage` a minute and answers 429 with Retry-After beyond. Simulated time: the stand-in's
 * window and the dispatchers' clock move together, a pass every 10 seconds.
 */
const TEAM = 'T0PACE';
const MANAGERS = 6;
const REPS = 25;
const CEILING = 30;

let db: TestDb;
const extra: Db[] = [];
let slack: SlackStandIn;
let clock = 0;

beforeAll(async () => {
  db = await createTestDb();
  if (db.url) for (let i = 0; i < 2; i++) extra.push(await openDatabase({ databaseUrl: db.url, dataDir: 'memory://' }));
  slack = await new SlackStandIn({ keep: false, keepCalls: true }).start();
  await importWaveOrg(db, slack, TEAM, MANAGERS, REPS);
  // Everyone's status is fresh (the daily refresh read it): a prompt asks Slack nothing but chat.postMessage.
  await db.db
    .updateTable('person')
    .set({ status_text: '', status_emoji: '', status_expiration: 0, status_read_at: new Date('2026-11-30T09:00:00Z') })
    .where('team_id', '=', TEAM)
    .execute();
});

afterAll(async () => {
  for (const d of extra) await d.close();
  await slack?.stop();
  await db?.close();
});

// A test that fails half-way must not leave its Slack ceiling on for the next one.
afterEach(() => {
  slack.rateCeiling('chat.postMessage', undefined);
  slack.rateCeiling('chat.update', undefined);
});

const depsOf = (handle: Db) => {
  const client = new webApi.WebClient('xoxb-test-cascade', {
    slackApiUrl: slack.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
  });
  return {
    db: handle.db,
    messenger: slackMessenger(client),
    log: createLog({ level: 'error', destination: new LogCapture() }),
    handlers: deliveryHandlers,
  };
};

test('When three dispatchers drain a wave against a workspace ceiling of 30 a minute, then each prompt goes once, Slack is never pushed past its ceiling two passes running, and the pace it learns stays near the ceiling', async () => {
  const due = new Date('2026-11-30T10:00:00Z');
  await tick(depsOf(db), new Date('2026-11-29T12:00:00Z'), { ...DEFAULT_DISPATCH, limit: 0 });
  const queued = await db.db
    .selectFrom('delivery')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('team_id', '=', TEAM)
    .where('status', '=', 'queued')
    .executeTakeFirstOrThrow();
  expect(Number(queued.n)).toBe(MANAGERS * REPS + MANAGERS); // each rep's prompt and each manager's live message
  slack.rateCeiling('chat.postMessage', CEILING, () => clock);
  const dispatchers = [db, ...(extra.length ? extra : [db, db])].map(depsOf);
  const options = { ...DEFAULT_DISPATCH, concurrency: 3 };

  const passes: { at: number; calls: number; limited: number }[] = [];
  let remaining = Number(queued.n);
  for (let pass = 0; remaining > 0 && pass < 120; pass++) {
    const at = new Date(due.getTime() + pass * 10_000);
    clock = at.getTime();
    const before = slack.calls.length;
    const reports = await Promise.all(dispatchers.map((d) => dispatchDue(d, at, options)));
    remaining -= reports.reduce((n, r) => n + r.sent, 0);
    const calls = slack.calls.slice(before).filter((c) => c.method === 'chat.postMessage');
    passes.push({ at: at.getTime(), calls: calls.length, limited: calls.filter((c) => c.rateLimited).length });
  }
  expect(remaining).toBe(0);

  // Each prompt once: one accepted message per rep, and every delivery sent.
  const accepted = slack.calls.filter((c) => c.method === 'chat.postMessage' && !c.rateLimited);
  const perRep = new Map<string, number>();
  for (const c of accepted) if (String(c.args.channel).startsWith('DUR')) perRep.set(c.args.channel, (perRep.get(c.args.channel) ?? 0) + 1);
  expect(perRep.size).toBe(MANAGERS * REPS);
  expect([...perRep.values()].every((n) => n === 1)).toBe(true);
  const statuses = await db.db
    .selectFrom('delivery')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('team_id', '=', TEAM)
    .groupBy('status')
    .execute();
  expect(statuses.map((s) => [s.status, Number(s.n)])).toEqual([['sent', Number(queued.n)]]);

  // Above the ceiling (a 429) in one pass at most before the pace steps back: never two passes running.
  const limitedPasses = passes.map((p, i) => (p.limited > 0 ? i : -1)).filter((i) => i >= 0);
  expect(limitedPasses.length).toBeGreaterThan(0); // the ceiling was found, not guessed
  for (let i = 1; i < limitedPasses.length; i++) expect(limitedPasses[i]! - limitedPasses[i - 1]!).toBeGreaterThan(1);
  // Cascade did not keep knocking: few calls were refused.
  const refused = passes.reduce((n, p) => n + p.limited, 0);
  expect(refused).toBeLessThan(accepted.length / 5);
  // The wave took about as long as the ceiling allows (156 at 30 a minute: 5.2 minutes), not far longer;
  // the minute of the last send counts in full.
  const minutes = (passes[passes.length - 1]!.at - due.getTime()) / 60_000 + 1;
  expect(Number(queued.n) / minutes / CEILING).toBeGreaterThan(0.75);
  const pace = await paceOf(db.db, TEAM);
  expect(pace.limitedPerMinute).toBeGreaterThanOrEqual(CEILING - 3);
  // At least a step back from the least Slack was seen to take (the replicas' timing decides which minute that was).
  expect(pace.perMinute).toBeGreaterThanOrEqual(Math.floor((CEILING - 3) * PACE.DECREASE));
  expect(pace.perMinute).toBeLessThanOrEqual(CEILING + 10);
  slack.rateCeiling('chat.postMessage', undefined);
});

test('When Slack accepts everything, then the pace doubles pass by pass; after a 429 it steps back to a share of what Slack took and then rises by a step at most once a minute', async () => {
  const team = 'T0PACE2';
  await openWorkspace(db.db, team, 'Pace two', new Date('2026-10-01T00:00:00Z'));
  const at = (s: number) => new Date(Date.UTC(2026, 11, 1, 9) + s * 1000);
  expect((await paceOf(db.db, team)).perMinute).toBe(PACE.START);
  await paceHeld(db.db, team, at(0));
  await paceHeld(db.db, team, at(1)); // a second replica at nearly the same instant: one raise
  expect((await paceOf(db.db, team)).perMinute).toBe(PACE.START * 2);
  await paceHeld(db.db, team, at(10));
  expect((await paceOf(db.db, team)).perMinute).toBe(PACE.START * 4);

  // Slack took 500 in the last minute, then said 429 with Retry-After 30.
  await db.db
    .insertInto('delivery')
    .values(
      Array.from({ length: 500 }, (_, i) => ({
        team_id: team,
        kind: 'reply' as const,
        dedupe_key: `pace:${i}`,
        recipient: 'U1',
        not_before: at(0),
        status: 'sent' as const,
        claimed_at: at(15),
        sent_at: at(15),
      })),
    )
    .execute();
  await paceLimited(db.db, team, at(20), 30);
  await paceLimited(db.db, team, at(20), 30); // the same 429 seen by another worker: one step back
  const pace = await paceOf(db.db, team);
  expect(pace.perMinute).toBe(450);
  expect(pace.limitedPerMinute).toBe(500);
  expect(pace.pausedUntil).toEqual(at(50));
  await paceHeld(db.db, team, at(40)); // still paused: no raise
  expect((await paceOf(db.db, team)).perMinute).toBe(450);
  await paceHeld(db.db, team, at(60)); // a minute has not passed since the step back
  expect((await paceOf(db.db, team)).perMinute).toBe(450);
  await paceHeld(db.db, team, at(80));
  expect((await paceOf(db.db, team)).perMinute).toBe(475); // + 5% of the ceiling seen
  await paceHeld(db.db, team, at(110));
  expect((await paceOf(db.db, team)).perMinute).toBe(475); // once a minute at most
  await paceHeld(db.db, team, at(140));
  expect((await paceOf(db.db, team)).perMinute).toBe(500);
});

test('When Slack refuses edits beyond chat.update’s own ceiling, then the edits slow down on their own and the reminders posted meanwhile are not held up', async () => {
  // After the wave: every rep's prompt is in their DM. Sixty prompts are edited (as when a window closes) and
  // every rep is reminded, all due at once; Slack takes 10 chat.update a minute and posts without limit.
  const start = new Date('2026-11-30T12:00:00Z');
  await db.db.deleteFrom('slack_pace').where('team_id', '=', TEAM).execute();
  const checkins = await db.db
    .selectFrom('checkin')
    .select('id')
    .where('team_id', '=', TEAM)
    .where('status', '=', 'sent')
    .where('part', '=', 'member')
    .orderBy('id')
    .execute();
  expect(checkins.length).toBe(MANAGERS * REPS);
  const edited = checkins.slice(0, 60);
  await enqueueMany(
    db.db,
    'update',
    edited.map((c) => ({ payload: { checkinId: c.id }, teamId: TEAM, key: `update:lanes:${c.id}`, recipient: 'x', notBefore: start })),
  );
  await enqueueMany(
    db.db,
    'reminder',
    checkins.map((c) => ({ payload: { checkinId: c.id }, teamId: TEAM, key: `reminder:lanes:${c.id}`, recipient: 'x', notBefore: start })),
  );
  slack.rateCeiling('chat.update', 10, () => clock);
  const deps = depsOf(db);
  const reminded: number[] = [];
  let edits = 0;
  for (let pass = 0; pass < 60 && edits < edited.length; pass++) {
    const at = new Date(start.getTime() + pass * 10_000);
    clock = at.getTime();
    const before = slack.calls.length;
    await dispatchDue(deps, at, DEFAULT_DISPATCH);
    const calls = slack.calls.slice(before);
    reminded.push(calls.filter((c) => c.method === 'chat.postMessage' && c.args.thread_ts).length);
    edits += calls.filter((c) => c.method === 'chat.update' && !c.rateLimited).length;
  }
  slack.rateCeiling('chat.update', undefined);

  // Every reminder went in the first pass, while Slack was refusing edits in that very pass.
  expect(reminded[0]).toBe(checkins.length);
  expect(edits).toBe(edited.length);
  const refusedEdits = slack.calls.filter((c) => c.method === 'chat.update' && c.rateLimited).length;
  expect(refusedEdits).toBeGreaterThan(0);
  // The posting pace never heard of it; the editing pace learned its own ceiling.
  const post = await paceOf(db.db, TEAM, 'post');
  expect(post.limitedPerMinute).toBeNull();
  expect(post.pausedUntil).toBeNull();
  const update = await paceOf(db.db, TEAM, 'update');
  expect(update.limitedPerMinute).not.toBeNull();
  expect(update.limitedPerMinute!).toBeLessThanOrEqual(10);
  expect(update.perMinute).toBeLessThan(PACE.START_UPDATE);
});

test('When answers come in faster than the edits go out, then a round’s live message waits in the queue as one edit, drawn when it is sent', async () => {
  const round = await db.db
    .selectFrom('round')
    .select(['id', 'leader_id'])
    .where('team_id', '=', TEAM)
    .orderBy('id')
    .executeTakeFirstOrThrow();
  const edits = () =>
    db.db
      .selectFrom('delivery')
      .select(['id', 'status'])
      .where('team_id', '=', TEAM)
      .where('kind', '=', 'round_live_update')
      .where('round_id', '=', round.id)
      .orderBy('id')
      .execute();
  await db.db.deleteFrom('delivery').where('team_id', '=', TEAM).where('kind', '=', 'round_live_update').execute();
  for (let i = 0; i < 3; i++)
    await refreshRoundMessage(db.db, TEAM, round.id, round.leader_id, new Date(Date.parse('2026-12-01T10:00:00Z') + i * 1000));
  expect((await edits()).map((e) => e.status)).toEqual(['queued']);
  // Once that edit has gone, the next change queues a new one, even at the same instant (the sandbox's clock
  // stands still between clicks).
  await db.db.updateTable('delivery').set({ status: 'sent' }).where('team_id', '=', TEAM).where('kind', '=', 'round_live_update').execute();
  await refreshRoundMessage(db.db, TEAM, round.id, round.leader_id, new Date('2026-12-01T10:00:00Z'));
  expect((await edits()).map((e) => e.status)).toEqual(['sent', 'queued']);
  await db.db.deleteFrom('delivery').where('team_id', '=', TEAM).where('kind', '=', 'round_live_update').execute();
});

test('When a workspace’s edits are paused, then its posts are still claimed, and each lane has its own budget', async () => {
  const team = 'T0PACELANES';
  const now = new Date('2026-12-03T09:00:00Z');
  await openWorkspace(db.db, team, team, new Date('2026-10-01T00:00:00Z'));
  await db.db
    .insertInto('delivery')
    .values([
      ...Array.from({ length: 80 }, (_, i) => ({
        team_id: team,
        kind: 'round_live_update' as const,
        dedupe_key: `${team}:u${i}`,
        recipient: 'U1',
        not_before: now,
      })),
      ...Array.from({ length: 80 }, (_, i) => ({
        team_id: team,
        kind: 'reply' as const,
        dedupe_key: `${team}:p${i}`,
        recipient: 'U1',
        not_before: now,
      })),
    ])
    .execute();
  // The database derives each kind's lane as the vocabulary says, for every kind there is.
  const kinds = Object.keys(deliveryHandlers) as DeliveryKind[];
  await db.db
    .insertInto('delivery')
    .values(
      kinds.map((kind) => ({
        team_id: team,
        kind,
        dedupe_key: `${team}:kind:${kind}`,
        recipient: 'U1',
        not_before: new Date(now.getTime() + 3600_000),
      })),
    )
    .execute();
  const lanes = await db.db.selectFrom('delivery').select(['kind', 'lane']).where('dedupe_key', 'like', `${team}:kind:%`).execute();
  expect(lanes).toHaveLength(kinds.length);
  for (const row of lanes) expect([row.kind, row.lane]).toEqual([row.kind, laneOf(row.kind)]);
  expect(
    lanes
      .filter((r) => r.lane === 'update')
      .map((r) => r.kind)
      .sort(),
  ).toEqual(['reply_update', 'round_live_update', 'team_update', 'update']);
  // No pace learned yet: posts start at 200 a minute, edits at Tier 3's 50.
  const first = await claimDue(db.db, now, 1000, 300_000);
  expect(first.filter((d) => d.team_id === team && d.lane === 'post').length).toBe(80);
  expect(first.filter((d) => d.team_id === team && d.lane === 'update').length).toBe(PACE.START_UPDATE);
  await db.db.updateTable('delivery').set({ status: 'queued', claimed_at: null }).where('team_id', '=', team).execute();
  await db.db
    .insertInto('slack_pace')
    .values({ team_id: team, lane: 'update', per_minute: 50, paused_until: new Date(now.getTime() + 300_000), updated_at: now })
    .execute();
  const paused = await claimDue(db.db, new Date(now.getTime() + 61_000), 1000, 300_000);
  expect(paused.filter((d) => d.team_id === team && d.lane === 'post').length).toBe(80);
  expect(paused.filter((d) => d.team_id === team && d.lane === 'update').length).toBe(0);
});

test("When one workspace is paused by Slack, then another workspace's deliveries are still claimed, each within its own budget", async () => {
  const [a, b] = ['T0PACEA', 'T0PACEB'];
  const now = new Date('2026-12-02T09:00:00Z');
  for (const team of [a, b]) {
    await openWorkspace(db.db, team, team, new Date('2026-10-01T00:00:00Z'));
    await db.db
      .insertInto('delivery')
      .values(
        Array.from({ length: 30 }, (_, i) => ({
          team_id: team,
          kind: 'reply' as const,
          dedupe_key: `${team}:${i}`,
          recipient: 'U1',
          not_before: now,
        })),
      )
      .execute();
  }
  await db.db
    .insertInto('slack_pace')
    .values({ team_id: a, per_minute: 100, paused_until: new Date(now.getTime() + 30_000), updated_at: now })
    .execute();
  await db.db.insertInto('slack_pace').values({ team_id: b, per_minute: 20, updated_at: now }).execute();
  const claimed = await claimDue(db.db, now, 1000, 300_000);
  const perTeam = (t: string) => claimed.filter((d) => d.team_id === t).length;
  expect(perTeam(a)).toBe(0);
  expect(perTeam(b)).toBe(20);
  expect(claimed.filter((d) => d.team_id === b).every((d) => d.budget === 20 && d.wanted > 20)).toBe(true);
  // Later in the same minute B has spent its budget; once A's pause is over, A gets its own.
  const later = await claimDue(db.db, new Date(now.getTime() + 40_000), 1000, 300_000);
  expect(later.filter((d) => d.team_id === b).length).toBe(0);
  expect(later.filter((d) => d.team_id === a).length).toBe(30);
});
