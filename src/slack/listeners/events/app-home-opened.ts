import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import { homeSummary } from '../../../org/service';
import { homeView } from '../../blocks/home';
import type { SlackDeps } from '../../deps';

type Args = AllMiddlewareArgs & SlackEventMiddlewareArgs<'app_home_opened'>;

export const appHomeOpened = (deps: SlackDeps) => async ({ event, body, client }: Args) => {
  if (event.tab !== 'home') return;
  const teamId = (body as { team_id: string }).team_id;
  const summary = await homeSummary(deps.db, teamId, event.user, deps.admins);
  await client.views.publish({ user_id: event.user, view: homeView(summary) });
};
