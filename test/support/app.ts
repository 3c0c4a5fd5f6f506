import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { loadConfig, secretsOf, type Config } from '../../src/config';
import { startCascade, type RunningCascade } from '../../src/index';
import { createLog, type Log } from '../../src/log';
import type { SlackStandIn } from '../../src/slack/stand-in/slack';
import { signedHeaders } from './sign';
import type { TestDb } from './db';
import type { Clock } from '../../src/time/clock';

export const BOT_TOKEN = 'xoxb-test-cascade';

/** Collects every log line the app writes, parsed, so a test can look for what was (not) logged. */
export class LogCapture extends Writable {
  readonly lines: Record<string, any>[] = [];
  readonly raw: string[] = [];
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
      this.raw.push(line);
      this.lines.push(JSON.parse(line));
    }
    done();
  }
}

export interface TestApp {
  readonly url: string;
  readonly config: Config;
  readonly running: RunningCascade;
  readonly logs: LogCapture;
  readonly log: Log;
  readonly signingSecret: string;
  readonly teamId: string;
  /** Posts a body to /slack/events signed as Slack signs it (or not, or with an old timestamp). */
  post(body: string, contentType: string, options?: { timestamp?: number; secret?: string; headers?: Record<string, string> }): Promise<Response>;
  /** A `/cascade …` slash command from `userId`; resolves to the HTTP response and the response_url id. */
  command(userId: string, text: string, options?: { triggerId?: string }): Promise<{ res: Response; responseId: string }>;
  /** The ephemeral answer the command posted to its response_url. */
  reply(responseId: string): Promise<{ text: string; blocks?: any[]; response_type?: string }>;
  interaction(payload: Record<string, unknown>): Promise<Response>;
  event(event: Record<string, unknown>, options?: { eventId?: string }): Promise<Response>;
  stop(): Promise<void>;
}

export async function startTestApp(options: { db: TestDb; slack: SlackStandIn; admins?: string[]; clock?: Clock }): Promise<TestApp> {
  const { db, slack } = options;
  const signingSecret = randomBytes(16).toString('hex');
  const result = loadConfig(
    {
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: signingSecret,
      SLACK_API_URL: slack.apiUrl,
      PORT: '0',
      LOG_LEVEL: 'info',
      CASCADE_ADMINS: (options.admins ?? []).join(','),
    },
    { requireSlack: true },
  );
  if (!result.ok) throw new Error(result.problems.join('\n'));
  const config = result.config;
  const logs = new LogCapture();
  const log = createLog({ level: 'info', secrets: secretsOf(config), destination: logs });
  const running = await startCascade(config, {
    log,
    db,
    clock: options.clock,
    schedules: false,
    slack: { retries: 0, timeoutMs: 3000 },
  });
  const url = `http://127.0.0.1:${running.port}`;
  let responses = 0;

  const post: TestApp['post'] = (body, contentType, opts = {}) =>
    fetch(`${url}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': contentType, ...signedHeaders(opts.secret ?? signingSecret, body, opts.timestamp), ...(opts.headers ?? {}) },
      body,
    });

  const app: TestApp = {
    url,
    config,
    running,
    logs,
    log,
    signingSecret,
    teamId: running.teamId,
    post,
    async command(userId, text, opts = {}) {
      const responseId = `r${++responses}`;
      const body = new URLSearchParams({
        token: 'legacy-verification-token',
        team_id: running.teamId,
        team_domain: 'cascade-test',
        channel_id: `D${userId}`,
        channel_name: 'directmessage',
        user_id: userId,
        user_name: userId.toLowerCase(),
        command: '/cascade',
        text,
        api_app_id: 'A0CASCADE',
        is_enterprise_install: 'false',
        response_url: slack.responseUrl(responseId),
        trigger_id: opts.triggerId ?? `trigger-${responseId}`,
      }).toString();
      const res = await post(body, 'application/x-www-form-urlencoded');
      return { res, responseId };
    },
    async reply(responseId) {
      const [call] = await slack.waitFor('response_url', { where: (c) => c.args.id === responseId });
      return call!.args as { text: string; blocks?: any[]; response_type?: string };
    },
    interaction(payload) {
      const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
      return post(body, 'application/x-www-form-urlencoded');
    },
    event(event, opts = {}) {
      const body = JSON.stringify({
        token: 'legacy-verification-token',
        team_id: running.teamId,
        api_app_id: 'A0CASCADE',
        event,
        type: 'event_callback',
        event_id: opts.eventId ?? `Ev${randomBytes(6).toString('hex').toUpperCase()}`,
        event_time: Math.floor(Date.now() / 1000),
        authorizations: [{ team_id: running.teamId, user_id: 'UBOT', is_bot: true }],
      });
      return post(body, 'application/json');
    },
    stop: () => running.stop(),
  };
  return app;
}

/** A view_submission payload for a modal, with its state values as Slack sends them. */
export function viewSubmission(app: TestApp, userId: string, view: { id?: string; callback_id: string; private_metadata?: string; values: Record<string, Record<string, unknown>> }) {
  return {
    type: 'view_submission',
    team: { id: app.teamId, domain: 'cascade-test' },
    user: { id: userId, team_id: app.teamId, name: userId.toLowerCase() },
    api_app_id: 'A0CASCADE',
    token: 'legacy-verification-token',
    trigger_id: 'trigger-view',
    view: {
      id: view.id ?? 'VSUBMITTED1',
      team_id: app.teamId,
      type: 'modal',
      callback_id: view.callback_id,
      private_metadata: view.private_metadata ?? '',
      state: { values: view.values },
      hash: 'h1',
      title: { type: 'plain_text', text: 'x' },
      blocks: [],
    },
  };
}

/**
 * A button press as Slack sends it (`block_actions`): `id` names both its trigger (`trigger-<id>`, for
 * the views.open it may cause) and its response_url (`<id>`, for the ephemeral answer).
 */
export function pressButton(
  app: TestApp,
  slack: SlackStandIn,
  press: { userId: string; actionId: string; value: string; id: string; channelId?: string; blockId?: string },
): Promise<Response> {
  const channel = press.channelId ?? `D${press.userId}`;
  return app.interaction({
    type: 'block_actions',
    team: { id: app.teamId },
    user: { id: press.userId, team_id: app.teamId },
    api_app_id: 'A0CASCADE',
    token: 't',
    trigger_id: `trigger-${press.id}`,
    response_url: slack.responseUrl(press.id),
    channel: { id: channel },
    container: { type: 'message', message_ts: '1', channel_id: channel },
    message: { ts: '1', text: 'x' },
    actions: [{ type: 'button', action_id: press.actionId, block_id: press.blockId ?? 'checkin_actions', value: press.value, action_ts: '1' }],
  });
}
