import { isConnectionError, isTimeoutError } from '../../db/connect';
import { UserError } from '../../errors';
import type { Log } from '../../log';
import { errorReply } from '../blocks/commands';
import { channelProblem, slackErrorCode } from '../channels';
import { slackText, type Reply } from '../blocks/text';

/** What a person reads when the failure is ours: the database gone or slow, or anything else (logged). */
export function ourFailure(err: unknown, log: Log, context: Record<string, unknown>): string {
  if (isConnectionError(err) || isTimeoutError(err)) {
    log.warn(
      { err: { message: (err as Error).message, code: (err as { code?: string }).code }, ...context },
      'the database did not answer a request',
    );
    return 'Cascade could not reach its database just now, so this was not saved. Please try again in a moment.';
  }
  log.error({ err, ...context }, 'a request failed');
  return 'Something went wrong on our side and it has been logged. Please try again in a moment.';
}

/** Turns a failure into words for the person: theirs to fix, or ours (logged, never shown as a stack trace). */
export function failureReply(err: unknown, log: Log, context: Record<string, unknown>): Reply {
  if (err instanceof UserError) return errorReply(slackText(err.message));
  // Slack refused a channel (not a member, private, archived): that is the person's to fix, in words.
  const problem = channelProblem(slackErrorCode(err));
  if (problem) {
    log.warn({ err, ...context }, 'Slack refused a channel');
    return errorReply(problem);
  }
  return errorReply(ourFailure(err, log, context));
}
