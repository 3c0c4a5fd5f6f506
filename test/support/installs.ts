import { randomBytes } from 'node:crypto';
import type { TestApp } from './app';
import type { SlackStandIn } from '../../src/slack/stand-in/slack';
import type { PendingInstall } from '../../src/slack/stand-in/oauth';

export const CLIENT_ID = '1234567890.9876543210';
export const CLIENT_SECRET = 'cascade-client-secret-0123456789';

/** The environment of a deployment that installs by OAuth: no bot token; the three variables and the key. */
export function oauthEnv(key = randomBytes(32).toString('hex')): Record<string, string> {
  return {
    SLACK_BOT_TOKEN: '',
    SLACK_CLIENT_ID: CLIENT_ID,
    SLACK_CLIENT_SECRET: CLIENT_SECRET,
    SLACK_STATE_SECRET: 'cascade-state-secret-0123456789',
    CASCADE_ENCRYPTION_KEY: key,
  };
}

/** Tells the stand-in about the Slack app (its client id and secret) and where it sends installers back to. */
export function registerApp(slack: SlackStandIn, app: TestApp): void {
  slack.oauth.app = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUrl: `${app.url}/slack/oauth_redirect` };
}

/**
 * "Add to Slack" as a browser does it: `/slack/install` (the page with the button and the state cookie), Slack's
 * authorisation page (which the stand-in allows for `install`), and back to `/slack/oauth_redirect` with the code,
 * the state and the cookie. Resolves to the page Cascade shows at the end.
 */
export async function addToSlack(app: TestApp, slack: SlackStandIn, install: PendingInstall): Promise<{ status: number; page: string }> {
  const start = await fetch(`${app.url}/slack/install`);
  const page = await start.text();
  if (start.status !== 200) throw new Error(`/slack/install answered ${start.status}`);
  const cookie = (start.headers.get('set-cookie') ?? '').split(';')[0]!;
  const href = /<a class="add" href="([^"]+)"/.exec(page)?.[1]?.replace(/&amp;/g, '&');
  if (!href) throw new Error('no "Add to Slack" link on /slack/install');
  slack.oauth.willInstall(install);
  const allowed = await fetch(href, { redirect: 'manual' });
  const back = allowed.headers.get('location');
  if (allowed.status !== 302 || !back)
    throw new Error(`the authorisation page ${href} answered ${allowed.status}: ${await allowed.text()}`);
  const done = await fetch(back, { headers: { cookie }, redirect: 'manual' });
  return { status: done.status, page: await done.text() };
}
