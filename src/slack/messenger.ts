import type { types, webApi } from '@slack/bolt';
import { PermanentSendError, RateLimitedError, type Messenger, type OutgoingMessage } from '../scheduler/messenger';

const PERMANENT = new Set([
  'user_not_found',
  'channel_not_found',
  'account_inactive',
  'user_disabled',
  'cannot_dm_bot',
  'not_authed',
  'invalid_auth',
  'token_revoked',
  'missing_scope',
  'not_in_channel',
  'is_archived',
  'invalid_blocks',
  'msg_too_long',
  'no_text',
]);

function translate(err: unknown): never {
  const e = err as { code?: string; retryAfter?: number; data?: { error?: string } };
  if (e.code === 'slack_webapi_rate_limited_error') throw new RateLimitedError(e.retryAfter ?? 30);
  if (e.code === 'slack_webapi_platform_error' && e.data?.error && PERMANENT.has(e.data.error)) throw new PermanentSendError(e.data.error);
  throw err;
}

/** The blocks of a message as the WebClient types them (Cascade's builders make Block Kit). */
const blocksOf = (m: OutgoingMessage) => m.blocks as types.KnownBlock[] | undefined;

/** A Messenger over a WebClient built with `rejectRateLimitedCalls`, so that 429s reach the outbox. */
export function slackMessenger(client: webApi.WebClient): Messenger {
  return {
    async postDm(userId, message) {
      try {
        const res = await client.chat.postMessage({ channel: userId, text: message.text, blocks: blocksOf(message) });
        return { channel: res.channel!, ts: res.ts! };
      } catch (err) {
        translate(err);
      }
    },
    async post(channel, message, threadTs) {
      try {
        const res = await client.chat.postMessage({
          channel,
          text: message.text,
          blocks: blocksOf(message),
          ...(threadTs ? { thread_ts: threadTs } : {}),
        });
        return res.ts!;
      } catch (err) {
        translate(err);
      }
    },
    async update(channel, ts, message) {
      try {
        await client.chat.update({ channel, ts, text: message.text, blocks: blocksOf(message) ?? [] });
      } catch (err) {
        translate(err);
      }
    },
    async upload(channel, file, threadTs) {
      try {
        // files.getUploadURLExternal, the upload itself, then files.completeUploadExternal.
        const base = { channel_id: channel, file: file.bytes, filename: file.filename, title: file.title };
        await client.filesUploadV2(threadTs ? { ...base, thread_ts: threadTs } : base);
      } catch (err) {
        translate(err);
      }
    },
    async status(userId) {
      try {
        const res = await client.users.info({ user: userId });
        const profile = res.user?.profile;
        if (!profile) return null;
        return { text: profile.status_text ?? '', emoji: profile.status_emoji ?? '', expiration: Number(profile.status_expiration ?? 0) };
      } catch (err) {
        translate(err);
      }
    },
  };
}
