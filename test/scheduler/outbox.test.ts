import { enqueue, enqueueMany } from '../../src/outbox/vocabulary';
import { createTestDb, type TestDb } from '../support/db';
import { deliveryHandlers } from '../../src/slack/deliveries';
import { claimDue, renewLease } from '../../src/outbox/store';
import { DEFAULT_DISPATCH } from '../../src/scheduler/dispatch';

let db: TestDb;

beforeAll(async () => {
  db = await createTestDb();
  await db.db.insertInto('workspace').values({ team_id: 'T0OUTBOX', name: 'Outbox' }).execute();
});

afterAll(() => db?.close());

describe('The outbox’s vocabulary', () => {
  test('When a delivery is enqueued twice with one key, then it is queued once, with its typed payload; reschedule moves a queued one', async () => {
    const at = new Date('2026-11-30T10:00:00Z');
    const later = new Date('2026-12-01T10:00:00Z');
    const payload = { scope: 'org' as const, ownerId: '', start: '2026-11-23', end: '2026-11-29' };
    const options = { teamId: 'T0OUTBOX', key: 'digest:org::2026-11-23:2026-11-29', recipient: 'CORG', notBefore: at };
    expect(await enqueue(db.db, 'digest', payload, options)).toBe(true);
    expect(await enqueue(db.db, 'digest', payload, { ...options, notBefore: later })).toBe(false);
    const row = () =>
      db.db.selectFrom('delivery').select(['kind', 'dedupe_key', 'payload', 'not_before']).where('team_id', '=', 'T0OUTBOX').execute();
    expect(await row()).toEqual([{ kind: 'digest', dedupe_key: options.key, payload, not_before: at }]);
    await enqueue(db.db, 'digest', payload, { ...options, notBefore: later, reschedule: true });
    expect((await row())[0]!.not_before).toEqual(later);
    expect(
      await enqueueMany(db.db, 'digest', [
        { ...options, key: 'digest:exec::2026-11-01:2026-11-30:UCEO', payload: { ...payload, scope: 'exec' } },
      ]),
    ).toBe(1);
  });

  test('Every kind has its handler in the Slack adapter', () => {
    expect(Object.keys(deliveryHandlers).sort()).toEqual([
      'answer_note',
      'brief',
      'digest',
      'held_note',
      'pack',
      'prompt',
      'reminder',
      'reply',
      'reply_update',
      'round_live',
      'round_live_update',
      'share',
      'team_post',
      'team_reminder',
      'team_update',
      'update',
      'welcome',
    ]);
  });
});

describe('The outbox’s lease', () => {
  beforeAll(async () => {
    // Only these deliveries are due in their workspace's claims (the digests above are not).
    await db.db.updateTable('delivery').set({ status: 'cancelled' }).where('team_id', '=', 'T0OUTBOX').execute();
  });
  const at = (s: number) => new Date(Date.parse('2026-11-30T10:00:00Z') + s * 1000);
  const queue = async (prefix: string, n: number) => {
    for (let i = 0; i < n; i++)
      await enqueue(db.db, 'reply', { replyId: i + 1 }, { teamId: 'T0OUTBOX', key: `${prefix}:${i}`, recipient: 'U1', notBefore: at(0) });
  };
  const claimedIds = (rows: { id: number }[]) => rows.map((r) => r.id).sort((a, b) => a - b);

  test('When a worker dies holding a claimed batch, then another claims what it never marked a lease later, not five minutes later', async () => {
    await queue('lease-dead', 30);
    const first = await claimDue(db.db, at(0), 30, DEFAULT_DISPATCH.leaseMs);
    expect(first).toHaveLength(30);
    // The worker dies here: nothing is marked. Within the lease nobody else takes them…
    expect(await claimDue(db.db, at(30), 30, DEFAULT_DISPATCH.leaseMs)).toEqual([]);
    // …and once it has passed (a minute, not five) the whole batch is claimed again, each marked as taken over.
    expect(DEFAULT_DISPATCH.leaseMs).toBeLessThanOrEqual(60_000);
    const again = await claimDue(db.db, at(61), 30, DEFAULT_DISPATCH.leaseMs);
    expect(claimedIds(again)).toEqual(claimedIds(first));
    expect(again.every((d) => d.was === 'sending')).toBe(true);
    await db.db
      .updateTable('delivery')
      .set({ status: 'sent' })
      .where(
        'id',
        'in',
        again.map((d) => d.id),
      )
      .execute();
  });

  test('When a live worker renews its lease, then its claims stay its own past the first lease', async () => {
    await queue('lease-live', 5);
    const mine = await claimDue(db.db, at(100), 5, DEFAULT_DISPATCH.leaseMs);
    expect(mine).toHaveLength(5);
    await renewLease(
      db.db,
      mine.map((d) => d.id),
      at(100 + 300),
    );
    expect(await claimDue(db.db, at(100 + 120), 5, DEFAULT_DISPATCH.leaseMs)).toEqual([]);
    expect(claimedIds(await claimDue(db.db, at(100 + 301), 5, DEFAULT_DISPATCH.leaseMs))).toEqual(claimedIds(mine));
  });
});
