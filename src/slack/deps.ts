import type { Kysely } from 'kysely';
import type { Database } from '../db/types';
import type { Log } from '../log';
import type { Clock } from '../time/clock';

/** What every listener may use; passed explicitly, never imported as a singleton. */
export interface SlackDeps {
  readonly db: Kysely<Database>;
  readonly log: Log;
  readonly clock: Clock;
  /** CASCADE_ADMINS. */
  readonly admins: readonly string[];
}
