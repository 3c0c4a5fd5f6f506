import { tick } from '../../src/scheduler/tick';
import { tickDeps, useFixture } from '../support/cascade';
import { PEOPLE } from '../support/org-fixture';

/**
 * No `users.info` per prompt: a person's Slack status is kept from `user_change` events (and the daily
 * refresh), read from the database when their prompt falls due, and Slack is asked only when what is kept is
 * older than a few hours — then it is kept for the next time.
 */
const now = { current: new Date('2026-11-23T04:00:00Z') };
const fixture = useFixture({ now });
const infoCalls = (userId: string) => fixture.slack.callsTo('users.info').filter((c) => c.args.user === userId).length;

describe('Slack status, kept', () => {
  test('When Slack says Raj went on vacation (user_change), then his prompt is skipped from what was kept, without asking Slack', async () => {
    const res = await fixture.app.event({
      type: 'user_change',
      user: {
        id: PEOPLE.raj.id,
        name: 'raj',
        real_name: PEOPLE.raj.name,
        tz: PEOPLE.raj.tz,
        profile: {
          real_name: PEOPLE.raj.name,
          email: PEOPLE.raj.email,
          status_text: 'Vacation',
          status_emoji: ':palm_tree:',
          status_expiration: 0,
        },
      },
    });
    expect(res.status).toBe(200);
    const before = infoCalls(PEOPLE.raj.id);
    now.current = new Date('2026-11-23T04:30:00Z');
    await tick(tickDeps(fixture.db, fixture.slack, fixture.app.log), now.current);
    expect(infoCalls(PEOPLE.raj.id)).toBe(before);
    const raj = await fixture.db.db
      .selectFrom('checkin')
      .select(['status', 'skip_reason'])
      .where('person_id', '=', PEOPLE.raj.id)
      .executeTakeFirstOrThrow();
    expect(raj).toEqual({ status: 'skipped', skip_reason: 'Slack status: :palm_tree: Vacation' });
  });

  test('When what is kept of Mia is older than a few hours, then Slack is asked once and the answer kept for her next prompt', async () => {
    const before = infoCalls(PEOPLE.mia.id);
    now.current = new Date('2026-11-23T10:00:00Z');
    await tick(tickDeps(fixture.db, fixture.slack, fixture.app.log), now.current);
    expect(infoCalls(PEOPLE.mia.id)).toBe(before + 1);
    const mia = await fixture.db.db
      .selectFrom('person')
      .select(['status_read_at'])
      .where('slack_user_id', '=', PEOPLE.mia.id)
      .executeTakeFirstOrThrow();
    expect(mia.status_read_at).toEqual(now.current);
    expect(
      (await fixture.db.db.selectFrom('checkin').select('status').where('person_id', '=', PEOPLE.mia.id).executeTakeFirstOrThrow()).status,
    ).toBe('sent');
  });
});
