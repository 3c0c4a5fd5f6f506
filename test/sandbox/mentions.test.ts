import { escapeMentions } from '../../src/sandbox/page';

const PEOPLE = [
  { id: 'URAJ00001', name: 'Raj Patel' },
  { id: 'URAJ00002', name: 'Raj Kumar' },
  { id: 'UMIA00001', name: 'Mia Wong' },
  { id: 'UANN00001', name: 'Ann Lee' },
];
const CHANNELS = [
  { id: 'CTEAMANN1', name: 'team-emea' },
  { id: 'CTEAM0002', name: 'team' },
];

describe('The sandbox sends names as Slack sends a name picked from its list', () => {
  test('When a full name, a first name that is one person’s, or a Slack ID follows @, then it becomes a mention', () => {
    expect(escapeMentions('team @Raj Patel', PEOPLE, CHANNELS)).toBe('team <@URAJ00001|raj.patel>');
    expect(escapeMentions('team @mia', PEOPLE, CHANNELS)).toBe('team <@UMIA00001|mia.wong>');
    expect(escapeMentions('team @UANN00001', PEOPLE, CHANNELS)).toBe('team <@UANN00001|ann.lee>');
    expect(escapeMentions('agenda add @Mia Wong "Call @Ann Lee back"', PEOPLE, CHANNELS)).toBe(
      'agenda add <@UMIA00001|mia.wong> "Call <@UANN00001|ann.lee> back"',
    );
  });

  test('When a first name is two people’s, or the name is no one’s, or @ is inside a word, then the text is left as typed', () => {
    expect(escapeMentions('team @Raj', PEOPLE, CHANNELS)).toBe('team @Raj');
    expect(escapeMentions('team @Zoe', PEOPLE, CHANNELS)).toBe('team @Zoe');
    expect(escapeMentions('commit "email raj@example.com"', PEOPLE, CHANNELS)).toBe('commit "email raj@example.com"');
    expect(escapeMentions('team @Mias', PEOPLE, CHANNELS)).toBe('team @Mias');
  });

  test('When a channel’s name follows #, then it becomes a channel link, the longest name first', () => {
    expect(escapeMentions('digest channel team #team-emea', PEOPLE, CHANNELS)).toBe('digest channel team <#CTEAMANN1|team-emea>');
    expect(escapeMentions('digest channel team #team', PEOPLE, CHANNELS)).toBe('digest channel team <#CTEAM0002|team>');
    expect(escapeMentions('digest channel team #sales', PEOPLE, CHANNELS)).toBe('digest channel team #sales');
  });
});
