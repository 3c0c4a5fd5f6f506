import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import { publishHome } from '../../home';
import type { SlackDeps } from '../../deps';

type Args = AllMiddlewareArgs & SlackEventMiddlewareArgs<'app_home_opened'>;

export const appHomeOpened =
  (deps: SlackDeps) =>
  async ({ event, body, client }: Args) => {
    if (event.tab !== 'home') return;
    await publishHome(deps, client, (body as { team_id: string }).team_id, [event.user]);
  };
