import { questionsFor, submitAnswers } from '../../src/checkins/answers';
import { checkinContext } from '../../src/checkins/context';
import { scopeOf } from '../../src/org/policy';
import { tick } from '../../src/scheduler/tick';
import { tickDeps, useFixture } from '../support/cascade';
import { pressButton } from '../support/app';
import { IDS } from '../../src/slack/ids';
import { answerModal } from '../../src/slack/blocks/answer-modal';
import { PEOPLE } from '../support/org-fixture';

/**
 * The top is accountable too: the CEO's reflection answers marked shared reach the President (App Home, the
 * exec digest), and the exec digest lists the CEO's commitments to the organisation and the President's
 * to the CEO, with whether they were kept. A manager sees none of it.
 */
const now = { current: new Date('2026-12-07T13:00:00Z') };
const fixture = useFixture({ now });
const CEO = PEOPLE.ceo.id;
const PAT = PEOPLE.president.id;

const say = async (userId: string, text: string) => {
  const { res, responseId } = await fixture.app.command(userId, text);
  expect(res.status).toBe(200);
  return fixture.app.reply(responseId);
};
const home = async (userId: string) => {
  await fixture.app.event({ type: 'app_home_opened', user: userId, channel: `D${userId}`, tab: 'home' });
  const [published] = await fixture.slack.waitFor('views.publish', { where: (c) => c.args.user_id === userId });
  return JSON.stringify(published!.args.view);
};

beforeAll(async () => {
  // Monday 7 December, 09:00 in New York: the CEO's monthly round with the President, and the CEO's reflection.
  now.current = new Date('2026-12-07T14:00:00Z');
  await tick(tickDeps(fixture.db, fixture.slack, fixture.app.log), now.current);
  const reflection = await fixture.db.db
    .selectFrom('checkin')
    .select('id')
    .where('person_id', '=', CEO)
    .where('part', '=', 'leader')
    .executeTakeFirstOrThrow();
  const ctx = (await checkinContext(fixture.db.db, reflection.id))!;
  const questions = await questionsFor(fixture.db.db, ctx);
  const texts = questions.filter((q) => q.kind === 'text' || q.kind === 'long_text');
  const raw = Object.fromEntries(
    questions.map((q) => [
      q.id,
      q.kind === 'rating_1_5'
        ? '3'
        : q.kind === 'number'
          ? '1'
          : q.kind === 'yes_no'
            ? 'yes'
            : q.kind === 'commitment'
              ? ''
              : `Casey on ${q.intent}: I set the territory plan too late`,
    ]),
  );
  await submitAnswers(await scopeOf(fixture.db.db, fixture.app.teamId, CEO, [], now.current), {
    checkinId: ctx.id,
    questions,
    raw,
    shared: texts.slice(0, 1).map((q) => q.id),
  });
  expect((await say(CEO, 'commit Hire two SDRs for the West by 2026-12-20')).text).toContain('Hire two SDRs');
  expect((await say(PAT, 'commit Rebuild the forecast call by 2026-12-18')).text).toContain('Rebuild the forecast call');
});

describe('The top is accountable too', () => {
  test('When the CEO shares a reflection answer and commits to the organisation, then the President’s App Home shows both; a manager’s does not', async () => {
    const pat = await home(PAT);
    expect(pat).toContain("From Casey Chen's reflection");
    expect(pat).toContain('I set the territory plan too late');
    expect(pat).toContain("The top's own commitments");
    expect(pat).toContain('Casey Chen (to the organisation): “Hire two SDRs for the West” — open');
    const ann = await home(PEOPLE.ann.id);
    expect(ann).not.toContain('Hire two SDRs');
    expect(ann).not.toContain('territory plan');
  });

  test('When the CEO opens the reflection window, then it has a box to share with the organisation; a manager’s reflection has none', async () => {
    const reflection = await fixture.db.db
      .selectFrom('checkin')
      .select('id')
      .where('person_id', '=', CEO)
      .where('part', '=', 'leader')
      .executeTakeFirstOrThrow();
    await pressButton(fixture.app, fixture.slack, {
      userId: CEO,
      actionId: IDS.prompt.answer,
      value: String(reflection.id),
      id: 'ceo-reflect',
    });
    const [open] = await fixture.slack.waitFor('views.open', { where: (c) => c.args.trigger_id === 'trigger-ceo-reflect' });
    const share = open!.args.view.blocks.find((b: { block_id?: string }) => b.block_id === IDS.answer.shareBlock);
    expect(share?.label.text).toBe('Share with the organisation');
    // Ticked before (the first text answer): shown ticked.
    expect(share?.element.initial_options).toHaveLength(1);
    const ctx = (await checkinContext(fixture.db.db, reflection.id))!;
    const manager = answerModal({ ...ctx, atTop: false }, await questionsFor(fixture.db.db, ctx), []);
    expect(JSON.stringify(manager.blocks)).not.toContain(IDS.answer.shareBlock);
  });

  test('When only the first reflection answer is shared, then the others never leave the CEO', async () => {
    const pat = await home(PAT);
    const shared = (pat.match(/I set the territory plan too late/g) ?? []).length;
    expect(shared).toBe(1);
  });

  test('When the President keeps a commitment, then the exec digest lists both commitments with whether they were kept', async () => {
    expect((await say(PAT, 'done 1')).text).toBe('Done: “Rebuild the forecast call”.');
    now.current = new Date('2027-01-04T15:00:00Z');
    const digest = JSON.stringify(await say(CEO, 'digest preview exec'));
    expect(digest).toContain("The top's own commitments");
    // Due 20 Dec and still open on 4 Jan: overdue, not "open".
    expect(digest).toContain('Casey Chen (to the organisation): “Hire two SDRs for the West” — *overdue* since');
    expect(digest).not.toContain('Hire two SDRs for the West” — open');
    expect(digest).toContain('Pat Rivera: “Rebuild the forecast call” — kept');
    expect(digest).toContain('I set the territory plan too late');
    expect((await say(PEOPLE.raj.id, 'digest preview exec')).text).toBe('The exec digest is for the CEO, the President and admins.');
  });
});
