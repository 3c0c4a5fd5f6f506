import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config';
import { PREFLIGHT_TIMEOUT_MS, startCascade, StartupError } from '../src/index';
import { createLog } from '../src/log';
import { LogCapture } from './support/app';
import { SlackStandIn } from '../src/slack/stand-in/slack';

/**
 * Start-up asks Slack before anything slow. Measured in this process (a spawned process would also measure
 * how long the machine takes to load the code), so a busy machine cannot make it fail.
 */
describe('Start-up fails fast', () => {
  test('When Slack never answers, then start-up gives up within 10 s with one clear reason, and never opens the database', async () => {
    const slack = await new SlackStandIn().start();
    slack.onEvery('auth.test', { delayMs: 60_000 });
    const dir = mkdtempSync(join(tmpdir(), 'cascade-startup-'));
    const dataDir = join(dir, 'data');
    try {
      const result = loadConfig(
        {
          SLACK_BOT_TOKEN: 'xoxb-hanging',
          SLACK_SIGNING_SECRET: 'x'.repeat(32),
          SLACK_API_URL: slack.apiUrl,
          DATA_DIR: dataDir,
          PORT: '0',
        },
        { requireSlack: true },
      );
      if (!result.ok) throw new Error(result.problems.join('\n'));
      const started = Date.now();
      const failure = await startCascade(result.config, {
        log: createLog({ level: 'silent', destination: new LogCapture() }),
        schedules: false,
      }).catch((err: unknown) => err);
      const ms = Date.now() - started;
      expect(failure).toBeInstanceOf(StartupError);
      expect((failure as Error).message).toContain(`Could not reach Slack's Web API at ${slack.apiUrl}`);
      // Two tries of PREFLIGHT_TIMEOUT_MS and a short pause: the budget is the configuration, not the machine.
      expect(2 * PREFLIGHT_TIMEOUT_MS + 1000).toBeLessThan(10_000);
      expect(ms).toBeLessThan(10_000);
      expect(slack.callsTo('auth.test').length).toBe(2);
      expect(existsSync(dataDir)).toBe(false);
    } finally {
      await slack.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
