import { Writable } from 'node:stream';
import { loadConfig, secretsOf } from '../src/config';
import { webApi } from '@slack/bolt';
import { boltLogger, createLog } from '../src/log';
import { SlackStandIn } from '../src/slack/stand-in/slack';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, stream };
}

describe('Secrets never reach a log', () => {
  const result = loadConfig(
    {
      SLACK_BOT_TOKEN: 'xoxb-1111-2222-SECRETBOT',
      SLACK_SIGNING_SECRET: 'signing-secret-value-1234',
      DATABASE_URL: 'postgres://cascade:pg-pass-9876@db:5432/cascade',
    },
    { requireSlack: true },
  );
  if (!result.ok) throw new Error('config');
  const config = result.config;

  test('When tokens and secrets are logged as fields, strings, errors or the config itself, then none of them is written', () => {
    const { lines, stream } = capture();
    const log = createLog({ level: 'debug', secrets: secretsOf(config), destination: stream });
    log.info({ token: config.slack.botToken, nested: { signingSecret: config.slack.signingSecret } }, 'fields');
    log.info({ config }, 'the whole config');
    log.info(`a string with ${config.slack.botToken} and an app token xapp-1-A0AAA-12345678`);
    log.error({ err: new Error(`Slack said no to ${config.slack.botToken}`) }, 'an error');
    log.warn(
      { req: { headers: { 'x-slack-signature': 'v0=abcdef0123456789', authorization: `Bearer ${config.slack.botToken}` } } },
      'headers',
    );
    log.info(`connecting with pg-pass-9876`);
    boltLogger(log).error('bolt says', config.slack.signingSecret, { token: config.slack.botToken });

    const all = lines.join('');
    expect(lines).toHaveLength(7);
    for (const secret of [
      'xoxb-1111-2222-SECRETBOT',
      'signing-secret-value-1234',
      'pg-pass-9876',
      'xapp-1-A0AAA-12345678',
      'v0=abcdef0123456789',
    ]) {
      expect(all).not.toContain(secret);
    }
    expect(all).toContain('[Redacted]');
    expect(all).toContain('Slack said no to [Redacted]');
  });
});

describe('What people wrote stays out of debug logs unless LOG_BODIES=on', () => {
  const PRIVATE = 'Raj is on a PIP, keep it between us';

  const postThrough = async (bodies: boolean) => {
    const slack = await new SlackStandIn().start();
    const { lines, stream } = capture();
    try {
      const log = createLog({ level: 'trace', destination: stream, bodies });
      const client = new webApi.WebClient('xoxb-test', { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 }, logger: boltLogger(log) });
      await client.chat.postMessage({
        channel: 'D1',
        text: PRIVATE,
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: PRIVATE } }],
      });
      await client.views.publish({
        user_id: 'U1',
        view: { type: 'home', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: PRIVATE } }] },
      });
      // Bolt logs an incoming payload at debug as one JSON string; a form body as it came.
      boltLogger(log).debug(
        JSON.stringify({
          type: 'view_submission',
          view: { private_metadata: '{}', state: { values: { private_note: { value: { value: PRIVATE } } } } },
        }),
      );
      boltLogger(log).debug(`command=%2Fcascade&text=${encodeURIComponent(`held <@U1> private "${PRIVATE}"`)}&user_id=U1`);
      log.debug({ shared_note: PRIVATE, err: new Error('a message that stays') }, 'a held note');
      return lines.join('');
    } finally {
      await slack.stop();
    }
  };

  test('When Web API calls and incoming payloads are logged at trace with LOG_BODIES off, then no message text, view or note is written, and the rest is', async () => {
    const all = await postThrough(false);
    expect(all).toContain('http request body');
    expect(all).toContain('chat.postMessage');
    expect(all).toContain('[text]');
    expect(all).toContain('a message that stays');
    expect(all).not.toContain('PIP');
  });

  test('When LOG_BODIES=on, then the bodies are written in full', async () => {
    expect(await postThrough(true)).toContain('Raj is on a PIP');
  });
});
