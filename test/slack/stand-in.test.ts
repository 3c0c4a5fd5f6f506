import { webApi } from '@slack/bolt';
import { blockProblems, viewProblems } from '../../src/slack/stand-in/rules';
import { SlackStandIn } from '../../src/slack/stand-in/slack';

let slack: SlackStandIn;
let client: webApi.WebClient;

beforeAll(async () => {
  slack = await new SlackStandIn().start();
  // Refusals are what these tests expect: the client's own error log would only be noise.
  const quiet = {
    debug: () => {},
    info: () => {},
    warn: () => {},
    error: () => {},
    setLevel: () => {},
    getLevel: () => webApi.LogLevel.ERROR,
    setName: () => {},
  };
  client = new webApi.WebClient('xoxb-stand-in', {
    slackApiUrl: slack.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    logger: quiet,
  });
});

afterAll(() => slack?.stop());

const section = (text = 'x') => ({ type: 'section', text: { type: 'mrkdwn', text } });
const failure = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (err: { data?: { error?: string } }) => err.data?.error ?? String(err),
  );

describe('The Slack stand-in keeps Slack’s rules', () => {
  test('When a message breaks a Block Kit limit, then it is refused whole with invalid_blocks, as Slack does; at the limit it is accepted', async () => {
    expect(
      await failure(client.chat.postMessage({ channel: 'UREP1', text: 'x', blocks: Array.from({ length: 50 }, () => section()) as any })),
    ).toBe('ok');
    expect(
      await failure(client.chat.postMessage({ channel: 'UREP1', text: 'x', blocks: Array.from({ length: 51 }, () => section()) as any })),
    ).toBe('invalid_blocks');
    expect(await failure(client.chat.postMessage({ channel: 'UREP1', text: 'x', blocks: [section('y'.repeat(3001))] as any }))).toBe(
      'invalid_blocks',
    );
    expect(
      await failure(
        client.chat.update({
          channel: 'DREP1',
          ts: '1.1',
          text: 'x',
          blocks: [{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }] as any,
        }),
      ),
    ).toBe('invalid_blocks');
  });

  test('When a view breaks a limit, then views.open, update and publish refuse it with invalid_arguments', async () => {
    const modal = (extra: Record<string, unknown>) =>
      ({ type: 'modal', title: { type: 'plain_text', text: 'Your check-in' }, blocks: [section()], ...extra }) as any;
    expect(await failure(client.views.open({ trigger_id: 't', view: modal({}) }))).toBe('ok');
    expect(
      await failure(
        client.views.open({ trigger_id: 't', view: modal({ title: { type: 'plain_text', text: 'A title that is far too long' } }) }),
      ),
    ).toBe('invalid_arguments');
    expect(await failure(client.views.update({ view_id: 'V1', view: modal({ private_metadata: 'm'.repeat(3001) }) }))).toBe(
      'invalid_arguments',
    );
    expect(
      await failure(
        client.views.publish({ user_id: 'U1', view: { type: 'home', blocks: Array.from({ length: 101 }, () => section()) } as any }),
      ),
    ).toBe('invalid_arguments');
  });

  test('The rules name each problem: buttons, selects and their options', () => {
    const button = { type: 'actions', elements: [{ type: 'button', action_id: 'a', text: { type: 'plain_text', text: 'b'.repeat(76) } }] };
    const select = {
      type: 'input',
      label: { type: 'plain_text', text: 'Pick' },
      element: {
        type: 'static_select',
        action_id: 's',
        options: Array.from({ length: 101 }, (_, i) => ({
          text: { type: 'plain_text', text: i === 3 ? 'o'.repeat(76) : `o${i}` },
          value: `${i}`,
        })),
      },
    };
    expect(blockProblems([button, select], 50)).toEqual([
      'blocks[0].elements[0]: button text longer than 75 characters',
      'blocks[1].element: 101 options, at most 100',
      'blocks[1].element.options[3]: text longer than 75 characters',
    ]);
    expect(viewProblems({ type: 'modal', title: { type: 'plain_text', text: 'ok' }, blocks: [] })).toEqual([]);
  });

  test('When Cascade uploads into a channel, then it must be a member: a public one after joining, a private one only when invited', async () => {
    slack.addChannel({ id: 'GPRIVATE', private: true }, { id: 'GINVITED', private: true, member: true }, { id: 'COLD', archived: true });
    const upload = (channel: string) =>
      failure(client.files.completeUploadExternal({ files: [{ id: 'F1', title: 'chart' }], channel_id: channel }));
    expect(await upload('CPUBLIC')).toBe('not_in_channel');
    expect(await failure(client.chat.postMessage({ channel: 'CPUBLIC', text: 'posting needs no membership (chat:write.public)' }))).toBe(
      'ok',
    );
    expect(await failure(client.conversations.join({ channel: 'CPUBLIC' }))).toBe('ok');
    expect(await upload('CPUBLIC')).toBe('ok');
    expect(await failure(client.conversations.join({ channel: 'GPRIVATE' }))).toBe('channel_not_found');
    expect(await failure(client.chat.postMessage({ channel: 'GPRIVATE', text: 'x' }))).toBe('channel_not_found');
    expect(await upload('GPRIVATE')).toBe('channel_not_found');
    expect(await failure(client.conversations.join({ channel: 'GINVITED' }))).toBe('method_not_supported_for_channel_type');
    expect(await upload('GINVITED')).toBe('ok');
    expect(await failure(client.conversations.join({ channel: 'COLD' }))).toBe('is_archived');
    expect(await upload(`D${'UREP1'}`)).toBe('ok');
  });

  test('When a test sets a rate ceiling, then calls beyond it in a minute get 429 with Retry-After until the window moves', async () => {
    let now = Date.UTC(2026, 10, 30, 10);
    slack.rateCeiling('chat.postMessage', 3, () => now);
    const post = () =>
      client.chat.postMessage({ channel: 'UREP1', text: 'x' }).then(
        () => 'ok',
        (err: { code?: string; retryAfter?: number }) => `${err.code}:${err.retryAfter}`,
      );
    expect([await post(), await post(), await post()]).toEqual(['ok', 'ok', 'ok']);
    now += 20_000;
    expect(await post()).toBe('slack_webapi_rate_limited_error:40');
    now += 40_000;
    expect(await post()).toBe('ok');
    slack.rateCeiling('chat.postMessage', undefined);
  });
});
