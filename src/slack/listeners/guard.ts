import type { SlackDeps } from '../deps';
import { noticeModal } from '../blocks/home-actions';
import { ourFailure } from './reply';

/**
 * What every listener is wrapped in, whatever it does: Slack is acknowledged exactly once, in time, and with
 * words. A second `ack` (Bolt refuses it, and a retry would then make a duplicate) is dropped and logged; a
 * listener that throws before acknowledging answers with a clear error instead of leaving Slack to time out;
 * a window whose work outruns Slack's 3 seconds is answered before Slack gives up, saying so.
 */

/** How long a window's submission may work before Slack must be answered. */
export const VIEW_BUDGET_MS = 2400;

type Ack = (response?: any) => Promise<void>;
type Respond = (message: any) => Promise<unknown>;
interface Args {
  ack: Ack;
  body: any;
  respond?: Respond;
}

type Kind = 'command' | 'action' | 'view';

/** The first input of a window: where an error about the whole window is shown (Slack shows errors on inputs only). */
function firstInput(view: { blocks?: { type?: string; block_id?: string }[] } | undefined): string | undefined {
  return view?.blocks?.find((b) => b.type === 'input' && b.block_id)?.block_id;
}

/** A window answered with words: on its first input, or, when it has none, as a window that says so. */
function viewError(view: Args['body']['view'], text: string): Record<string, unknown> {
  const block = firstInput(view);
  return block
    ? { response_action: 'errors', errors: { [block]: text.slice(0, 150) } }
    : { response_action: 'update', view: noticeModal(text) };
}

export function guarded<A extends Args>(
  deps: SlackDeps,
  kind: Kind,
  name: string,
  handler: (args: A) => Promise<void>,
): (args: A) => Promise<void> {
  return async (args: A) => {
    let acked = false;
    const context = { [kind]: name, user: args.body?.user?.id ?? args.body?.user_id };
    const ack: Ack = async (response) => {
      if (acked) {
        deps.log.warn(context, 'a second acknowledgement of one request was not sent');
        return;
      }
      acked = true;
      await args.ack(response);
    };
    const timer =
      kind === 'view'
        ? setTimeout(() => {
            if (acked) return;
            deps.log.warn(context, 'a window took longer than Slack waits; it was answered before Slack gave up');
            void ack(
              viewError(args.body?.view, 'Saving is taking longer than usual. Press the button again in a moment: nothing is kept twice.'),
            ).catch(() => undefined);
          }, VIEW_BUDGET_MS)
        : undefined;
    try {
      await handler({ ...args, ack });
    } catch (err) {
      const text = ourFailure(err, deps.log, context);
      if (!acked) {
        if (kind === 'view') await ack(viewError(args.body?.view, text)).catch(() => undefined);
        else if (kind === 'command') await ack({ response_type: 'ephemeral', text }).catch(() => undefined);
        else await ack().catch(() => undefined);
      }
      if (kind === 'action' && args.respond && args.body?.response_url) {
        await args.respond({ response_type: 'ephemeral', replace_original: false, text }).catch(() => undefined);
      }
    } finally {
      clearTimeout(timer);
    }
  };
}

/** A window's submission as Slack names it: the view and its hash, the same for a double click or a replay. */
export function submissionKey(view: { id?: string; hash?: string } | undefined): string | undefined {
  return view?.id && view.hash ? `${view.id}:${view.hash}` : undefined;
}
