import { createHmac, randomBytes } from 'node:crypto';

/*
 * The requests Slack sends an app, as Slack shapes and signs them: one implementation for the stand-in (the
 * sandbox) and for the tests that play Slack.
 */

/** Slack's v0 signature of a request body: HMAC-SHA256 of `v0:{timestamp}:{body}` with the signing secret. */
export function signedHeaders(secret: string, body: string, timestamp = Math.floor(Date.now() / 1000)): Record<string, string> {
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  return { 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': signature };
}

/**
 * Where a request comes from on Enterprise Grid: the enterprise of the workspace, and whether Cascade's install is
 * org-wide (one install for every workspace of the enterprise). Absent: a workspace outside any enterprise.
 */
interface Grid {
  enterpriseId?: string;
  orgWide?: boolean;
}

/** A slash command's form body (`/cascade <text>`), with the response_url and trigger_id it carries. */
export function slashCommandBody(
  c: {
    teamId: string;
    userId: string;
    text: string;
    channel?: string;
    responseUrl: string;
    triggerId: string;
  } & Grid,
): string {
  return new URLSearchParams({
    ...(c.enterpriseId ? { enterprise_id: c.enterpriseId, enterprise_name: c.enterpriseId } : {}),
    token: 'legacy-verification-token',
    team_id: c.teamId,
    team_domain: 'cascade',
    channel_id: c.channel ?? `D${c.userId}`,
    channel_name: 'directmessage',
    user_id: c.userId,
    user_name: c.userId.toLowerCase(),
    command: '/cascade',
    text: c.text,
    api_app_id: 'A0CASCADE',
    is_enterprise_install: c.orgWide ? 'true' : 'false',
    response_url: c.responseUrl,
    trigger_id: c.triggerId,
  }).toString();
}

/** An interaction payload (block_actions, view_submission) as the form body Slack posts. */
export function interactionBody(payload: Record<string, unknown>): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** What every interaction payload carries: its type, who acted in which workspace, and the trigger to open a modal. */
function interaction(type: string, i: { teamId: string; userId: string; triggerId: string } & Grid): Record<string, unknown> {
  return {
    type,
    ...(i.enterpriseId ? { enterprise: { id: i.enterpriseId, name: i.enterpriseId } } : {}),
    is_enterprise_install: i.orgWide === true,
    team: { id: i.teamId, domain: 'cascade' },
    user: { id: i.userId, team_id: i.teamId, name: i.userId.toLowerCase() },
    api_app_id: 'A0CASCADE',
    token: 'legacy-verification-token',
    trigger_id: i.triggerId,
  };
}

/** A press, pick or date in a message (with its response_url) or in a view. */
export function blockActions(
  a: {
    teamId: string;
    userId: string;
    triggerId: string;
    action: Record<string, unknown>;
    message?: { channel: string; ts: string; responseUrl: string };
    view?: { id: string; view: Record<string, unknown> };
  } & Grid,
): Record<string, unknown> {
  return {
    ...interaction('block_actions', a),
    ...(a.view
      ? { container: { type: 'view', view_id: a.view.id }, view: a.view.view }
      : {
          response_url: a.message?.responseUrl ?? '',
          channel: { id: a.message?.channel ?? `D${a.userId}` },
          container: { type: 'message', message_ts: a.message?.ts ?? '', channel_id: a.message?.channel ?? `D${a.userId}` },
          message: { ts: a.message?.ts ?? '', text: '' },
        }),
    actions: [a.action],
  };
}

/** A modal's submission, with its inputs' state as Slack sends it (block id → action id → value). */
export function viewSubmission(
  s: {
    teamId: string;
    userId: string;
    triggerId: string;
    view: Record<string, unknown> & { id: string; hash?: string };
    values: Record<string, Record<string, unknown>>;
  } & Grid,
): Record<string, unknown> {
  return {
    ...interaction('view_submission', s),
    view: {
      type: 'modal',
      title: { type: 'plain_text', text: 'x' },
      blocks: [],
      ...s.view,
      team_id: s.teamId,
      hash: s.view.hash ?? `${Date.now()}.${randomBytes(4).toString('hex')}`,
      state: { values: s.values },
    },
  };
}

/** An Events API envelope (app_home_opened, user_change …), with a fresh event_id unless one is given. */
export function eventBody(e: { teamId: string; event: Record<string, unknown>; eventId?: string } & Grid): string {
  return JSON.stringify({
    token: 'legacy-verification-token',
    team_id: e.teamId,
    ...(e.enterpriseId ? { enterprise_id: e.enterpriseId } : {}),
    api_app_id: 'A0CASCADE',
    event: e.event,
    type: 'event_callback',
    event_id: e.eventId ?? `Ev${randomBytes(6).toString('hex').toUpperCase()}`,
    event_time: Math.floor(Date.now() / 1000),
    // An org-wide install is authorised for the enterprise, not for one workspace.
    authorizations: [
      {
        enterprise_id: e.enterpriseId ?? null,
        team_id: e.orgWide ? null : e.teamId,
        user_id: 'UBOT',
        is_bot: true,
        is_enterprise_install: e.orgWide === true,
      },
    ],
  });
}
