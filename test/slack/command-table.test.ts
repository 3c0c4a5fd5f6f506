import { COMMANDS, parseCommand, SUBCOMMANDS } from '../../src/slack/commands';
import { allowedOf } from '../../src/slack/commands/kit';

describe('Slash commands are one table', () => {
  test('Each subcommand is one entry: its words are unique, its usage starts with them, and help lists it', () => {
    const paths = SUBCOMMANDS.map((s) => s.path.join(' '));
    expect(new Set(paths).size).toBe(paths.length);
    for (const s of SUBCOMMANDS) {
      expect(s.usage.startsWith(`/cascade ${s.path.join(' ')}`)).toBe(true);
      expect(COMMANDS.some((c) => c.usage === s.usage && c.about === s.about && c.allowed === allowedOf(s))).toBe(true);
    }
  });

  test('Who may use a command is enforced from the table: every admins’ command names what it does for the refusal', () => {
    for (const s of SUBCOMMANDS.filter((x) => typeof x.allowed === 'object'))
      expect([s.path.join(' '), (s.allowed as { admins: string }).admins]).toEqual([
        s.path.join(' '),
        expect.stringMatching(/^[a-z].{3,}[^.]$/),
      ]);
  });

  test('When a subcommand’s words are typed, then they parse to that entry (kind = its words joined by dots)', () => {
    expect(parseCommand('goal set <@U1AA> "Calls" 10 count weekly')).toMatchObject({ kind: 'goal.set', userId: 'U1AA', name: 'Calls' });
    expect(parseCommand('cadences')).toEqual({ kind: 'cadence.list' });
    expect(parseCommand('question retire 4')).toEqual({ kind: 'questions.retire', id: 4 });
    expect(parseCommand('corevalue "Win together"')).toEqual({ kind: 'core-value', text: 'Win together' });
    expect(parseCommand('help admin')).toEqual({ kind: 'help', admin: true });
    expect(parseCommand('flag')).toMatchObject({ kind: 'usage', error: expect.stringContaining('Say whose flag to close') });
    expect(parseCommand('digest')).toMatchObject({ kind: 'usage', error: 'Say what to do with the digest.' });
  });

  test('When a person is typed after @ without being picked from Slack’s list, then the agenda refuses it rather than add it to your own agenda as a topic', () => {
    expect(parseCommand('agenda add @Raj "Acme next steps"')).toMatchObject({
      kind: 'usage',
      error: expect.stringContaining('I could not read @Raj as a person'),
    });
    expect(parseCommand('agenda add <@U1AA|raj> "Acme next steps"')).toEqual({
      kind: 'agenda.add',
      userId: 'U1AA',
      text: 'Acme next steps',
    });
    expect(parseCommand('agenda add "Email @Raj the deck"')).toEqual({ kind: 'agenda.add', text: 'Email @Raj the deck' });
  });
});
