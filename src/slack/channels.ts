import type { webApi } from '@slack/bolt';
import { UserError } from '../errors';

/** What to tell a person when Slack will not let Cascade post or upload in a channel. */
export function channelProblem(code: string | undefined, channelId?: string): string | null {
  const where = channelId ? `<#${channelId}>` : 'that channel';
  switch (code) {
    case 'channel_not_found':
    case 'not_in_channel':
      return `Invite @Cascade to ${where} first (type \`/invite @Cascade\` in it), then try again.`;
    case 'is_archived':
      return `${where} is archived: pick a channel that is in use.`;
    default:
      return null;
  }
}

/** The error code of a Web API call that Slack refused, if it was one. */
export function slackErrorCode(err: unknown): string | undefined {
  const e = err as { code?: string; data?: { error?: string }; slackError?: string };
  if (typeof e?.slackError === 'string') return e.slackError; // the outbox's PermanentSendError
  return e?.code === 'slack_webapi_platform_error' ? e.data?.error : undefined;
}

/**
 * Makes sure Cascade can post and upload in a channel before it is set: joins it when it is public
 * (uploads need membership, which `chat:write.public` does not give); a private channel Slack shows us is
 * one we were invited to. Refuses, in words, a channel we cannot see or that is archived.
 */
export async function ensureInChannel(client: webApi.WebClient, channelId: string): Promise<void> {
  try {
    await client.conversations.join({ channel: channelId });
  } catch (err) {
    const code = slackErrorCode(err);
    if (code === 'method_not_supported_for_channel_type') return;
    const problem = channelProblem(code, channelId);
    if (problem) throw new UserError(problem, 'invalid');
    throw err;
  }
}
