import type { Context } from '@slack/bolt';
import type { Kysely } from 'kysely';
import { scopeOf, type Scope } from '../org/policy';
import type { Database } from '../db/types';
import type { Log } from '../log';
import type { Clock } from '../time/clock';
import type { CrmSettings } from '../crm/connections';

/**
 * Whose data a request is about: its workspace's, or, from an org-wide install on Enterprise Grid, its enterprise's
 * (one org chart across the enterprise's workspaces, people keyed by their enterprise user ids).
 */
export function teamOfRequest(args: { readonly context: Context }): string {
  const c = args.context;
  const team = c.isEnterpriseInstall && c.enterpriseId ? c.enterpriseId : c.teamId;
  if (!team) throw new Error('a request from Slack named no workspace');
  return team;
}

/** The request's scope for the person acting in Slack (a button, a window, a command). */
export function scopeFor(deps: SlackDeps, teamId: string, userId: string): Promise<Scope> {
  return scopeOf(deps.db, teamId, userId, deps.admins, deps.clock.now());
}

/** What every listener may use; passed explicitly, never imported as a singleton. */
export interface SlackDeps {
  readonly db: Kysely<Database>;
  readonly log: Log;
  readonly clock: Clock;
  /** CASCADE_ADMINS. */
  readonly admins: readonly string[];
  /** The deployment's CRM settings (environment and key), for `/cascade crm`. */
  readonly crm?: CrmSettings;
}
