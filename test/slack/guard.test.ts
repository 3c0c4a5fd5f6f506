import { createLog } from '../../src/log';
import { guarded, VIEW_BUDGET_MS } from '../../src/slack/listeners/guard';
import { LogCapture } from '../support/app';

/**
 * Every listener is acknowledged once and in time: the guard around each one, driven without Slack (fake
 * timers stand in for a database that takes longer than Slack waits).
 */
function deps() {
  const logs = new LogCapture();
  return {
    logs,
    deps: { db: undefined as never, log: createLog({ level: 'info', destination: logs }), clock: { now: () => new Date() }, admins: [] },
  };
}

const view = { id: 'V1', hash: 'h', blocks: [{ type: 'section' }, { type: 'input', block_id: 'text' }] };

describe('The guard around every listener', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  test('When a window’s work takes longer than Slack waits, then Slack is answered before it gives up, on the window, and the late acknowledgement is never sent', async () => {
    const { deps: d, logs } = deps();
    const acks: unknown[] = [];
    const handler = guarded(d, 'view', 'reply_send', async ({ ack }: { ack: (r?: unknown) => Promise<void> }) => {
      await new Promise((r) => setTimeout(r, 3500));
      await ack();
    });
    const done = handler({ ack: async (r?: unknown) => void acks.push(r ?? 'empty'), body: { view, user: { id: 'U1' } } });
    await jest.advanceTimersByTimeAsync(VIEW_BUDGET_MS);
    expect(acks).toEqual([{ response_action: 'errors', errors: { text: expect.stringContaining('taking longer than usual') } }]);
    expect(VIEW_BUDGET_MS).toBeLessThan(3000);
    await jest.advanceTimersByTimeAsync(2000);
    await done;
    expect(acks).toHaveLength(1);
    expect(logs.lines.map((l) => l.msg)).toContain('a second acknowledgement of one request was not sent');
  });

  test('When a listener throws before acknowledging, then Slack gets words: on the window’s input, in the command’s answer, or an empty ack and an ephemeral note for a button', async () => {
    const { deps: d } = deps();
    const boom = async () => {
      throw new TypeError("Cannot read properties of undefined (reading 'values')");
    };
    const viewAcks: any[] = [];
    await guarded(
      d,
      'view',
      'checkin_skip',
      boom,
    )({ ack: async (r?: unknown) => void viewAcks.push(r), body: { view, user: { id: 'U1' } } });
    expect(viewAcks).toEqual([
      { response_action: 'errors', errors: { text: expect.stringContaining('Something went wrong on our side') } },
    ]);
    const bare: any[] = [];
    await guarded(
      d,
      'view',
      'x',
      boom,
    )({ ack: async (r?: unknown) => void bare.push(r), body: { view: { id: 'V2', blocks: [] }, user: { id: 'U1' } } });
    expect(bare[0].response_action).toBe('update');
    const commandAcks: any[] = [];
    await guarded(d, 'command', '/cascade', boom)({ ack: async (r?: unknown) => void commandAcks.push(r), body: { user_id: 'U1' } });
    expect(commandAcks).toEqual([{ response_type: 'ephemeral', text: expect.stringContaining('Something went wrong') }]);
    const actionAcks: any[] = [];
    const said: any[] = [];
    await guarded(
      d,
      'action',
      'round_reply',
      boom,
    )({
      ack: async (r?: unknown) => void actionAcks.push(r ?? 'empty'),
      respond: async (m: unknown) => void said.push(m),
      body: { user: { id: 'U1' }, response_url: 'https://hooks.slack.com/x' },
    });
    expect(actionAcks).toEqual(['empty']);
    expect(said).toEqual([expect.objectContaining({ response_type: 'ephemeral', text: expect.stringContaining('Something went wrong') })]);
  });

  test('When a listener acknowledges twice, then Slack hears the first and the second is dropped', async () => {
    const { deps: d } = deps();
    const acks: unknown[] = [];
    await guarded(d, 'action', 'round_ack', async ({ ack }: { ack: (r?: unknown) => Promise<void> }) => {
      await ack();
      await ack();
    })({ ack: async (r?: unknown) => void acks.push(r ?? 'empty'), body: { user: { id: 'U1' } } });
    expect(acks).toEqual(['empty']);
  });
});
