import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import type { Reply } from '../../blocks/text';
import { homeChanges, parseCommand, runCommand } from '../../commands';
import type { SlackDeps } from '../../deps';
import { publishHome } from '../../home';
import { failureReply } from '../reply';
import { scopeFor, teamOfRequest } from '../../deps';

type Args = AllMiddlewareArgs & SlackCommandMiddlewareArgs;

/**
 * How long a command may work before Slack must be answered: Slack waits 3 seconds for the acknowledgement,
 * and the answer still has to travel back.
 */
const ACK_BUDGET_MS = 2200;

const LATE = Symbol('late');

/**
 * `/cascade …`: parsed and run by the subcommand table; the answer is ephemeral; App Home follows what changed.
 *
 * The command is carried out before Slack is acknowledged, and the answer travels in the acknowledgement: a
 * process that dies mid-request has acknowledged nothing, so Slack tells the person it failed rather than a
 * reply being lost after "OK". Most commands take milliseconds; one that needs longer than Slack allows
 * (a digest, an export) is acknowledged with a line saying so, and its answer follows on the response_url.
 */
export const cascadeCommand = (deps: SlackDeps) => async (args: Args) => {
  const { ack, command, respond, client } = args;
  const teamId = teamOfRequest(args);
  const parsed = parseCommand(command.text ?? '');
  const work = (async (): Promise<Reply | null> => {
    try {
      const scope = await scopeFor(deps, teamId, command.user_id);
      return await runCommand({ deps, scope, caller: { teamId, userId: command.user_id, triggerId: command.trigger_id, client } }, parsed);
    } catch (err) {
      return failureReply(err, deps.log, { command: parsed.kind, user: command.user_id });
    }
  })();
  let timer: NodeJS.Timeout | undefined;
  const first = await Promise.race([work, new Promise<typeof LATE>((resolve) => (timer = setTimeout(() => resolve(LATE), ACK_BUDGET_MS)))]);
  clearTimeout(timer);
  if (first !== LATE) {
    await ack(first ? { response_type: 'ephemeral', ...first } : undefined);
  } else {
    await ack({ response_type: 'ephemeral', text: 'Working on it: the answer follows here in a moment.' });
    const reply = await work;
    if (reply) await respond({ response_type: 'ephemeral', replace_original: true, ...reply });
  }
  const others = homeChanges(parsed);
  if (others) await publishHome(deps, client, teamId, [command.user_id, ...others]);
};
