import type { StandInChannel, StandInUser } from '../slack/stand-in/slack';

/** A person of the demo sales org, as Slack knows them, with their place in the chart. */
interface DemoPerson extends StandInUser {
  readonly title: string;
  readonly role: 'ceo' | 'president' | 'manager' | 'rep';
  readonly manager?: string;
  readonly admin?: boolean;
}

const NY = 'America/New_York';
const LON = 'Europe/London';
const LA = 'America/Los_Angeles';
const KOL = 'Asia/Kolkata';

/** A CEO, a President of Sales, three managers and twelve reps in four time zones; Sam runs the tools. */
export const DEMO_PEOPLE: readonly DemoPerson[] = [
  { id: 'UCASEY001', name: 'Casey Chen', email: 'casey@demo.example', tz: NY, title: 'CEO', role: 'ceo' },
  {
    id: 'UPAT00001',
    name: 'Pat Rivera',
    email: 'pat@demo.example',
    tz: NY,
    title: 'President of Sales',
    role: 'president',
    manager: 'UCASEY001',
    admin: true,
  },
  {
    id: 'UANN00001',
    name: 'Ann Lee',
    email: 'ann@demo.example',
    tz: LON,
    title: 'Sales manager, EMEA',
    role: 'manager',
    manager: 'UPAT00001',
  },
  {
    id: 'UBOB00001',
    name: 'Bob Stone',
    email: 'bob@demo.example',
    tz: LA,
    title: 'Sales manager, West',
    role: 'manager',
    manager: 'UPAT00001',
  },
  {
    id: 'UDEV00001',
    name: 'Dev Rao',
    email: 'dev@demo.example',
    tz: KOL,
    title: 'Sales manager, APAC',
    role: 'manager',
    manager: 'UPAT00001',
  },
  { id: 'URAJ00001', name: 'Raj Patel', email: 'raj@demo.example', tz: LON, title: 'Account executive', role: 'rep', manager: 'UANN00001' },
  { id: 'UMIA00001', name: 'Mia Wong', email: 'mia@demo.example', tz: LON, title: 'Account executive', role: 'rep', manager: 'UANN00001' },
  { id: 'UKAI00001', name: 'Kai Berg', email: 'kai@demo.example', tz: LON, title: 'Account executive', role: 'rep', manager: 'UANN00001' },
  { id: 'UNOA00001', name: 'Noa Levi', email: 'noa@demo.example', tz: NY, title: 'Account executive', role: 'rep', manager: 'UANN00001' },
  { id: 'ULEO00001', name: 'Leo Park', email: 'leo@demo.example', tz: LA, title: 'Account executive', role: 'rep', manager: 'UBOB00001' },
  { id: 'UAVA00001', name: 'Ava Cruz', email: 'ava@demo.example', tz: LA, title: 'Account executive', role: 'rep', manager: 'UBOB00001' },
  { id: 'UJON00001', name: 'Jon Reyes', email: 'jon@demo.example', tz: LA, title: 'Account executive', role: 'rep', manager: 'UBOB00001' },
  { id: 'UELI00001', name: 'Eli Moss', email: 'eli@demo.example', tz: NY, title: 'Account executive', role: 'rep', manager: 'UBOB00001' },
  {
    id: 'UPRI00001',
    name: 'Priya Nair',
    email: 'priya@demo.example',
    tz: KOL,
    title: 'Account executive',
    role: 'rep',
    manager: 'UDEV00001',
  },
  {
    id: 'UARJ00001',
    name: 'Arjun Das',
    email: 'arjun@demo.example',
    tz: KOL,
    title: 'Account executive',
    role: 'rep',
    manager: 'UDEV00001',
  },
  { id: 'UMEI00001', name: 'Mei Tan', email: 'mei@demo.example', tz: KOL, title: 'Account executive', role: 'rep', manager: 'UDEV00001' },
  {
    id: 'UOMA00001',
    name: 'Omar Haddad',
    email: 'omar@demo.example',
    tz: LON,
    title: 'Account executive',
    role: 'rep',
    manager: 'UDEV00001',
  },
];

/** The sales-ops admin who installs and configures Cascade; outside the chain (CASCADE_ADMINS). */
export const DEMO_ADMIN: StandInUser & { title: string } = {
  id: 'USAM00001',
  name: 'Sam Ops',
  email: 'sam@demo.example',
  tz: NY,
  title: 'Sales operations (admin)',
};

/** Channels, with who is in them (for the page), and which Cascade is in. */
export const DEMO_CHANNELS: readonly (StandInChannel & { name: string; members: readonly string[] })[] = [
  {
    id: 'CLEADERS1',
    name: 'sales-leaders',
    member: true,
    members: ['UCASEY001', 'UPAT00001', 'UANN00001', 'UBOB00001', 'UDEV00001', 'USAM00001'],
  },
  { id: 'GEXEC0001', name: 'exec', private: true, member: true, members: ['UCASEY001', 'UPAT00001'] },
  { id: 'CMANAGERS', name: 'sales-managers', member: true, members: ['UPAT00001', 'UANN00001', 'UBOB00001', 'UDEV00001'] },
  { id: 'CTEAMANN1', name: 'team-emea', member: true, members: ['UANN00001', 'URAJ00001', 'UMIA00001', 'UKAI00001', 'UNOA00001'] },
];

export const DEMO_CSV = [
  'slack_user_id,name,role,manager,admin',
  ...DEMO_PEOPLE.map((p) => `${p.id},${p.name},${p.role},${p.manager ?? ''},${p.admin ? 'yes' : 'no'}`),
].join('\n');

export const DEMO_CORE_VALUE = 'Sales Excellence: the right conversation, at every level';
