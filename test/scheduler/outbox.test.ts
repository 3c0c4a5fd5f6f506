import { enqueue, enqueueMany } from '../../src/outbox/vocabulary';
import { createTestDb, type TestDb } from '../support/db';
import { deliveryHandlers } from '../../src/slack/deliveries';

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
    const row = () => db.db.selectFrom('delivery').select(['kind', 'dedupe_key', 'payload', 'not_before']).where('team_id', '=', 'T0OUTBOX').execute();
    expect(await row()).toEqual([{ kind: 'digest', dedupe_key: options.key, payload, not_before: at }]);
    await enqueue(db.db, 'digest', payload, { ...options, notBefore: later, reschedule: true });
    expect((await row())[0]!.not_before).toEqual(later);
    expect(await enqueueMany(db.db, 'digest', [{ ...options, key: 'digest:exec::2026-11-01:2026-11-30:UCEO', payload: { ...payload, scope: 'exec' } }])).toBe(1);
  });

  test('Every kind has its handler in the Slack adapter', () => {
    expect(Object.keys(deliveryHandlers).sort()).toEqual(['answer_note', 'brief', 'digest', 'prompt', 'reminder', 'reply', 'round_live', 'round_live_update', 'share', 'team_post', 'team_reminder', 'team_update', 'update']);
  });
});
