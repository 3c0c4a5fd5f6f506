import { questionsFor, submitAnswers } from '../../src/checkins/answers';
import { checkinContext } from '../../src/checkins/context';
import { scopeOf } from '../../src/org/policy';
import { tick } from '../../src/scheduler/tick';
import { IDS } from '../../src/slack/ids';
import type { SlackStandIn } from '../../src/slack/stand-in/slack';
import { pressButton, type TestApp } from '../support/app';
import { tickDeps, useFixture } from '../support/cascade';
import type { TestDb } from '../support/db';
import { PEOPLE } from '../support/org-fixture';

/**
 * What a person's action queues goes out at once: the app is woken by the database (LISTEN/NOTIFY on Postgres,
 * the same on embedded PGlite) and runs an outbox pass, with no schedule running at all here — without the
 * wake, nothing would ever send these.
 */
let db: TestDb;
let slack: SlackStandIn;
let app: TestApp;
const now = { current: new Date('2026-11-22T12:00:00Z') };
let rajCheckin: number;

const f = useFixture({ now, wake: true });

beforeAll(async () => {
  ({ db, slack, app } = f);
  // Sunday plans Monday; on Monday the prompts go out (the tick's own pass) and Raj answers.
  await tick(tickDeps(db, slack, app.log), now.current);
  now.current = new Date('2026-11-23T11:00:00Z');
  await tick(tickDeps(db, slack, app.log), now.current);
  const c = await db.db
    .selectFrom('checkin')
    .select('id')
    .where('person_id', '=', PEOPLE.raj.id)
    .where('status', '=', 'sent')
    .executeTakeFirstOrThrow();
  rajCheckin = c.id;
  const ctx = (await checkinContext(db.db, c.id))!;
  const questions = await questionsFor(db.db, ctx);
  const raw = Object.fromEntries(
    questions.map((q) => [
      q.id,
      q.kind === 'rating_1_5' ? '4' : q.kind === 'number' ? '7' : q.kind === 'yes_no' ? 'yes' : 'Multi-threading into the CFO early',
    ]),
  );
  await submitAnswers(await scopeOf(db.db, app.teamId, PEOPLE.raj.id, [], now.current), { checkinId: c.id, questions, raw });
}, 120_000);

/** Waits for the outbox to record what it sent (the Slack call comes just before the row is marked). */
async function settled(kinds: string[]): Promise<string[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const rows = await db.db
      .selectFrom('delivery')
      .select(['status'])
      .where('kind', 'in', kinds as never)
      .execute();
    if (rows.every((r) => r.status === 'sent') || Date.now() > deadline) return rows.map((r) => r.status);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('Deliveries a person’s action causes go out at once', () => {
  test('When Ann replies to Raj, then the reply reaches Raj’s thread with no outbox pass scheduled', async () => {
    const { res } = await app.command(PEOPLE.ann.id, `reply <@${PEOPLE.raj.id}|raj> "Great call on the CFO, bring it to our 1:1"`);
    expect(res.status).toBe(200);
    const [reply] = await slack.waitFor('chat.postMessage', {
      timeoutMs: 30_000,
      where: (c) => String(c.args.text).includes('Great call on the CFO'),
    });
    expect(reply!.args.thread_ts).toBeDefined();
    expect(await settled(['reply'])).toEqual(['sent']);
  });

  test('When Ann presses Got it on the live message, then Raj hears it and the live message is edited, both without a pass scheduled', async () => {
    const edits = slack.callsTo('chat.update').length;
    await pressButton(app, slack, { userId: PEOPLE.ann.id, actionId: IDS.conversation.ack, value: `r${rajCheckin}`, id: 'ann-ack' });
    await slack.waitFor('chat.postMessage', { timeoutMs: 30_000, where: (c) => JSON.stringify(c.args).includes('read your check-in') });
    await slack.waitFor('chat.update', { count: edits + 1, timeoutMs: 30_000 });
    expect(new Set(await settled(['reply', 'round_live_update']))).toEqual(new Set(['sent']));
  });
});
