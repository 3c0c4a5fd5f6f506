import { submitAnswers, questionsFor } from '../../src/checkins/answers';
import { checkinContext } from '../../src/checkins/context';
import { scopeOf } from '../../src/org/policy';
import { tick } from '../../src/scheduler/tick';
import { IDS } from '../../src/slack/ids';
import { pressButton, viewSubmission } from '../support/app';
import { tickDeps, useFixture } from '../support/cascade';
import { PEOPLE } from '../support/org-fixture';

/**
 * App Home with actions, over signed HTTP: each button opens its window, and what the window changes is
 * published back to Home — for Raj (answer, commit, report progress, open the agenda) and for Ann, his
 * leader (reply, Got it, close a flag).
 */
const now = { current: new Date('2026-11-23T04:00:00Z') };
const fixture = useFixture({ now });
const RAJ = PEOPLE.raj.id;
const ANN = PEOPLE.ann.id;

/** The Home last published for someone, as one string. */
const home = (userId: string) =>
  JSON.stringify(
    fixture.slack
      .callsTo('views.publish')
      .filter((c) => c.args.user_id === userId)
      .at(-1)?.args.view ?? {},
  );
const openHome = async (userId: string) => {
  await fixture.app.event({ type: 'app_home_opened', user: userId, channel: `D${userId}`, tab: 'home' });
  await fixture.slack.waitFor('views.publish', { where: (c) => c.args.user_id === userId });
};
/** The value of a button on the Home last published for someone. */
const buttonOn = (userId: string, actionId: string): string =>
  (JSON.parse(home(userId)).blocks as any[]).flatMap((b) => b.elements ?? []).find((e: any) => e.action_id === actionId)?.value;
const press = (userId: string, actionId: string, value: string, id: string) =>
  pressButton(fixture.app, fixture.slack, { userId, actionId, value, id });
const opened = async (id: string) =>
  (await fixture.slack.waitFor('views.open', { where: (c) => c.args.trigger_id === `trigger-${id}` }))[0]!.args.view;
const submit = (userId: string, view: any, values: Record<string, Record<string, unknown>>) =>
  fixture.app.interaction(
    viewSubmission(fixture.app, userId, { callback_id: view.callback_id, private_metadata: view.private_metadata ?? '', values }),
  );

let rajPrompt = 0;
const rajCheckin = () => rajPrompt;

beforeAll(async () => {
  const db = fixture.db.db;
  const team = fixture.app.teamId;
  await db
    .insertInto('goal')
    .values({
      team_id: team,
      owner_id: RAJ,
      scope: 'person',
      name: 'Pipeline',
      unit: 'USD',
      target: 100000,
      period: 'month',
      created_by: ANN,
    })
    .execute();
  await db
    .insertInto('flag')
    .values({ team_id: team, person_id: RAJ, rule: 'missed_twice', detail: 'missed two check-ins in a row' })
    .execute();
  now.current = new Date('2026-11-23T04:30:00Z');
  await tick(tickDeps(fixture.db, fixture.slack, fixture.app.log), now.current);
  rajPrompt = (await db.selectFrom('checkin').select('id').where('person_id', '=', RAJ).executeTakeFirstOrThrow()).id;
});

describe('App Home with actions', () => {
  test('When Raj opens Home, then it offers his most frequent actions, and each opens its window', async () => {
    await openHome(RAJ);
    const view = home(RAJ);
    for (const label of ['Answer your check-in', 'Add a commitment', 'Report progress', 'Your 1:1 agenda']) expect(view).toContain(label);
    await press(RAJ, IDS.prompt.answer, buttonOn(RAJ, IDS.prompt.answer), 'home-answer');
    expect((await opened('home-answer')).callback_id).toBe(IDS.answer.callbackId);
    await press(RAJ, IDS.conversation.agenda, buttonOn(RAJ, IDS.conversation.agenda), 'home-agenda');
    expect((await opened('home-agenda')).title.text).toBe('1:1 agenda');
  });

  test('When Raj adds a commitment with a due date from Home, then it is kept and Home shows it', async () => {
    await press(RAJ, IDS.home.commit, 'commit', 'home-commit');
    const view = await opened('home-commit');
    expect(view.callback_id).toBe(IDS.home.commitView);
    const tooEarly = await submit(RAJ, view, {
      [IDS.home.textBlock]: { [IDS.home.textInput]: { type: 'plain_text_input', value: 'Send Acme the proposal' } },
      [IDS.home.dueBlock]: { [IDS.home.dueInput]: { type: 'datepicker', selected_date: '2026-11-01' } },
    });
    expect(((await tooEarly.json()) as any).errors[IDS.home.dueBlock]).toContain('has already passed');
    const ok = await submit(RAJ, view, {
      [IDS.home.textBlock]: { [IDS.home.textInput]: { type: 'plain_text_input', value: 'Send Acme the proposal' } },
      [IDS.home.dueBlock]: { [IDS.home.dueInput]: { type: 'datepicker', selected_date: '2026-11-27' } },
    });
    expect(await ok.text()).toBe('');
    const stored = await fixture.db.db.selectFrom('commitment').selectAll().where('owner_id', '=', RAJ).execute();
    expect(stored).toEqual([expect.objectContaining({ text: 'Send Acme the proposal', due_date: '2026-11-27', leader_id: ANN })]);
    await fixture.slack.waitFor('views.publish', {
      where: (c) => c.args.user_id === RAJ && JSON.stringify(c.args.view).includes('Send Acme the proposal'),
    });
  });

  test('When Raj reports progress from Home, then the value is kept and Home shows the new standing', async () => {
    await press(RAJ, IDS.home.progress, 'progress', 'home-progress');
    const view = await opened('home-progress');
    expect(JSON.stringify(view)).toContain('Pipeline (USD, this month)');
    const ok = await submit(RAJ, view, {
      [IDS.home.pickBlock]: { [IDS.home.pickInput]: { type: 'static_select', selected_option: { value: 'Pipeline' } } },
      [IDS.home.amountBlock]: { [IDS.home.amountInput]: { type: 'number_input', value: '42000' } },
    });
    expect(await ok.text()).toBe('');
    expect((await fixture.db.db.selectFrom('progress').selectAll().where('person_id', '=', RAJ).execute()).map((p) => p.value)).toEqual([
      42000,
    ]);
    await fixture.slack.waitFor('views.publish', {
      where: (c) => c.args.user_id === RAJ && JSON.stringify(c.args.view).includes('42,000 USD of 100,000 USD'),
    });
  });

  test('When Ann acknowledges and replies from her team list, then Raj’s Home shows both; when she closes the flag, her Home loses the button', async () => {
    const ctx = (await checkinContext(fixture.db.db, Number(rajCheckin())))!;
    await submitAnswers(await scopeOf(fixture.db.db, fixture.app.teamId, RAJ, [], now.current), {
      checkinId: ctx.id,
      questions: await questionsFor(fixture.db.db, ctx),
      raw: Object.fromEntries(
        (await questionsFor(fixture.db.db, ctx)).map((q) => [
          q.id,
          q.kind === 'rating_1_5'
            ? '4'
            : q.kind === 'number'
              ? '3'
              : q.kind === 'yes_no'
                ? 'yes'
                : q.kind === 'commitment'
                  ? ''
                  : 'Discovery calls are sharper',
        ]),
      ),
    });

    await openHome(ANN);
    const annHome = home(ANN);
    expect(annHome).toContain('Got it');
    expect(annHome).toContain('Close a flag (1 open)');
    await press(ANN, IDS.conversation.ack, `r${ctx.id}`, 'home-ack');
    await fixture.slack.waitFor('views.publish', {
      where: (c) => c.args.user_id === RAJ && JSON.stringify(c.args.view).includes('Ann Lee read your check-in'),
    });
    await press(ANN, IDS.conversation.reply, `r${ctx.id}`, 'home-reply');
    const replyView = await opened('home-reply');
    expect(
      await (
        await submit(ANN, replyView, {
          [IDS.conversation.textBlock]: {
            [IDS.conversation.textInput]: { type: 'plain_text_input', value: 'Sharper indeed — keep going' },
          },
        })
      ).text(),
    ).toBe('');
    await fixture.slack.waitFor('views.publish', {
      where: (c) => c.args.user_id === RAJ && JSON.stringify(c.args.view).includes('Sharper indeed — keep going'),
    });
    // Where Raj stands: what came back from Ann, and his last check-in answered with its confidence.
    expect(home(RAJ)).toContain('*From your leader*');
    expect(home(RAJ)).toContain('*Your last check-in* — 1 answered');
    expect(home(RAJ)).toContain('confidence `▆` latest 4 of 5');

    await press(ANN, IDS.home.flagClose, 'flags', 'home-flag');
    const flagView = await opened('home-flag');
    const flagId = flagView.blocks.find((b: any) => b.block_id === IDS.home.pickBlock).element.options[0].value as string;
    const short = await submit(ANN, flagView, {
      [IDS.home.pickBlock]: { [IDS.home.pickInput]: { type: 'static_select', selected_option: { value: flagId } } },
      [IDS.home.textBlock]: { [IDS.home.textInput]: { type: 'plain_text_input', value: 'no' } },
    });
    expect(((await short.json()) as any).errors[IDS.home.textBlock]).toContain('A flag closes only with your answer');
    const unpicked = await submit(ANN, flagView, {
      [IDS.home.pickBlock]: { [IDS.home.pickInput]: { type: 'static_select', selected_option: { value: flagId } } },
      [IDS.home.textBlock]: { [IDS.home.textInput]: { type: 'plain_text_input', value: 'Territory was reassigned mid-month.' } },
    });
    expect(((await unpicked.json()) as any).errors[IDS.home.factorBlock]).toContain('Pick the factor that explains it best');
    const ok = await submit(ANN, flagView, {
      [IDS.home.pickBlock]: { [IDS.home.pickInput]: { type: 'static_select', selected_option: { value: flagId } } },
      [IDS.home.factorBlock]: { [IDS.home.factorInput]: { type: 'static_select', selected_option: { value: 'territory' } } },
      [IDS.home.textBlock]: {
        [IDS.home.textInput]: { type: 'plain_text_input', value: 'Territory was reassigned mid-month; not about Raj.' },
      },
    });
    expect(await ok.text()).toBe('');
    expect(
      await fixture.db.db
        .selectFrom('flag')
        .select(['status', 'org_factors', 'org_factor'])
        .where('id', '=', Number(flagId))
        .executeTakeFirstOrThrow(),
    ).toEqual({ status: 'closed', org_factors: 'Territory was reassigned mid-month; not about Raj.', org_factor: 'territory' });
    await fixture.slack.waitFor('views.publish', {
      where: (c) => c.args.user_id === ANN && !JSON.stringify(c.args.view).includes('Close a flag'),
    });
  });

  test('When Mia presses Ann’s buttons with Raj’s check-in, then nothing is kept: she is not above him', async () => {
    const id = Number(rajCheckin());
    const before = (await fixture.db.db.selectFrom('reply').select('id').execute()).length;
    await press(PEOPLE.mia.id, IDS.conversation.ack, `r${id}`, 'mia-ack');
    const [refused] = await fixture.slack.waitFor('response_url', { where: (c) => c.args.id === 'mia-ack' });
    expect(refused!.args.text).toContain('There is no check-in of someone below you');
    expect((await fixture.db.db.selectFrom('reply').select('id').execute()).length).toBe(before);
  });
});
