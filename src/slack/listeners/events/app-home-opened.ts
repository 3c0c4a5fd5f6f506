import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import { publishHome } from '../../home';
import { teamOfRequest, type SlackDeps } from '../../deps';

type Args = AllMiddlewareArgs & SlackEventMiddlewareArgs<'app_home_opened'>;

export const appHomeOpened = (deps: SlackDeps) => async (args: Args) => {
  const { event, client } = args;
  if (event.tab !== 'home') return;
  await publishHome(deps, client, teamOfRequest(args), [event.user]);
};
