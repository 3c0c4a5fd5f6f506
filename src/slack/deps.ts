import type { Kysely } from 'kysely';
import { scopeOf, type Scope } from '../org/policy';
import type { Database } from '../db/types';
import type { Log } from '../log';
import type { Clock } from '../time/clock';
import type { CrmSettings } from '../crm/connections';

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
