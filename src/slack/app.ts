import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Server } from 'node:http';
import { App, type CustomRoute, type HTTPReceiverOptions, type Installation, type webApi } from '@slack/bolt';
import { BOT_SCOPES, type Installations } from './installations';
import { installedPage, installPage, notInstalledPage } from './install-pages';
import { sql } from 'kysely';
import type { Config } from '../config';
import { firstTimeSeen } from '../db/slack-events';
import { boltLogger } from '../log';
import { teamOfRequest, type SlackDeps } from './deps';
import { IDS } from './ids';
import { guardedReceiver } from './receiver';
import { guarded } from './listeners/guard';
import { cascadeCommand } from './listeners/commands/cascade';
import { appHomeOpened } from './listeners/events/app-home-opened';
import { appUninstalled, tokensRevoked, userChange } from './listeners/events/workspace';
import { submitOrgImportView } from './listeners/views/org-import';
import { answerCheckInAction, submitCheckInView } from './listeners/actions/answer';
import { skipCheckInAction, snoozeCheckInAction, submitSkipView } from './listeners/actions/moves';
import {
  commitmentDoneAction,
  homeCommitAction,
  homeFlagAction,
  homeProgressAction,
  submitHomeCommit,
  submitHomeFlag,
  submitHomeProgress,
} from './listeners/actions/home';
import {
  ackAction,
  agendaAction,
  answerReplyAction,
  replyAction,
  submitAgendaView,
  submitAnswerReplyView,
  submitHeldView,
  submitReplyView,
  topicDoneAction,
} from './listeners/actions/conversation';

export interface SlackAppOptions {
  /** Web API retries; a failing call never retries forever. */
  readonly retries: number;
  /** Web API request timeout, milliseconds. */
  readonly timeoutMs: number;
}

export const DEFAULT_SLACK_OPTIONS: SlackAppOptions = { retries: 3, timeoutMs: 10_000 };

/** WebClient options shared by the app and the CLI: our API base, bounded retries, a timeout. */
export function webClientOptions(config: Config, options: SlackAppOptions): webApi.WebClientOptions {
  return {
    ...(config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl } : {}),
    retryConfig: { retries: options.retries, factor: 2, minTimeout: 500, maxTimeout: 5000 },
    timeout: options.timeoutMs,
  };
}

/**
 * The Bolt app with every listener registered, HTTP or Socket Mode as configured. Long on purpose: the
 * registrations are a table (an id, its listener), and one place is where a reader finds what answers what.
 */
export function createSlackApp(
  config: Config,
  deps: SlackDeps,
  options: SlackAppOptions = DEFAULT_SLACK_OPTIONS,
  extraRoutes: readonly CustomRoute[] = [],
  installations?: Installations,
): App {
  const clientOptions = webClientOptions(config, options);
  const customRoutes: CustomRoute[] = [
    ...extraRoutes,
    { path: '/healthz', method: 'GET', handler: (_req: IncomingMessage, res: ServerResponse) => json(res, 200, { status: 'ok' }) },
    {
      path: '/readyz',
      method: 'GET',
      handler: async (_req: IncomingMessage, res: ServerResponse) => {
        try {
          await sql`select 1`.execute(deps.db);
          json(res, 200, { status: 'ready' });
        } catch {
          json(res, 503, { status: 'database unavailable' });
        }
      },
    },
  ];
  const oauth = config.slack.oauth && installations ? oauthReceiverOptions(config, installations, clientOptions) : {};
  const app = new App({
    // One workspace: its bot token. Many (OAuth): each request is authorised from the installations (Bolt's authorize).
    ...(config.slack.oauth ? {} : { token: config.slack.botToken }),
    logger: boltLogger(deps.log),
    deferInitialization: true,
    clientOptions,
    ...(config.slack.mode === 'socket'
      ? {
          socketMode: true,
          customRoutes,
          appToken: config.slack.appToken,
          // Socket Mode's own client ignores clientOptions and would retry a hundred times: bound it here.
          installerOptions: { port: config.port, clientOptions },
        }
      : {
          receiver: guardedReceiver(
            { signingSecret: config.slack.signingSecret!, port: config.port, customRoutes, logger: boltLogger(deps.log), ...oauth },
            deps.log,
          ),
        }),
  });

  // Slack's retries of an event (and the same event reaching two replicas) are handled once.
  // Kept under the workspace whose data it is (an org-wide install's: the enterprise), so that a purge takes it too.
  app.use(async ({ body, context, next }) => {
    const event = body as { type?: string; event_id?: string };
    if (event.type === 'event_callback' && event.event_id && !(await firstTimeSeen(deps.db, teamOfRequest({ context }), event.event_id))) {
      deps.log.debug({ eventId: event.event_id }, 'event already handled; ignoring the retry');
      return;
    }
    await next();
  });

  // Every listener is acknowledged once, in time, and with words when it fails (listeners/guard.ts).
  const command = (id: string, handler: (args: any) => Promise<void>) => app.command(id, guarded(deps, 'command', id, handler));
  const view = (id: string, handler: (args: any) => Promise<void>) => app.view(id, guarded(deps, 'view', id, handler));
  const action = (id: string, handler: (args: any) => Promise<void>) => app.action(id, guarded(deps, 'action', id, handler));

  command(IDS.command, cascadeCommand(deps));
  view(IDS.orgImport.callbackId, submitOrgImportView(deps));
  action(IDS.prompt.answer, answerCheckInAction(deps));
  view(IDS.answer.callbackId, submitCheckInView(deps));
  action(IDS.prompt.snooze, snoozeCheckInAction(deps));
  action(IDS.prompt.skip, skipCheckInAction(deps));
  view(IDS.skip.callbackId, submitSkipView(deps));
  action(IDS.conversation.reply, replyAction(deps));
  action(IDS.conversation.ack, ackAction(deps));
  action(IDS.conversation.agenda, agendaAction(deps));
  action(IDS.conversation.answerReply, answerReplyAction(deps));
  view(IDS.conversation.replyView, submitReplyView(deps));
  view(IDS.conversation.answerView, submitAnswerReplyView(deps));
  view(IDS.conversation.heldView, submitHeldView(deps));
  action(IDS.conversation.topicDone, topicDoneAction(deps));
  view(IDS.conversation.agendaView, submitAgendaView(deps));
  action(IDS.home.commit, homeCommitAction(deps));
  action(IDS.home.progress, homeProgressAction(deps));
  action(IDS.home.flagClose, homeFlagAction(deps));
  action(IDS.commitments.done, commitmentDoneAction(deps));
  view(IDS.home.commitView, submitHomeCommit(deps));
  view(IDS.home.progressView, submitHomeProgress(deps));
  view(IDS.home.flagView, submitHomeFlag(deps));
  app.event('app_home_opened', appHomeOpened(deps));
  app.event('app_uninstalled', appUninstalled(deps));
  app.event('tokens_revoked', tokensRevoked(deps));
  app.event('user_change', userChange(deps));

  app.error(async (error) => {
    deps.log.error({ err: error.original ?? error, code: error.code }, 'unhandled error in a Slack listener');
  });
  return app;
}

/**
 * "Add to Slack" with Bolt's own installer: `/slack/install` shows the button (its state signed with
 * SLACK_STATE_SECRET and tied to the browser by a cookie), `/slack/oauth_redirect` exchanges the code
 * (`oauth.v2.access`) and keeps the install in Postgres. The authorisation page is Slack's, or the stand-in's
 * when SLACK_API_URL points at one (its `/oauth/v2/authorize` beside `/api/`).
 */
function oauthReceiverOptions(
  config: Config,
  installations: Installations,
  clientOptions: webApi.WebClientOptions,
): Partial<HTTPReceiverOptions> {
  const oauth = config.slack.oauth!;
  return {
    clientId: oauth.clientId,
    clientSecret: oauth.clientSecret,
    stateSecret: oauth.stateSecret,
    installationStore: installations.store,
    scopes: [...BOT_SCOPES],
    installerOptions: {
      clientOptions,
      renderHtmlForInstallPath: installPage,
      callbackOptions: {
        success: (installation, _options, _req, res) => installedPage(installation as Installation, res),
        failure: (error, _options, _req, res) => notInstalledPage(error.code, res),
      },
      ...(config.slack.apiUrl ? { authorizationUrl: new URL('../oauth/v2/authorize', config.slack.apiUrl).toString() } : {}),
    },
  };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** `app.start()` resolves to the HTTP server in HTTP mode; its address gives the real port (for PORT=0). */
export function portOf(server: unknown, fallback: number): number {
  const address = (server as Server | undefined)?.address?.();
  return address && typeof address === 'object' ? address.port : fallback;
}
