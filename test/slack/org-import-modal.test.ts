import { listPeople } from '../../src/org/people';
import { IDS } from '../../src/slack/ids';
import { viewSubmission, type TestApp } from '../support/app';
import { useFixture } from '../support/cascade';
import type { TestDb } from '../support/db';
import type { SlackStandIn } from '../../src/slack/stand-in/slack';
import { ORG_CSV, PEOPLE } from '../support/org-fixture';

let db: TestDb;
let slack: SlackStandIn;
let app: TestApp;
const ids = IDS.orgImport;

const f = useFixture({ org: 'none', workingHours: 'default' });

beforeAll(async () => {
  ({ db, slack, app } = f);
});

function submit(userId: string, csv: string, options: { dryRun?: boolean; viewId?: string } = {}) {
  return app.interaction(
    viewSubmission(app, userId, {
      id: options.viewId,
      callback_id: ids.callbackId,
      values: {
        [ids.csvBlock]: { [ids.csvInput]: { type: 'plain_text_input', value: csv } },
        [ids.optionsBlock]: {
          [ids.dryRunInput]: {
            type: 'checkboxes',
            selected_options: options.dryRun ? [{ value: ids.dryRunValue, text: { type: 'plain_text', text: 'Dry run' } }] : [],
          },
        },
      },
    }),
  );
}

const people = () => listPeople(db.db, app.teamId, { activeOnly: true });

describe('The paste-CSV modal', () => {
  test('When an admin types /cascade org import, then a modal with a CSV field opens with their trigger', async () => {
    const { res } = await app.command(PEOPLE.admin.id, 'org import', { triggerId: 'trigger-import-1' });
    expect(res.status).toBe(200);
    const [open] = await slack.waitFor('views.open');
    expect(open!.args.trigger_id).toBe('trigger-import-1');
    expect(open!.args.view.callback_id).toBe(ids.callbackId);
    expect(JSON.stringify(open!.args.view.blocks)).toContain(ids.csvBlock);
    expect(open!.token).toBe('xoxb-test-cascade');
  });

  test('When a non-admin types /cascade org import, then no modal opens and the refusal names the admins', async () => {
    const opened = slack.callsTo('views.open').length;
    const { responseId } = await app.command(PEOPLE.raj.id, 'org import');
    expect((await app.reply(responseId)).text).toContain('Only Cascade admins can import the org chart. Ask <@UADMIN01>');
    expect(slack.callsTo('views.open')).toHaveLength(opened);
  });

  test('When the pasted CSV has malformed lines, then the errors come back inline, by line, and nothing is stored', async () => {
    const csv = ORG_CSV.replace('bob@example.com,Bob Stone,manager,pat@example.com,', 'bob@example.com,Bob Stone,,pat@example.com,');
    const res = await submit(PEOPLE.admin.id, `${csv}\nbroken,line`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    expect(body.response_action).toBe('errors');
    expect(body.errors[ids.csvBlock]).toContain('Line 5: needs a role');
    expect(body.errors[ids.csvBlock]).toContain('Line 9: expected 5 fields');
    expect(await people()).toHaveLength(0);
  });

  test('When the CSV is well formed but breaks the chain, then the modal is updated with the line-numbered problem and nothing is stored', async () => {
    const csv = ORG_CSV.replace('raj@example.com,Raj Patel,rep,ann@example.com,', 'raj@example.com,Raj Patel,rep,raj@example.com,');
    const res = await submit(PEOPLE.admin.id, csv, { viewId: 'VBADCHAIN' });
    expect(((await res.json()) as any).response_action).toBe('update');
    const [update] = await slack.waitFor('views.update', { where: (c) => c.args.view_id === 'VBADCHAIN' });
    // Back to the window, the problem above and the text as pasted: fix the line, not start over.
    expect(update!.args.view.callback_id).toBe(ids.callbackId);
    expect(update!.args.view.title.text).toBe('Import org chart');
    expect(JSON.stringify(update!.args.view.blocks)).toContain('Nothing was changed.');
    expect(JSON.stringify(update!.args.view.blocks)).toContain('line 6: reporting lines form a cycle: Raj Patel → Raj Patel');
    const field = update!.args.view.blocks.find((b: { block_id?: string }) => b.block_id === ids.csvBlock);
    expect(field.element.initial_value).toBe(csv);
    expect(field.hint.text).not.toMatch(/ceo, president, manager, rep/);
    expect(await people()).toHaveLength(0);
  });

  test('When a dry run is submitted, then the modal shows what would change and nothing is stored', async () => {
    await submit(PEOPLE.admin.id, ORG_CSV, { dryRun: true, viewId: 'VDRYRUN' });
    const [update] = await slack.waitFor('views.update', { where: (c) => c.args.view_id === 'VDRYRUN' });
    expect(update!.args.view.title.text).toBe('Dry run');
    expect(JSON.stringify(update!.args.view.blocks)).toContain('Would import: 7 added');
    expect(await people()).toHaveLength(0);
  });

  test('When a valid CSV is submitted, then the whole chart is stored and the modal says what was imported', async () => {
    await submit(PEOPLE.admin.id, ORG_CSV, { viewId: 'VGOOD' });
    const [update] = await slack.waitFor('views.update', { where: (c) => c.args.view_id === 'VGOOD' });
    expect(update!.args.view.title.text).toBe('Org chart imported');
    expect(JSON.stringify(update!.args.view.blocks)).toContain('Imported: 7 added');
    const stored = await people();
    expect(stored).toHaveLength(7);
    expect(stored.find((p) => p.slack_user_id === PEOPLE.mia.id)).toMatchObject({
      role: 'rep',
      reports_to: PEOPLE.ann.id,
      tz: 'Europe/London',
    });
  });

  test('When the admin opens the import again, then the window starts from today’s chart, which imports unchanged', async () => {
    await app.command(PEOPLE.admin.id, 'org import', { triggerId: 'trigger-import-again' });
    const [open] = await slack.waitFor('views.open', { where: (c) => c.args.trigger_id === 'trigger-import-again' });
    const field = open!.args.view.blocks.find((b: { block_id?: string }) => b.block_id === ids.csvBlock);
    const csv: string = field.element.initial_value;
    expect(csv.split('\n')[0]).toBe('slack_user_id,name,role,manager,admin');
    expect(csv).toContain(`${PEOPLE.mia.id},Mia Wong,rep,${PEOPLE.ann.id},`);
    // Top down: the CEO first, everyone after their manager.
    const lines = csv
      .split('\n')
      .slice(1)
      .map((l) => l.split(','));
    expect(lines[0]![3]).toBe('');
    for (const [i, l] of lines.entries()) if (l[3]) expect(lines.slice(0, i).some((m) => m[0] === l[3])).toBe(true);
    expect(JSON.stringify(open!.args.view.blocks)).toContain('This is your org chart today');
    await submit(PEOPLE.admin.id, csv, { dryRun: true, viewId: 'VSAME' });
    const [update] = await slack.waitFor('views.update', { where: (c) => c.args.view_id === 'VSAME' });
    expect(JSON.stringify(update!.args.view.blocks)).toContain('Would import: 0 added');
  });

  test('When a non-admin forges a submission of the modal, then it is refused inline and nothing changes', async () => {
    const before = JSON.stringify(await people());
    const res = await submit(PEOPLE.raj.id, 'email,name,role,manager\nraj@example.com,Raj,ceo,');
    const body = (await res.json()) as any;
    expect(body.response_action).toBe('errors');
    expect(body.errors[ids.csvBlock]).toContain('Only Cascade admins');
    expect(JSON.stringify(await people())).toBe(before);
  });
});
