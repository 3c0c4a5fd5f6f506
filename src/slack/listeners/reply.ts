import { UserError } from '../../errors';
import type { Log } from '../../log';
import { errorReply } from '../blocks/commands';
import { channelProblem, slackErrorCode } from '../channels';
import { slackText, type Reply } from '../blocks/text';

/** Turns a failure into words for the person: theirs to fix, or ours (logged, never shown as a stack trace). */
export function failureReply(err: unknown, log: Log, context: Record<string, unknown>): Reply {
  if (err instanceof UserError) return errorReply(slackText(err.message));
  // Slack refused a channel (not a member, private, archived): that is the person's to fix, in words.
  const problem = channelProblem(slackErrorCode(err));
  if (problem) {
    log.warn({ err, ...context }, 'Slack refused a channel');
    return errorReply(problem);
  }
  log.error({ err, ...context }, 'a command failed');
  return errorReply('Something went wrong on our side and it has been logged. Please try again in a moment.');
}
