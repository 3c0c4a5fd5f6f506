import type { webApi } from '@slack/bolt';
import type { Directory, DirectoryUser } from '../org/directory';

type SlackUser = {
  id?: string;
  name?: string;
  real_name?: string;
  deleted?: boolean;
  is_bot?: boolean;
  tz?: string;
  profile?: {
    real_name?: string;
    display_name?: string;
    email?: string;
    status_text?: string;
    status_emoji?: string;
    status_expiration?: number;
  };
};

export function toDirectoryUser(user: SlackUser): DirectoryUser {
  const p = user.profile ?? {};
  return {
    id: user.id ?? '',
    name: (p.real_name || user.real_name || p.display_name || user.name || user.id || '').slice(0, 200),
    email: p.email ? p.email.toLowerCase() : null,
    tz: user.tz || 'UTC',
    deleted: user.deleted === true,
    isBot: user.is_bot === true,
    statusText: p.status_text ?? '',
    statusEmoji: p.status_emoji ?? '',
    statusExpiration: Number(p.status_expiration ?? 0),
  };
}

const NOT_FOUND = new Set(['user_not_found', 'users_not_found']);

function isNotFound(err: unknown): boolean {
  const data = (err as { data?: { error?: string } }).data;
  return typeof data?.error === 'string' && NOT_FOUND.has(data.error);
}

/** Users per `users.list` page: Slack advises no more than 200. */
const USERS_PAGE = 200;

/** The org's view of Slack's user directory, through `users.info`, `users.lookupByEmail` and `users.list`. */
export function slackDirectory(client: webApi.WebClient): Directory {
  return {
    async userById(id) {
      try {
        const res = await client.users.info({ user: id });
        return res.user ? toDirectoryUser(res.user as SlackUser) : null;
      } catch (err) {
        if (isNotFound(err)) return null;
        throw err;
      }
    },
    async userByEmail(email) {
      try {
        const res = await client.users.lookupByEmail({ email });
        return res.user ? toDirectoryUser(res.user as SlackUser) : null;
      } catch (err) {
        if (isNotFound(err)) return null;
        throw err;
      }
    },
    async listUsers(cursor) {
      // Tier 2 (about 20 pages a minute): the client waits out a 429's Retry-After and asks again.
      const res = await client.users.list({ limit: USERS_PAGE, ...(cursor ? { cursor } : {}) });
      const members = (res.members ?? []) as SlackUser[];
      return { users: members.map(toDirectoryUser), next: res.response_metadata?.next_cursor || null };
    },
  };
}
