import { webApi } from '@slack/bolt';
import { createLog } from '../../src/log';
import { deliveryHandlers } from '../../src/slack/deliveries';
import { slackMessenger } from '../../src/slack/messenger';
import type { TickDeps } from '../../src/scheduler/tick';
import { LogCapture } from '../support/app';
import type { TestDb } from '../support/db';

/** Tick dependencies whose Slack is nowhere: for ticks that must plan and close without sending anything due yet. */
export function tickDepsFor(db: TestDb): TickDeps {
  const client = new webApi.WebClient('xoxb-test-cascade', { slackApiUrl: 'http://127.0.0.1:9/api/', retryConfig: { retries: 0 } });
  return {
    db: db.db,
    messenger: slackMessenger(client),
    log: createLog({ level: 'fatal', destination: new LogCapture() }),
    handlers: deliveryHandlers,
  };
}
