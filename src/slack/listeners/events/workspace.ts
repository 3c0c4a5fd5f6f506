import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import { updateProfile } from '../../../org/people';
import { markUninstalled } from '../../../db/retention';
import { teamOfRequest, type SlackDeps } from '../../deps';
import { toDirectoryUser } from '../../directory';

type EventArgs<E extends string> = AllMiddlewareArgs & SlackEventMiddlewareArgs<E>;

/**
 * Uninstalling the app: nothing more is planned or sent, the CRM's credentials go at once, and the workspace's
 * data is purged after PURGE_AFTER_DAYS unless the app is installed again.
 */
export const appUninstalled = (deps: SlackDeps) => async (args: EventArgs<'app_uninstalled'>) => {
  const teamId = teamOfRequest(args);
  await markUninstalled(deps.db, teamId, deps.clock.now());
  deps.log.warn({ teamId }, 'app uninstalled: nothing more is sent; the workspace data is purged after the grace period');
};

export const tokensRevoked = (deps: SlackDeps) => async (args: EventArgs<'tokens_revoked'>) => {
  const { event } = args;
  const teamId = teamOfRequest(args);
  if ((event.tokens.bot ?? []).length === 0) return;
  await markUninstalled(deps.db, teamId, deps.clock.now());
  deps.log.warn({ teamId }, 'bot token revoked: nothing more is sent; the workspace data is purged after the grace period');
};

/** Keeps names and time zones current between daily refreshes; unknown users are ignored. */
export const userChange = (deps: SlackDeps) => async (args: EventArgs<'user_change'>) => {
  const { event } = args;
  const user = toDirectoryUser(event.user as Parameters<typeof toDirectoryUser>[0]);
  if (!user.id) return;
  // The status comes with the event: a prompt falling due reads it from here instead of asking Slack.
  const status = { text: user.statusText, emoji: user.statusEmoji, expiration: user.statusExpiration ?? 0 };
  await updateProfile(deps.db, teamOfRequest(args), user.id, { name: user.name, tz: user.tz, email: user.email, status }, deps.clock.now());
};
