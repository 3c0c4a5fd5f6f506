import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import { deleteWorkspace, updateProfile } from '../../../org/people';
import type { SlackDeps } from '../../deps';
import { toDirectoryUser } from '../../directory';

type EventArgs<E extends string> = AllMiddlewareArgs & SlackEventMiddlewareArgs<E>;
const teamOf = (body: unknown) => (body as { team_id: string }).team_id;

/** Uninstalling the app removes the workspace's data: Cascade keeps nothing it can no longer act on. */
export const appUninstalled =
  (deps: SlackDeps) =>
  async ({ body }: EventArgs<'app_uninstalled'>) => {
    const teamId = teamOf(body);
    await deleteWorkspace(deps.db, teamId);
    deps.log.warn({ teamId }, 'app uninstalled: workspace data deleted');
  };

export const tokensRevoked =
  (deps: SlackDeps) =>
  async ({ event, body }: EventArgs<'tokens_revoked'>) => {
    const teamId = teamOf(body);
    if ((event.tokens.bot ?? []).length === 0) return;
    await deleteWorkspace(deps.db, teamId);
    deps.log.warn({ teamId }, 'bot token revoked: workspace data deleted');
  };

/** Keeps names and time zones current between daily refreshes; unknown users are ignored. */
export const userChange =
  (deps: SlackDeps) =>
  async ({ event, body }: EventArgs<'user_change'>) => {
    const user = toDirectoryUser(event.user as Parameters<typeof toDirectoryUser>[0]);
    if (!user.id) return;
    // The status comes with the event: a prompt falling due reads it from here instead of asking Slack.
    const status = { text: user.statusText, emoji: user.statusEmoji, expiration: user.statusExpiration ?? 0 };
    await updateProfile(deps.db, teamOf(body), user.id, { name: user.name, tz: user.tz, email: user.email, status }, deps.clock.now());
  };
