import type { webApi } from '@slack/bolt';
import { whereYouStand } from '../accountability/standing';
import { scopeFor } from './deps';
import { homeView } from './blocks/home';
import type { SlackDeps } from './deps';

/**
 * Publishes App Home for each person, after anything that changes what it shows. A failure is logged
 * and never fails the action that caused it.
 */
export async function publishHome(deps: SlackDeps, client: webApi.WebClient, teamId: string, userIds: readonly string[]): Promise<void> {
  for (const userId of new Set(userIds)) {
    try {
      const view = homeView(await whereYouStand(await scopeFor(deps, teamId, userId)));
      await client.views.publish({ user_id: userId, view });
    } catch (err) {
      deps.log.warn({ err, user: userId }, 'could not publish App Home');
    }
  }
}
