import { randomBytes } from 'node:crypto';

/** A workspace the stand-in can install Cascade in; `enterpriseId` puts it in an Enterprise Grid organisation. */
interface StandInWorkspace {
  readonly teamId: string;
  readonly name: string;
  readonly enterpriseId?: string;
  readonly enterpriseName?: string;
}

/** What the next "Allow" on the authorisation page installs, and who presses it. */
export interface PendingInstall {
  /** The workspace, or with `orgWide` the enterprise of this workspace (an org-wide install). */
  readonly teamId: string;
  readonly userId: string;
  readonly orgWide?: boolean;
  /** Token rotation on: the bot token expires this many seconds after it is issued (Slack's is 12 hours). */
  readonly expiresIn?: number;
}

/** A token the stand-in issued, and what it speaks for. */
interface Issued {
  readonly token: string;
  readonly teamId: string | null;
  readonly enterpriseId: string | null;
  readonly orgWide: boolean;
  readonly installer: string;
  /** Unix ms; none without rotation. */
  readonly expiresAt?: number;
  readonly expiresIn?: number;
  revoked: boolean;
}

type Answer = Record<string, unknown>;

/**
 * Slack's OAuth v2 as its documentation describes it, for the stand-in: the authorisation page
 * (`/oauth/v2/authorize`, which here allows at once and redirects with a one-time code and the state),
 * `oauth.v2.access` for a code (`authorization_code`) and for a refresh token (`refresh_token`, with token
 * rotation: a new access token and a new refresh token; the old refresh token is spent), `auth.test` per token,
 * `apps.uninstall` (every token of the install revoked). Org-wide installs answer with `team: null`, the
 * enterprise, and `is_enterprise_install: true`. A token it issued that expired or was revoked is refused
 * (`token_expired`, `token_revoked`) by every method.
 */
export class OAuthDesk {
  readonly workspaces = new Map<string, StandInWorkspace>();
  private readonly codes = new Map<string, PendingInstall>();
  private readonly tokens = new Map<string, Issued>();
  private readonly refreshTokens = new Map<string, Issued>();
  private pending: PendingInstall | undefined;
  /** How many times a refresh token was exchanged. */
  refreshes = 0;
  app: { clientId: string; clientSecret: string; redirectUrl: string } | undefined;

  constructor(private readonly now: () => number = Date.now) {}

  /** The page Slack shows the installer: allowed at once, back to the app's redirect URL with a code and the state. */
  authorize(query: URLSearchParams): { status: number; location?: string; body?: string } {
    if (!this.app || query.get('client_id') !== this.app.clientId) return { status: 400, body: 'invalid_client_id' };
    const picked = query.get('team');
    const install = this.pending ?? (picked ? { teamId: picked, userId: 'UINSTALLER' } : undefined);
    if (!install || !this.workspaces.has(install.teamId)) return { status: 400, body: 'no workspace to install in' };
    this.pending = undefined;
    const code = `code-${randomBytes(8).toString('hex')}`;
    this.codes.set(code, install);
    const back = new URL(query.get('redirect_uri') ?? this.app.redirectUrl);
    back.searchParams.set('code', code);
    if (query.get('state') !== null) back.searchParams.set('state', query.get('state')!);
    return { status: 302, location: back.toString() };
  }

  /** The next authorisation installs this (a person pressing "Allow" in that workspace). */
  willInstall(install: PendingInstall): void {
    this.pending = install;
  }

  handles(method: string): boolean {
    return method === 'oauth.v2.access' || method === 'apps.uninstall';
  }

  answer(method: string, args: Record<string, any>): Answer {
    if (!this.app || args.client_id !== this.app.clientId) return { ok: false, error: 'invalid_client_id' };
    if (args.client_secret !== this.app.clientSecret) return { ok: false, error: 'bad_client_secret' };
    if (method === 'apps.uninstall') {
      const issued = this.tokens.get(String(args.token));
      if (!issued || issued.revoked) return { ok: false, error: 'invalid_auth' };
      this.revokeInstall(issued);
      return { ok: true };
    }
    if (args.grant_type === 'refresh_token') return this.refresh(String(args.refresh_token));
    const install = this.codes.get(String(args.code));
    if (!install) return { ok: false, error: 'invalid_code' };
    this.codes.delete(String(args.code));
    return this.issue(install);
  }

  /** What `auth.test` says of a token it issued; undefined for a token it did not (the stand-in's default workspace). */
  authTest(token: string | undefined): Answer | undefined {
    const issued = token ? this.tokens.get(token) : undefined;
    if (!issued) return undefined;
    const refused = this.refusal(token);
    if (refused) return refused;
    const ws = issued.teamId ? this.workspaces.get(issued.teamId) : undefined;
    return {
      ok: true,
      url: `https://${(ws?.name ?? issued.enterpriseId ?? 'org').toLowerCase().replace(/\W+/g, '-')}.slack.com/`,
      team: ws?.name ?? null,
      team_id: issued.teamId,
      ...(issued.enterpriseId ? { enterprise_id: issued.enterpriseId } : {}),
      is_enterprise_install: issued.orgWide,
      user: 'cascade',
      user_id: 'UBOT',
      bot_id: 'BBOT',
    };
  }

  /** A token it issued that can no longer be used: revoked (uninstalled) or past its expiry. */
  refusal(token: string | undefined): Answer | undefined {
    const issued = token ? this.tokens.get(token) : undefined;
    if (!issued) return undefined;
    if (issued.revoked) return { ok: false, error: 'token_revoked' };
    if (issued.expiresAt !== undefined && issued.expiresAt <= this.now()) return { ok: false, error: 'token_expired' };
    return undefined;
  }

  /** The install a token speaks for: its workspace, or its enterprise for an org-wide one. */
  installOf(token: string | undefined): { teamId: string | null; enterpriseId: string | null; orgWide: boolean } | undefined {
    const issued = token ? this.tokens.get(token) : undefined;
    return issued ? { teamId: issued.teamId, enterpriseId: issued.enterpriseId, orgWide: issued.orgWide } : undefined;
  }

  private issue(install: PendingInstall, installer = install.userId): Answer {
    const ws = this.workspaces.get(install.teamId)!;
    const orgWide = install.orgWide === true;
    if (orgWide && !ws.enterpriseId) return { ok: false, error: 'not_an_enterprise' };
    const issued: Issued = {
      token: `xoxb-${randomBytes(12).toString('hex')}`,
      teamId: orgWide ? null : ws.teamId,
      enterpriseId: ws.enterpriseId ?? null,
      orgWide,
      installer,
      ...(install.expiresIn !== undefined ? { expiresAt: this.now() + install.expiresIn * 1000, expiresIn: install.expiresIn } : {}),
      revoked: false,
    };
    this.tokens.set(issued.token, issued);
    const refresh = install.expiresIn !== undefined ? `xoxe-1-${randomBytes(12).toString('hex')}` : undefined;
    if (refresh) this.refreshTokens.set(refresh, issued);
    return {
      ok: true,
      app_id: 'A0CASCADE',
      authed_user: { id: installer },
      scope: 'chat:write,chat:write.public,channels:join,files:write,im:write,commands,users:read,users:read.email',
      token_type: 'bot',
      access_token: issued.token,
      bot_user_id: 'UBOT',
      team: orgWide ? null : { id: ws.teamId, name: ws.name },
      enterprise: ws.enterpriseId ? { id: ws.enterpriseId, name: ws.enterpriseName ?? ws.enterpriseId } : null,
      is_enterprise_install: orgWide,
      ...(refresh ? { refresh_token: refresh, expires_in: install.expiresIn } : {}),
    };
  }

  private refresh(refreshToken: string): Answer {
    const old = this.refreshTokens.get(refreshToken);
    if (!old || old.revoked) return { ok: false, error: 'invalid_refresh_token' };
    this.refreshTokens.delete(refreshToken);
    this.refreshes += 1;
    const teamId = old.teamId ?? [...this.workspaces.values()].find((w) => w.enterpriseId === old.enterpriseId)!.teamId;
    const answer = this.issue({ teamId, userId: old.installer, orgWide: old.orgWide, expiresIn: 43_200 }, old.installer);
    // A refresh answers with the tokens alone.
    return {
      ok: true,
      access_token: answer.access_token,
      refresh_token: answer.refresh_token,
      expires_in: answer.expires_in,
      token_type: 'bot',
      scope: answer.scope,
      bot_user_id: 'UBOT',
      app_id: 'A0CASCADE',
      team: answer.team,
      enterprise: answer.enterprise,
      is_enterprise_install: answer.is_enterprise_install,
    };
  }

  private revokeInstall(of: Issued): void {
    for (const t of this.tokens.values())
      if (t.teamId === of.teamId && t.enterpriseId === of.enterpriseId && t.orgWide === of.orgWide) t.revoked = true;
  }
}
