import { listPeople } from '../../src/org/people';
import type { TestApp } from '../support/app';
import { useFixture } from '../support/cascade';
import type { TestDb } from '../support/db';
import type { SlackStandIn } from '../../src/slack/stand-in/slack';
import { PEOPLE } from '../support/org-fixture';

let db: TestDb;
let slack: SlackStandIn;
let app: TestApp;

const f = useFixture({ org: 'none', workingHours: 'default' });

beforeAll(async () => {
  ({ db, slack, app } = f);
});

const chart = async () =>
  (await listPeople(db.db, app.teamId, { activeOnly: true })).map((p) => [p.slack_user_id, p.role, p.reports_to, p.is_admin]).sort();

async function run(userId: string, text: string) {
  const { res, responseId } = await app.command(userId, text);
  expect(res.status).toBe(200);
  return app.reply(responseId);
}

describe('/cascade over signed HTTP', () => {
  test('When someone types /cascade help, then they get the commands they may use, ephemeral, never cut', async () => {
    const reply = await run(PEOPLE.raj.id, 'help');
    expect(reply.response_type).toBe('ephemeral');
    expect(reply.text).toContain('/cascade org show [@person]');
    expect(reply.text).toContain('/cascade commit <text>');
    expect(reply.text).not.toContain('/cascade org import');
    expect(reply.text).not.toContain('/cascade questions retire');
    expect(JSON.stringify(reply.blocks)).not.toContain('help admin');

    const admin = await run(PEOPLE.admin.id, 'help');
    expect(JSON.stringify(admin.blocks)).toContain('`/cascade help admin` lists the commands that set Cascade up');
    const list = await run(PEOPLE.admin.id, 'help admin');
    for (const usage of [
      '/cascade org import',
      '/cascade questions edit <number> "<text>"',
      '/cascade questions retire <number>',
      '/cascade cadence set <cadence>',
      '/cascade flag rule <rule> on|off|<threshold>',
    ]) {
      expect(list.text).toContain(usage);
    }
    expect(list.text).not.toContain('/cascade status');
    // Every line shown whole, every section within Slack's 3,000 characters.
    const shown = list.blocks!.filter((b: any) => b.type === 'section').map((b: any) => b.text.text as string);
    for (const text of shown) expect(text.length).toBeLessThanOrEqual(3000);
    expect(shown.join('\n')).toContain(
      '`/cascade questions retire <number>` — stop asking a question; past answers keep its text (admins)',
    );
  });

  test('When the subcommand is unknown, then a short usage message says so and lists what works', async () => {
    const reply = await run(PEOPLE.raj.id, 'frobnicate now');
    expect(reply.response_type).toBe('ephemeral');
    expect(reply.text).toContain('Unknown command "frobnicate"');
    expect(reply.text).toContain('/cascade help');
  });

  test('When an admin builds the chart with org set, then each person lands with role, leader and tz from Slack', async () => {
    const admin = PEOPLE.admin.id;
    expect((await run(admin, `org set <@${PEOPLE.ceo.id}|casey> ceo admin`)).text).toContain('Added <@UCEO0001>');
    await run(admin, `org set <@${PEOPLE.president.id}> president reports-to <@${PEOPLE.ceo.id}>`);
    await run(admin, `org set <@${PEOPLE.ann.id}> manager reports-to <@${PEOPLE.president.id}>`);
    const reply = await run(admin, `org set <@${PEOPLE.raj.id}> rep reports-to <@${PEOPLE.ann.id}>`);
    expect(reply.text).toBe('Added <@UREP0001>: Rep, reporting to <@UMGR0001>.');
    expect(await chart()).toEqual([
      ['UCEO0001', 'ceo', null, true],
      ['UMGR0001', 'manager', 'UPRES001', false],
      ['UPRES001', 'president', 'UCEO0001', false],
      ['UREP0001', 'rep', 'UMGR0001', false],
    ]);
    const raj = (await listPeople(db.db, app.teamId)).find((p) => p.slack_user_id === PEOPLE.raj.id)!;
    expect(raj.tz).toBe('Asia/Kolkata');
    expect(raj.name).toBe('Raj Patel');
  });

  test('When org set would break the chain (the president reporting to their own manager), then it is refused and nothing changes', async () => {
    const before = await chart();
    const reply = await run(PEOPLE.admin.id, `org set <@${PEOPLE.president.id}> president reports-to <@${PEOPLE.ann.id}>`);
    expect(reply.text).toContain('reporting lines form a cycle');
    expect(await chart()).toEqual(before);
  });

  test('When someone who is not an admin uses org set, then it is refused, names who can, and changes nothing', async () => {
    const before = await chart();
    const reply = await run(PEOPLE.raj.id, `org set <@${PEOPLE.raj.id}> manager reports-to <@${PEOPLE.president.id}>`);
    expect(reply.response_type).toBe('ephemeral');
    expect(reply.text).toContain('Only Cascade admins can change the org chart');
    expect(reply.text).toContain('<@UCEO0001>');
    expect(reply.text).toContain('<@UADMIN01>');
    expect(await chart()).toEqual(before);
  });

  test('When a person is in the chart, then org show gives their chain up and their direct reports', async () => {
    const reply = await run(PEOPLE.raj.id, `org show <@${PEOPLE.ann.id}|ann>`);
    expect(reply.text).toBe('Ann Lee: Sales manager; reports to Pat Rivera; 1 direct report.');
    const blocks = JSON.stringify(reply.blocks);
    expect(blocks).toContain('Chain up');
    expect(blocks).toMatch(/UCEO0001[\s\S]*UPRES001/);
    expect(blocks).toContain('<@UREP0001> — Rep');
    const mine = await run(PEOPLE.raj.id, 'org show');
    expect(mine.text).toContain('Raj Patel: Rep; reports to Ann Lee');
  });

  test('When org show names someone outside the chart, then the reply says so', async () => {
    const reply = await run(PEOPLE.raj.id, `org show <@${PEOPLE.leo.id}>`);
    expect(reply.text).toContain('<@UREP0003> is not in the org chart');
  });

  test('When an admin removes a leader who still has reports, then it is refused; a rep is removed', async () => {
    const refused = await run(PEOPLE.admin.id, `org remove <@${PEOPLE.ann.id}>`);
    expect(refused.text).toContain('Ann Lee still leads <@UREP0001>');
    const removed = await run(PEOPLE.admin.id, `org remove <@${PEOPLE.raj.id}>`);
    expect(removed.text).toContain('Removed <@UREP0001>');
    expect((await chart()).map((r) => r[0])).not.toContain(PEOPLE.raj.id);
    await run(PEOPLE.admin.id, `org set <@${PEOPLE.raj.id}> rep reports-to <@${PEOPLE.ann.id}>`);
  });

  test('When a request has a bad signature or an old timestamp, then it gets 401 and changes nothing', async () => {
    const before = await chart();
    const body = new URLSearchParams({
      team_id: app.teamId,
      user_id: PEOPLE.admin.id,
      command: '/cascade',
      text: `org remove <@${PEOPLE.raj.id}>`,
      response_url: slack.responseUrl('forged'),
      trigger_id: 't',
    }).toString();
    const forged = await app.post(body, 'application/x-www-form-urlencoded', { secret: 'not-the-signing-secret-at-all' });
    expect(forged.status).toBe(401);
    const old = await app.post(body, 'application/x-www-form-urlencoded', { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
    expect(old.status).toBe(401);
    // A signed command after them is answered: the forged and stale ones, sent before it, answered nothing.
    const { responseId } = await app.command(PEOPLE.admin.id, 'help');
    await app.reply(responseId);
    expect(slack.callsTo('response_url').filter((c) => c.args.id === 'forged')).toHaveLength(0);
    expect(await chart()).toEqual(before);
  });

  test('When /healthz and /readyz are asked, then both answer 200', async () => {
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${app.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });
});
