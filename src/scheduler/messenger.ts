import type { SlackStatus } from '../checkins/away';
/** A message as Slack takes it: `text` always (notifications, screen readers), Block Kit blocks when there are any. */
export interface OutgoingMessage {
  readonly text: string;
  readonly blocks?: readonly unknown[];
}

/** What the dispatcher needs from Slack; the Slack adapter implements it over the Web API. */
export interface Messenger {
  /**
   * A direct message from the app to a person. Slack opens the conversation itself when the channel is a
   * user ID, so no `conversations.open` (Tier 3, about 50 a minute) is spent per prompt.
   */
  postDm(userId: string, message: OutgoingMessage): Promise<{ channel: string; ts: string }>;
  post(channel: string, message: OutgoingMessage, threadTs?: string): Promise<string>;
  update(channel: string, ts: string, message: OutgoingMessage): Promise<void>;
  /** Uploads a file into a channel (in a thread when given), with Slack's external upload flow. */
  upload(channel: string, file: { bytes: Buffer; filename: string; title: string }, threadTs?: string): Promise<void>;
  /** The person's Slack status right now, or null when Slack has none for them. */
  status(userId: string): Promise<SlackStatus | null>;
}

/** Slack said to wait: retry after this many seconds, and slow down meanwhile. */
export class RateLimitedError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super(`rate limited: retry after ${retryAfterSeconds} s`);
    this.name = 'RateLimitedError';
  }
}

/** Retrying cannot help (the user is gone, the token lacks a scope …). */
export class PermanentSendError extends Error {
  constructor(readonly slackError: string) {
    super(slackError);
    this.name = 'PermanentSendError';
  }
}
