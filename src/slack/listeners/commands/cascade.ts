import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { requireAdmin } from '../../../org/access';
import { removePerson, setPerson, showPerson } from '../../../org/service';
import { helpReply, orgRemoveReply, orgSetReply, orgViewReply, usageReply } from '../../blocks/commands';
import { orgImportModal } from '../../blocks/org-import';
import type { Reply } from '../../blocks/text';
import { parseCommand, type ParsedCommand } from '../../command';
import type { SlackDeps } from '../../deps';
import { slackDirectory } from '../../directory';
import { failureReply } from '../reply';

type Args = AllMiddlewareArgs & SlackCommandMiddlewareArgs;

export const cascadeCommand = (deps: SlackDeps) => async ({ ack, command, respond, client }: Args) => {
  await ack();
  const parsed = parseCommand(command.text ?? '');
  let reply: Reply | null;
  try {
    reply = await runCommand(deps, parsed, { teamId: command.team_id, userId: command.user_id, triggerId: command.trigger_id, client });
  } catch (err) {
    reply = failureReply(err, deps.log, { command: parsed.kind, user: command.user_id });
  }
  if (reply) await respond({ response_type: 'ephemeral', ...reply });
};

interface Caller {
  readonly teamId: string;
  readonly userId: string;
  readonly triggerId: string;
  readonly client: Args['client'];
}

/** One domain call per command; null when the answer is a modal rather than a message. */
async function runCommand(deps: SlackDeps, parsed: ParsedCommand, caller: Caller): Promise<Reply | null> {
  const { db, clock, admins } = deps;
  const orgDeps = { db, clock, admins, directory: slackDirectory(caller.client) };
  switch (parsed.kind) {
    case 'help':
      return helpReply();
    case 'usage':
      return usageReply(parsed.error, parsed.usage);
    case 'org.show':
      return orgViewReply(await showPerson(db, caller.teamId, parsed.userId ?? caller.userId));
    case 'org.set': {
      const { person, created } = await setPerson(orgDeps, {
        teamId: caller.teamId,
        actorId: caller.userId,
        userId: parsed.userId,
        role: parsed.role,
        reportsTo: parsed.reportsTo,
        admin: parsed.admin,
      });
      return orgSetReply(person, created);
    }
    case 'org.remove':
      return orgRemoveReply(await removePerson(orgDeps, { teamId: caller.teamId, actorId: caller.userId, userId: parsed.userId }));
    case 'org.import':
      await requireAdmin(db, caller.teamId, caller.userId, admins, 'import the org chart');
      await caller.client.views.open({ trigger_id: caller.triggerId, view: orgImportModal() });
      return null;
  }
}
