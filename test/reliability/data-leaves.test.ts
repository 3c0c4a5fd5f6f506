import { sql } from 'kysely';
import { openWorkspace } from '../../src/checkins/cadences';
import { markInstalled, pruneDeliveries } from '../../src/db/retention';
import { tick } from '../../src/scheduler/tick';
import { days } from '../../src/time/durations';
import { tickDeps, useFixture } from '../support/cascade';
import { PEOPLE } from '../support/org-fixture';
import { rowsOfTeam } from '../support/db';

/*
 * Data that leaves: a workspace that removes the app gets nothing more, keeps its data for PURGE_AFTER_DAYS
 * (30) in case it comes back, and then nothing of it is left in any table; the outbox keeps deliveries for
 * RETENTION_DAYS (400), deleted in batches.
 */
const now = { current: new Date('2026-11-23T09:00:00Z') };
const f = useFixture({ now });
const OTHER = 'T0OTHER01';

const rowsOf = (teamId: string) => rowsOfTeam(f.db, teamId);

const tickAt = async (iso: string) => {
  now.current = new Date(iso);
  return tick({ ...tickDeps(f.db, f.slack, f.app.log), retention: { retentionDays: 400, purgeAfterDays: 30 } }, now.current);
};

describe('Data that leaves', () => {
  test('When a workspace removes the app, then nothing more is planned or sent, and 30 days later nothing of it is left in any table', async () => {
    // A week of the cascade first: rounds, check-ins, prompts, an answer.
    await tickAt('2026-11-23T10:00:00Z');
    const { responseId } = await f.app.command(PEOPLE.raj.id, 'commit call every open opportunity by friday');
    await f.app.reply(responseId);
    await openWorkspace(f.db.db, OTHER, 'Another company', now.current);
    const before = await rowsOf(f.app.teamId);
    expect(before.checkin).toBeGreaterThan(0);
    expect(before.delivery).toBeGreaterThan(0);
    expect(before.commitment).toBe(1);

    await f.app.event({ type: 'app_uninstalled', event_ts: '1.5' });
    await waitFor(
      async () =>
        (await f.db.db.selectFrom('workspace').select('uninstalled_at').where('team_id', '=', f.app.teamId).executeTakeFirst())
          ?.uninstalled_at != null,
    );
    const queued = await f.db.db
      .selectFrom('delivery')
      .select('id')
      .where('team_id', '=', f.app.teamId)
      .where('status', '=', 'queued')
      .execute();
    expect(queued).toEqual([]);
    // The next Monday: nothing planned or sent for it.
    const posts = f.slack.callsTo('chat.postMessage').length;
    const week = await tickAt('2026-11-30T10:00:00Z');
    expect([week.rounds, week.sent]).toEqual([0, 0]);
    expect(f.slack.callsTo('chat.postMessage').length).toBe(posts);

    // 29 days after: still there, in case it comes back.
    await tickAt('2026-12-22T10:00:00Z');
    expect((await rowsOf(f.app.teamId)).person).toBeGreaterThan(0);
    // 31 days after: gone, everywhere; the other workspace is untouched.
    await tickAt('2026-12-24T10:00:00Z');
    const after = await rowsOf(f.app.teamId);
    expect(Object.entries(after).filter(([, n]) => n > 0)).toEqual([]);
    expect(Object.keys(after)).toEqual(
      expect.arrayContaining(['workspace', 'person', 'checkin', 'delivery', 'commitment', 'crm_deal', 'slack_event']),
    );
    const orphans = await sql<{
      n: number;
    }>`select count(*)::int as n from answer a where not exists (select 1 from checkin c where c.id = a.checkin_id)`.execute(f.db.db);
    expect(orphans.rows[0]!.n).toBe(0);
    expect((await rowsOf(OTHER)).workspace).toBe(1);
  });

  test('When the app is installed again within the grace period, then nothing is purged', async () => {
    const team = 'T0BACKAGAIN';
    await openWorkspace(f.db.db, team, 'Back again', now.current);
    await f.db.db.updateTable('workspace').set({ uninstalled_at: now.current }).where('team_id', '=', team).execute();
    await markInstalled(f.db.db, team);
    await tickAt('2027-02-01T10:00:00Z');
    expect((await rowsOf(team)).workspace).toBe(1);
  });

  test('When deliveries are older than the retention, then they are deleted in batches; a queued one and recent ones stay', async () => {
    const old = new Date(now.current.getTime() - days(401));
    await sql`
      insert into delivery (team_id, kind, dedupe_key, recipient, status, not_before, created_at)
      select ${OTHER}, 'share', 'retention-old:' || g, 'U1', 'sent', ${old}, ${old} from generate_series(1, 2500) g`.execute(f.db.db);
    await sql`
      insert into delivery (team_id, kind, dedupe_key, recipient, status, not_before, created_at)
      values (${OTHER}, 'share', 'retention-queued', 'U1', 'queued', ${old}, ${old}),
             (${OTHER}, 'share', 'retention-recent', 'U1', 'sent', ${now.current}, ${now.current})`.execute(f.db.db);
    expect(await pruneDeliveries(f.db.db, now.current, 400, 1000)).toBe(2500);
    const left = await f.db.db.selectFrom('delivery').select('dedupe_key').where('team_id', '=', OTHER).orderBy('dedupe_key').execute();
    expect(left.map((d) => d.dedupe_key)).toEqual(['retention-queued', 'retention-recent']);
  });
});

async function waitFor(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('never happened');
}
