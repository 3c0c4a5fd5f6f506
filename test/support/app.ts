import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { loadConfig, secretsOf, type Config } from '../../src/config';
import { startCascade, type RunningCascade } from '../../src/index';
import { createLog, type Log } from '../../src/log';
import type { SlackStandIn } from '../../src/slack/stand-in/slack';
import {
  blockActions,
  eventBody,
  interactionBody,
  signedHeaders,
  slashCommandBody,
  viewSubmission as slackViewSubmission,
} from '../../src/slack/stand-in/requests';
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

/** Where a request comes from, when not the stand-in's own workspace: another install, or a workspace of an enterprise. */
interface From {
  teamId?: string;
  enterpriseId?: string;
  orgWide?: boolean;
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
  post(
    body: string,
    contentType: string,
    options?: { timestamp?: number; secret?: string; headers?: Record<string, string> },
  ): Promise<Response>;
  /** A `/cascade …` slash command from `userId`; resolves to the HTTP response and the response_url id. */
  command(userId: string, text: string, options?: { triggerId?: string } & From): Promise<{ res: Response; responseId: string }>;
  /** The ephemeral answer the command posted to its response_url. */
  reply(responseId: string): Promise<{ text: string; blocks?: any[]; response_type?: string }>;
  interaction(payload: Record<string, unknown>): Promise<Response>;
  event(event: Record<string, unknown>, options?: { eventId?: string } & From): Promise<Response>;
  stop(): Promise<void>;
}

export async function startTestApp(options: {
  db: TestDb;
  slack: SlackStandIn;
  admins?: string[];
  clock?: Clock;
  env?: Record<string, string>;
  wake?: boolean;
}): Promise<TestApp> {
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
      ...(options.env ?? {}),
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
    ...(options.wake ? { wake: true } : {}),
    slack: { retries: 0, timeoutMs: 3000 },
  });
  const url = `http://127.0.0.1:${running.port}`;
  let responses = 0;

  const post: TestApp['post'] = (body, contentType, opts = {}) =>
    fetch(`${url}/slack/events`, {
      method: 'POST',
      headers: {
        'content-type': contentType,
        ...signedHeaders(opts.secret ?? signingSecret, body, opts.timestamp),
        ...(opts.headers ?? {}),
      },
      body,
    });

  const teamId = running.teamId ?? slack.teamId;
  const from = (o: From): From => ({
    ...(o.teamId ? { teamId: o.teamId } : {}),
    ...(o.enterpriseId ? { enterpriseId: o.enterpriseId } : {}),
    ...(o.orgWide ? { orgWide: true } : {}),
  });
  const app: TestApp = {
    url,
    config,
    running,
    logs,
    log,
    signingSecret,
    teamId,
    post,
    async command(userId, text, opts = {}) {
      const responseId = `r${++responses}`;
      const body = slashCommandBody({
        teamId,
        ...from(opts),
        userId,
        text,
        responseUrl: slack.responseUrl(responseId),
        triggerId: opts.triggerId ?? `trigger-${responseId}`,
      });
      const res = await post(body, 'application/x-www-form-urlencoded');
      // An answer in the acknowledgement is shown by Slack as one posted to the response_url.
      slack.commandAnswered(responseId, await res.clone().text());
      return { res, responseId };
    },
    async reply(responseId) {
      const [call] = await slack.waitFor('response_url', { where: (c) => c.args.id === responseId });
      return call!.args as { text: string; blocks?: any[]; response_type?: string };
    },
    interaction(payload) {
      return post(interactionBody(payload), 'application/x-www-form-urlencoded');
    },
    event(event, opts = {}) {
      const body = eventBody({ teamId, ...from(opts), event, ...(opts.eventId ? { eventId: opts.eventId } : {}) });
      return post(body, 'application/json');
    },
    stop: () => running.stop(),
  };
  return app;
}

/** A view_submission payload for a modal, with its state values as Slack sends them. */
export function viewSubmission(
  app: TestApp,
  userId: string,
  view: { id?: string; callback_id: string; private_metadata?: string; values: Record<string, Record<string, unknown>> },
) {
  return slackViewSubmission({
    teamId: app.teamId,
    userId,
    triggerId: 'trigger-view',
    // Each window Slack opens has an id of its own: a submission of another window is never the same one.
    view: {
      id: view.id ?? `V${randomBytes(5).toString('hex').toUpperCase()}`,
      callback_id: view.callback_id,
      private_metadata: view.private_metadata ?? '',
    },
    values: view.values,
  });
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
  return app.interaction(
    blockActions({
      teamId: app.teamId,
      userId: press.userId,
      triggerId: `trigger-${press.id}`,
      message: { channel, ts: '1', responseUrl: slack.responseUrl(press.id) },
      action: {
        type: 'button',
        action_id: press.actionId,
        block_id: press.blockId ?? 'checkin_actions',
        value: press.value,
        action_ts: '1',
      },
    }),
  );
}
