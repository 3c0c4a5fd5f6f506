import { webApi, type Installation, type InstallationQuery, type InstallationStore } from '@slack/bolt';
import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../db/types';
import type { SecretBox } from '../secrets';
import { openWorkspace } from '../checkins/cadences';
import { markInstalled } from '../db/retention';
import { enqueue } from '../outbox/vocabulary';
import { HOUR_MS } from '../time/durations';
import { systemClock, type Clock } from '../time/clock';

/**
 * Installs by OAuth ("Add to Slack"), kept in Postgres for Bolt's installer and authorize, with every token sealed
 * (src/secrets.ts). An install is keyed as Cascade keys a workspace's data: by the workspace's id, or by the
 * enterprise's for an org-wide install on Enterprise Grid, which serves every workspace of the enterprise with one
 * org chart (people keyed by their enterprise user ids). With token rotation on, a token is refreshed before it
 * expires, by one replica at a time (a row lock), and every replica then reads the new one.
 */
export interface Installations {
  /** Bolt's store: what `/slack/oauth_redirect` keeps and each request's authorize reads. */
  readonly store: InstallationStore;
  /** The bot token of a workspace (refreshed first when it is about to expire), or null when none is installed. */
  tokenOf(teamId: string): Promise<string | null>;
  /** The workspaces installed now. */
  installed(): Promise<string[]>;
}

interface InstallationsOptions {
  readonly db: Kysely<Database>;
  readonly box: SecretBox;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Web API options (SLACK_API_URL) for `oauth.v2.access` with the refresh token. */
  readonly clientOptions?: webApi.WebClientOptions;
  /** Real time: tokens expire in Slack's time, whatever clock the cascade runs on. */
  readonly now?: () => number;
  /** The cascade's clock: when an install opens its workspace and its first-run DM is due. */
  readonly clock?: Clock;
  readonly log?: { warn(obj: object, msg: string): void };
}

/** What Cascade asks for when it is added to a workspace: the bot scopes of manifest.yml and manifest.oauth.yml. */
export const BOT_SCOPES = [
  'chat:write',
  'chat:write.public',
  'channels:join',
  'files:write',
  'im:write',
  'commands',
  'users:read',
  'users:read.email',
] as const;

/**
 * Refreshed this long before it expires. Bolt's own authorize refreshes within two hours of expiry, without a
 * lock; refreshing earlier here, under the row lock, means Bolt always finds a fresh token and never races.
 */
const REFRESH_BEFORE_MS = 3 * HOUR_MS;

/** The key of an install, and of the data of the workspaces it serves. */
function tenantOf(q: { teamId?: string | undefined; enterpriseId?: string | undefined; isEnterpriseInstall?: boolean }): string {
  const key = q.isEnterpriseInstall ? q.enterpriseId : q.teamId;
  if (!key) throw new Error('an install names neither its workspace nor, org-wide, its enterprise');
  return key;
}

type Row = Selectable<Database['slack_installation']>;

export function postgresInstallations(o: InstallationsOptions): Installations {
  const { db, box } = o;
  const now = o.now ?? Date.now;
  const refresher = new webApi.WebClient(undefined, { ...(o.clientOptions ?? {}) });

  const expiring = (r: { refresh_token: string | null; expires_at: Date | null }) =>
    r.refresh_token !== null && r.expires_at !== null && r.expires_at.getTime() - now() < REFRESH_BEFORE_MS;

  /** The row, its token refreshed first if it is about to expire: one replica refreshes, the others wait and read. */
  async function fresh(teamId: string): Promise<Row | undefined> {
    const row = (await db.selectFrom('slack_installation').selectAll().where('team_id', '=', teamId).executeTakeFirst()) as Row | undefined;
    if (!row || !expiring(row)) return row;
    return db.transaction().execute(async (tx) => {
      const locked = (await tx.selectFrom('slack_installation').selectAll().where('team_id', '=', teamId).forUpdate().executeTakeFirst()) as
        | Row
        | undefined;
      // Another replica refreshed it while this one waited for the lock.
      if (!locked || !expiring(locked)) return locked;
      const res = await refresher.oauth.v2.access({
        client_id: o.clientId,
        client_secret: o.clientSecret,
        grant_type: 'refresh_token',
        refresh_token: box.open(locked.refresh_token!),
      });
      if (!res.access_token || !res.refresh_token || res.expires_in === undefined) throw new Error('Slack refreshed no token');
      const updated = {
        bot_token: box.seal(res.access_token),
        refresh_token: box.seal(res.refresh_token),
        expires_at: new Date(now() + res.expires_in * 1000),
        updated_at: new Date(now()),
      };
      await tx.updateTable('slack_installation').set(updated).where('team_id', '=', teamId).execute();
      return { ...locked, ...updated };
    });
  }

  const store: InstallationStore = {
    async storeInstallation(installation) {
      const teamId = tenantOf({
        teamId: installation.team?.id,
        enterpriseId: installation.enterprise?.id,
        isEnterpriseInstall: installation.isEnterpriseInstall === true,
      });
      const bot = installation.bot;
      if (!bot) throw new Error('Cascade installs with a bot token; Slack returned none');
      const at = (o.clock ?? systemClock).now();
      await openWorkspace(db, teamId, installation.team?.name ?? installation.enterprise?.name ?? teamId, at);
      await markInstalled(db, teamId);
      const values = {
        enterprise_id: installation.enterprise?.id ?? null,
        is_enterprise_install: installation.isEnterpriseInstall === true,
        app_id: installation.appId ?? null,
        bot_id: bot.id,
        bot_user_id: bot.userId,
        scopes: bot.scopes.join(','),
        bot_token: box.seal(bot.token),
        refresh_token: bot.refreshToken ? box.seal(bot.refreshToken) : null,
        expires_at: bot.expiresAt ? new Date(bot.expiresAt * 1000) : null,
        updated_at: at,
      };
      // A refresh stored by Bolt keeps who installed; a new install (or one again) names its installer.
      const installer = installation.user?.id ?? null;
      await db
        .insertInto('slack_installation')
        .values({ team_id: teamId, ...values, installer_user_id: installer })
        .onConflict((oc) => oc.column('team_id').doUpdateSet({ ...values, ...(installer ? { installer_user_id: installer } : {}) }))
        .execute();
      // The installer's first-run DM, once per workspace (its key is unique).
      if (installer)
        await enqueue(db, 'welcome', {}, { teamId, key: `welcome:${teamId}`, recipient: installer, notBefore: at, wake: true });
    },

    async fetchInstallation(query: InstallationQuery<boolean>) {
      let row = await fresh(tenantOf(query));
      // A request from a workspace of an enterprise whose install is org-wide.
      if (!row && !query.isEnterpriseInstall && query.enterpriseId) row = await fresh(query.enterpriseId);
      if (!row) throw new Error('Cascade is not installed in this workspace');
      return installationOf(row, box);
    },

    async deleteInstallation(query: InstallationQuery<boolean>) {
      await db.deleteFrom('slack_installation').where('team_id', '=', tenantOf(query)).execute();
    },
  };

  return {
    store,
    async tokenOf(teamId) {
      const row = await fresh(teamId);
      return row ? box.open(row.bot_token) : null;
    },
    async installed() {
      const rows = await db.selectFrom('slack_installation').select('team_id').orderBy('team_id').execute();
      return rows.map((r) => r.team_id);
    },
  };
}

/** What Bolt reads back: the install as `oauth.v2.access` described it, tokens opened. */
function installationOf(row: Row, box: SecretBox): Installation<'v2', boolean> {
  const bot = {
    token: box.open(row.bot_token),
    scopes: row.scopes ? row.scopes.split(',') : [],
    id: row.bot_id ?? '',
    userId: row.bot_user_id ?? '',
    ...(row.refresh_token && row.expires_at
      ? { refreshToken: box.open(row.refresh_token), expiresAt: Math.floor(row.expires_at.getTime() / 1000) }
      : {}),
  };
  const enterprise = row.enterprise_id ? { id: row.enterprise_id } : undefined;
  return {
    team: row.is_enterprise_install ? undefined : { id: row.team_id },
    enterprise,
    user: { token: undefined, scopes: undefined, id: row.installer_user_id ?? '' },
    bot,
    isEnterpriseInstall: row.is_enterprise_install,
    ...(row.app_id ? { appId: row.app_id } : {}),
    tokenType: 'bot',
    authVersion: 'v2',
  } as Installation<'v2', boolean>;
}
