import type { Kysely } from 'kysely';
import type { CheckinStatus, Database, Level } from '../db/types';

/** Everything a prompt, reminder or status edit says about one check-in. */
export interface CheckinContext {
  readonly id: number;
  readonly teamId: string;
  readonly personId: string;
  readonly personTz: string;
  readonly part: 'member' | 'leader';
  readonly status: CheckinStatus;
  readonly skipReason: string | null;
  readonly dueAt: Date;
  readonly closesAt: Date;
  readonly answeredAt: Date | null;
  readonly channelId: string | null;
  readonly messageTs: string | null;
  readonly occurrence: string;
  readonly leaderId: string;
  readonly leaderName: string;
  readonly cadenceName: string;
  readonly level: Level;
  readonly frequency: string;
}

export async function checkinContext(db: Kysely<Database>, checkinId: number): Promise<CheckinContext | undefined> {
  const row = await db
    .selectFrom('checkin as c')
    .innerJoin('round as r', 'r.id', 'c.round_id')
    .innerJoin('cadence as k', 'k.id', 'r.cadence_id')
    .innerJoin('person as p', (j) => j.onRef('p.team_id', '=', 'c.team_id').onRef('p.slack_user_id', '=', 'c.person_id'))
    .leftJoin('person as l', (j) => j.onRef('l.team_id', '=', 'r.team_id').onRef('l.slack_user_id', '=', 'r.leader_id'))
    .select([
      'c.id',
      'c.team_id',
      'c.person_id',
      'p.tz',
      'c.part',
      'c.status',
      'c.skip_reason',
      'c.due_at',
      'c.closes_at',
      'c.answered_at',
      'c.channel_id',
      'c.message_ts',
      'r.occurrence',
      'r.leader_id',
      'l.name as leader_name',
      'k.name as cadence_name',
      'k.level',
      'k.frequency',
    ])
    .where('c.id', '=', checkinId)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.id,
    teamId: row.team_id,
    personId: row.person_id,
    personTz: row.tz,
    part: row.part,
    status: row.status,
    skipReason: row.skip_reason,
    dueAt: row.due_at,
    closesAt: row.closes_at,
    answeredAt: row.answered_at,
    channelId: row.channel_id,
    messageTs: row.message_ts,
    occurrence: row.occurrence,
    leaderId: row.leader_id,
    leaderName: row.leader_name ?? row.leader_id,
    cadenceName: row.cadence_name,
    level: row.level,
    frequency: row.frequency,
  };
}
