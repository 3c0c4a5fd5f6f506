import { tick } from '../../src/scheduler/tick';
import { IDS } from '../../src/slack/ids';
import { pressButton, viewSubmission } from '../support/app';
import { tickDeps, useFixture } from '../support/cascade';
import { PEOPLE } from '../support/org-fixture';

const now = { current: new Date('2026-11-23T04:30:00Z') };

const fixture = useFixture({ now });

beforeAll(async () => {
  await tick(tickDeps(fixture.db, fixture.slack, fixture.app.log), now.current);
});

async function openWindow(checkinId: number, id: string): Promise<{ view: any; ids: number[] }> {
  await pressButton(fixture.app, fixture.slack, { userId: PEOPLE.raj.id, actionId: IDS.prompt.answer, value: String(checkinId), id });
  const [open] = await fixture.slack.waitFor('views.open', { where: (c) => c.args.trigger_id === `trigger-${id}` });
  const view = open!.args.view;
  return { view, ids: (JSON.parse(view.private_metadata) as { questionIds: number[] }).questionIds };
}

const value = (kind: string, text: string) =>
  kind === 'rating_1_5' || kind === 'yes_no' || kind === 'choice'
    ? { type: 'radio_buttons', selected_option: { value: kind === 'rating_1_5' ? '4' : kind === 'yes_no' ? 'yes' : text } }
    : kind === 'number'
      ? { type: 'number_input', value: '12' }
      : { type: 'plain_text_input', value: text };

describe('Editing answers keeps the questions', () => {
  test('When Raj answers every question, then reopens the window to edit, then it shows the same questions, filled with his answers', async () => {
    const row = await fixture.db.db.selectFrom('checkin').select('id').where('person_id', '=', PEOPLE.raj.id).executeTakeFirstOrThrow();
    const first = await openWindow(row.id, 'first');
    const questions = await fixture.db.db.selectFrom('question').select(['id', 'kind']).where('id', 'in', first.ids).execute();
    const kindOf = new Map(questions.map((q) => [q.id, q.kind]));
    const values = Object.fromEntries(
      first.ids.map((id) => [`${IDS.answer.blockPrefix}${id}`, { value: value(kindOf.get(id)!, `Answer to ${id}`) }]),
    );
    const res = await fixture.app.interaction(
      viewSubmission(fixture.app, PEOPLE.raj.id, {
        callback_id: IDS.answer.callbackId,
        private_metadata: first.view.private_metadata,
        values,
      }),
    );
    expect(res.status).toBe(200);
    await fixture.slack.waitFor('chat.update', { where: (c) => c.args.channel === `D${PEOPLE.raj.id}` });

    const again = await openWindow(row.id, 'again');
    expect(again.ids).toEqual(first.ids);
    const labels = (v: any) => v.blocks.filter((b: any) => b.block_id?.startsWith(IDS.answer.blockPrefix)).map((b: any) => b.label.text);
    expect(labels(again.view)).toEqual(labels(first.view));
    const texts = again.view.blocks.filter(
      (b: any) => b.element?.type === 'plain_text_input' && b.block_id.startsWith(IDS.answer.blockPrefix),
    );
    for (const b of texts) expect(b.element.initial_value).toBe(`Answer to ${b.block_id.slice(IDS.answer.blockPrefix.length)}`);

    // /cascade checkin opens the same window too.
    await fixture.app.command(PEOPLE.raj.id, 'checkin', { triggerId: 'trigger-typed' });
    const [typed] = await fixture.slack.waitFor('views.open', { where: (c) => c.args.trigger_id === 'trigger-typed' });
    expect(JSON.parse(typed!.args.view.private_metadata).questionIds).toEqual(first.ids);
  });
});
