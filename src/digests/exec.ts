import { nameOf } from '../org/people';
import { sql, type Kysely } from 'kysely';
import type { CheckinContext } from '../checkins/context';
import type { Database } from '../db/types';
import { buildDigest, type Digest } from './figures';
import { digestPeriods } from '../time/periods';
import { localDate } from '../time/calendar';
import { execPeople } from '../org/chain';

/** The analytics the CEO and the President hold in hand for their monthly conversation. */
export interface ExecNumbers {
  readonly digest: Digest;
  /** Open flags per team (a leader's direct reports), counted, never named. */
  readonly flagsByTeam: readonly { leader: string; flags: number }[];
}

/** For a CEO ↔ President check-in, last month's exec figures; null for any other check-in. */
export async function execNumbersFor(
  db: Kysely<Database>,
  ctx: Pick<CheckinContext, 'level' | 'teamId' | 'occurrence'>,
): Promise<ExecNumbers | null> {
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

/** The top's own accountability: their shared reflection, and the commitments of the exec pair with whether they were kept. */
export interface FromTheTop {
  readonly topName: string;
  /** Reflection answers the top ticked to share, from their latest reflection. */
  readonly reflection: readonly { question: string; text: string; occurrence: string }[];
  /** The exec pair's commitments open now or closed in the window, with their status. */
  readonly commitments: readonly {
    ownerName: string;
    toOrganisation: boolean;
    text: string;
    dueDate: string;
    status: string;
    slips: number;
    overdue: boolean;
  }[];
}

/**
 * What the top of the chain owes the people right below them: the reflection answers the top chose to share,
 * and the commitments of the top and their direct reports (the CEO's to the organisation, the President's to
 * the CEO), open or closed since `since`; an open one due before the top's today is overdue. For the top and their
 * direct reports only (and the exec digest).
 */
export async function fromTheTop(db: Kysely<Database>, teamId: string, since: string, now: Date): Promise<FromTheTop | null> {
  const pair = await execPeople(db, teamId);
  const top = pair.find((p) => p.top);
  if (!top) return null;
  const today = localDate(now, top.tz);
  const topName = await nameOf(db, teamId, top.id);
  const reflection = await sql<{ question: string; text: string; occurrence: string }>`
    select a.question_text as question, a.value_text as text, r.occurrence::text as occurrence
    from answer a join checkin c on c.id = a.checkin_id join round r on r.id = c.round_id
    where c.team_id = ${teamId} and c.person_id = ${top.id} and c.part = 'leader' and a.shared and a.value_text is not null
      and c.id = (select c2.id from checkin c2 join answer a2 on a2.checkin_id = c2.id and a2.shared
                  where c2.team_id = ${teamId} and c2.person_id = ${top.id} and c2.part = 'leader' and c2.status = 'answered'
                  order by c2.answered_at desc limit 1)
    order by a.position`.execute(db);
  const commitments = await sql<{
    owner_name: string;
    leader_id: string | null;
    text: string;
    due_date: string;
    status: string;
    slips: number;
  }>`
    select coalesce(p.name, m.owner_id) as owner_name, m.leader_id, m.text, m.due_date::text as due_date, m.status, m.slips
    from commitment m left join person p on p.team_id = m.team_id and p.slack_user_id = m.owner_id
    where m.team_id = ${teamId} and m.owner_id = any(${pair.map((p) => p.id)}::text[])
      and (m.status = 'open' or m.closed_at >= ${since}::date)
    order by case when m.owner_id = ${top.id} then 0 else 1 end, m.due_date
    limit 20`.execute(db);
  return {
    topName,
    reflection: reflection.rows,
    commitments: commitments.rows.map((m) => ({
      ownerName: m.owner_name,
      toOrganisation: m.leader_id === null,
      text: m.text,
      dueDate: m.due_date,
      status: m.status,
      slips: m.slips,
      overdue: m.status === 'open' && m.due_date < today,
    })),
  };
}
