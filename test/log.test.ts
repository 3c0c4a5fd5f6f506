import { Writable } from 'node:stream';
import { loadConfig, secretsOf } from '../src/config';
import { boltLogger, createLog } from '../src/log';

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
    { SLACK_BOT_TOKEN: 'xoxb-1111-2222-SECRETBOT', SLACK_SIGNING_SECRET: 'signing-secret-value-1234', DATABASE_URL: 'postgres://cascade:pg-pass-9876@db:5432/cascade' },
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
    log.warn({ req: { headers: { 'x-slack-signature': 'v0=abcdef0123456789', authorization: `Bearer ${config.slack.botToken}` } } }, 'headers');
    log.info(`connecting with pg-pass-9876`);
    boltLogger(log).error('bolt says', config.slack.signingSecret, { token: config.slack.botToken });

    const all = lines.join('');
    expect(lines).toHaveLength(7);
    for (const secret of ['xoxb-1111-2222-SECRETBOT', 'signing-secret-value-1234', 'pg-pass-9876', 'xapp-1-A0AAA-12345678', 'v0=abcdef0123456789']) {
      expect(all).not.toContain(secret);
    }
    expect(all).toContain('[Redacted]');
    expect(all).toContain('Slack said no to [Redacted]');
  });
});
