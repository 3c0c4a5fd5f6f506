import type {
  AllMiddlewareArgs,
  BlockButtonAction,
  SlackActionMiddlewareArgs,
  SlackViewMiddlewareArgs,
  ViewSubmitAction,
} from '@slack/bolt';
import { AlreadyTaken, UserError } from '../../../errors';
import type { Scope } from '../../../org/policy';
import { slackText, truncate } from '../../blocks/text';
import { scopeFor, teamOfRequest, type SlackDeps } from '../../deps';
import { failureReply, ourFailure } from '../reply';

export type ButtonArgs = AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockButtonAction>;
export type ViewArgs = AllMiddlewareArgs & SlackViewMiddlewareArgs<ViewSubmitAction>;
/** A window's state, as Slack sends it: block id → action id → what the input holds. */
export type Values = Record<
  string,
  Record<string, { value?: string | null; selected_date?: string | null; selected_option?: { value: string } | null }>
>;

/**
 * A button: acknowledged at once (Slack allows three seconds), then run for the person who pressed it; a
 * refusal or a failure reaches them as an ephemeral message where they pressed it.
 */
export const button =
  (what: string, run: (deps: SlackDeps, scope: Scope, args: ButtonArgs) => Promise<void>) =>
  (deps: SlackDeps) =>
  async (args: ButtonArgs) => {
    const { ack, body, respond } = args;
    await ack();
    try {
      await run(deps, await scopeFor(deps, teamOfRequest(args), body.user.id), args);
    } catch (err) {
      const reply = failureReply(err, deps.log, { action: what, user: body.user.id });
      await respond({ response_type: 'ephemeral', replace_original: false, text: reply.text });
    }
  };

/** The person a window was submitted by, as a Scope. */
export const scopeOfView = (deps: SlackDeps, args: ViewArgs): Promise<Scope> => scopeFor(deps, teamOfRequest(args), args.body.user.id);

/** The window's private metadata, or null when it is not what Cascade wrote (a window from an older version). */
export function metadataOf<T>(view: ViewArgs['view']): T | null {
  try {
    const parsed = JSON.parse(view.private_metadata) as unknown;
    return parsed !== null && typeof parsed === 'object' ? (parsed as T) : null;
  } catch {
    return null;
  }
}

/** A window Cascade can no longer read: the person is told, on the field, to open it again. */
export const outOfDate = (ack: ViewArgs['ack'], field: string, again = 'press the button again') =>
  ack({ response_action: 'errors', errors: { [field]: `This window is out of date: close it and ${again}.` } });

/**
 * A window's failure, on its field: the person's to fix in words, ours logged. The same window submitted again
 * (a double click, a replay) was kept the first time: it closes as that one did.
 */
export async function refuseOnField(deps: SlackDeps, args: ViewArgs, field: string, err: unknown, window: string): Promise<void> {
  if (err instanceof AlreadyTaken) return args.ack();
  const message =
    err instanceof UserError ? truncate(slackText(err.message), 150) : ourFailure(err, deps.log, { window, user: args.body.user.id });
  await args.ack({ response_action: 'errors', errors: { [field]: message } });
}
