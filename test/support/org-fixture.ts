import type { StandInUser } from '../../src/slack/stand-in/slack';

/** A small sales org across time zones, as Slack knows it. */
export const PEOPLE = {
  ceo: { id: 'UCEO0001', name: 'Casey Chen', email: 'casey@example.com', tz: 'America/New_York' },
  president: { id: 'UPRES001', name: 'Pat Rivera', email: 'pat@example.com', tz: 'America/Chicago' },
  ann: { id: 'UMGR0001', name: 'Ann Lee', email: 'ann@example.com', tz: 'Europe/London' },
  bob: { id: 'UMGR0002', name: 'Bob Stone', email: 'bob@example.com', tz: 'America/Los_Angeles' },
  raj: { id: 'UREP0001', name: 'Raj Patel', email: 'raj@example.com', tz: 'Asia/Kolkata' },
  mia: { id: 'UREP0002', name: 'Mia Wong', email: 'mia@example.com', tz: 'Europe/London' },
  leo: { id: 'UREP0003', name: 'Leo Park', email: 'leo@example.com', tz: 'America/Los_Angeles' },
  admin: { id: 'UADMIN01', name: 'Sam Ops', email: 'sam@example.com', tz: 'Europe/Paris' },
} satisfies Record<string, StandInUser>;

export const ALL_USERS: StandInUser[] = Object.values(PEOPLE);

/** The org above as an import CSV keyed by email; line numbers: header 1, CEO 2, … */
export const ORG_CSV = [
  'email,name,role,manager,admin',
  'casey@example.com,Casey Chen,ceo,,yes',
  'pat@example.com,Pat Rivera,president,casey@example.com,',
  'ann@example.com,Ann Lee,manager,pat@example.com,',
  'bob@example.com,Bob Stone,manager,pat@example.com,',
  'raj@example.com,Raj Patel,rep,ann@example.com,',
  'mia@example.com,Mia Wong,rep,ann@example.com,',
  'leo@example.com,Leo Park,rep,bob@example.com,',
].join('\n');
