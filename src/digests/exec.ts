import { sql, type Kysely } from 'kysely';
import type { CheckinContext } from '../checkins/context';
import type { Database } from '../db/types';
import { buildDigest, type Digest } from './figures';
import { digestPeriods } from '../time/periods';

/** The analytics the CEO and the President hold in hand for their monthly conversation. */
export interface ExecNumbers {
  readonly digest: Digest;
  /** Open flags per team (a leader's direct reports), counted, never named. */
  readonly flagsByTeam: readonly { leader: string; flags: number }[];
}

/** For a CEO ↔ President check-in, last month's exec figures; null for any other check-in. */
export async function execNumbersFor(db: Kysely<Database>, ctx: Pick<CheckinContext, 'level' | 'teamId' | 'occurrence'>): Promise<ExecNumbers | null> {
  if (ctx.level !== 'ceo_president') return null;
  const { current, previous } = digestPeriods('monthly', ctx.occurrence);
  const digest = await buildDigest(db, { teamId: ctx.teamId, scope: 'exec', current, previous });
  const flags = await sql<{ leader: string; flags: number }>`
    select coalesce(l.name, p.reports_to) as leader, count(*)::int as flags
    from flag f join person p on p.team_id = f.team_id and p.slack_user_id = f.person_id
    left join person l on l.team_id = p.team_id and l.slack_user_id = p.reports_to
    where f.team_id = ${ctx.teamId} and f.status = 'open'
    group by p.reports_to, l.name order by 2 desc, 1`.execute(db);
  return { digest, flagsByTeam: flags.rows };
}
