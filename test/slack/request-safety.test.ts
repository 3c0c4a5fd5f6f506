import { checkRequest } from '../../src/slack/receiver';
import type { TestApp } from '../support/app';
import { useFixture } from '../support/cascade';
import type { SlackStandIn } from '../../src/slack/stand-in/slack';
import { PEOPLE } from '../support/org-fixture';

let slack: SlackStandIn;
let app: TestApp;

const f = useFixture({ org: 'none', workingHours: 'default' });

beforeAll(async () => {
  ({ slack, app } = f);
});

const FORM = 'application/x-www-form-urlencoded';

describe('No request takes the process down', () => {
  test.each([
    ['a form whose payload is JSON null', 'payload=null', FORM],
    ['a form whose payload is an array', 'payload=%5B%5D', FORM],
    ['a form whose payload is a number', 'payload=42', FORM],
    ['a form whose payload is a string', 'payload=%22x%22', FORM],
    ['a JSON body that is null', 'null', 'application/json'],
    ['a JSON body that is an array', '[]', 'application/json'],
    ['a JSON body that is a number', '7', 'application/json'],
    ['a body that is not JSON', '{"type":', 'application/json'],
  ])('When a correctly signed request carries %s, then it gets a 4xx and Cascade keeps answering', async (_name, body, type) => {
    const res = await app.post(body, type);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    const { responseId } = await app.command(PEOPLE.raj.id, 'help');
    expect((await app.reply(responseId)).text).toContain('Cascade');
  });

  test('When a browser or a scanner asks for a path Cascade does not serve, then it gets a 404 and nothing is logged as an error', async () => {
    const errorsBefore = app.logs.lines.filter((l) => l.level >= 50).length;
    for (const path of ['/favicon.ico', '/wp-login.php', '/slack/nothing']) expect((await fetch(`${app.url}${path}`)).status).toBe(404);
    expect(
      (await fetch(`${app.url}/favicon.ico`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })).status,
    ).toBe(404);
    expect(app.logs.lines.filter((l) => l.level >= 50).length).toBe(errorsBefore);
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
  });

  test('When a request is stamped more than five minutes in the future, then it is refused like an old one and nothing runs', async () => {
    slack.reset();
    const future = Math.floor(Date.now() / 1000) + 6 * 60;
    const body = new URLSearchParams({
      command: '/cascade',
      text: 'help',
      user_id: PEOPLE.raj.id,
      team_id: app.teamId,
      response_url: slack.responseUrl('future'),
      trigger_id: 't',
    }).toString();
    const res = await app.post(body, FORM, { timestamp: future });
    expect(res.status).toBe(401);
    const old = await app.post(body, FORM, { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
    expect(old.status).toBe(401);
    // Within the five minutes, either way, it is accepted; once its answer is in, the refused ones have had their chance to answer too.
    const near = await app.post(body, FORM, { timestamp: Math.floor(Date.now() / 1000) + 60 });
    expect(near.status).toBe(200);
    slack.commandAnswered('future', await near.clone().text());
    await slack.waitFor('response_url');
    expect(slack.callsTo('response_url')).toHaveLength(1);
  });

  test('The check itself: an object passes; null, arrays, numbers and future stamps do not', () => {
    const now = Date.UTC(2026, 10, 28, 12);
    const s = String(now / 1000);
    expect(checkRequest('{"type":"event_callback"}', 'application/json', s, now)).toEqual({ ok: true });
    expect(checkRequest('payload=%7B%7D', FORM, s, now)).toEqual({ ok: true });
    expect(checkRequest('command=%2Fcascade&text=help', FORM, s, now)).toEqual({ ok: true });
    expect(checkRequest('ssl_check=1', FORM, undefined, now)).toEqual({ ok: true });
    expect(checkRequest('null', 'application/json', s, now)).toMatchObject({ ok: false, status: 400 });
    expect(checkRequest('payload=null', FORM, s, now)).toMatchObject({ ok: false, status: 400 });
    expect(checkRequest('{}', 'application/json', String(now / 1000 + 301), now)).toMatchObject({ ok: false, status: 401 });
    expect(checkRequest('{}', 'application/json', String(now / 1000 + 299), now)).toEqual({ ok: true });
  });
});
