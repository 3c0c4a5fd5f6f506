import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import type { Reply } from '../../blocks/text';
import { homeChanges, parseCommand, runCommand } from '../../commands';
import type { SlackDeps } from '../../deps';
import { publishHome } from '../../home';
import { failureReply } from '../reply';
import { scopeFor } from '../../deps';

type Args = AllMiddlewareArgs & SlackCommandMiddlewareArgs;

/** `/cascade …`: parsed and run by the subcommand table; the answer is ephemeral; App Home follows what changed. */
export const cascadeCommand = (deps: SlackDeps) => async ({ ack, command, respond, client }: Args) => {
  await ack();
  const parsed = parseCommand(command.text ?? '');
  let reply: Reply | null;
  try {
    const scope = await scopeFor(deps, command.team_id, command.user_id);
    reply = await runCommand({ deps, scope, caller: { teamId: command.team_id, userId: command.user_id, triggerId: command.trigger_id, client } }, parsed);
  } catch (err) {
    reply = failureReply(err, deps.log, { command: parsed.kind, user: command.user_id });
  }
  if (reply) await respond({ response_type: 'ephemeral', ...reply });
  const others = homeChanges(parsed);
  if (others) await publishHome(deps, client, command.team_id, [command.user_id, ...others]);
};
