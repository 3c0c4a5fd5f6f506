import { parseCommand, tokenize } from '../../src/slack/commands';

describe('parseCommand', () => {
  test('When the text is empty or help, then it is help', () => {
    expect(parseCommand('')).toEqual({ kind: 'help' });
    expect(parseCommand('  HELP ')).toEqual({ kind: 'help' });
  });

  test('When mentions arrive escaped, with or without a name, then the Slack IDs are read', () => {
    expect(parseCommand('org show <@U012ABC|ann.lee>')).toEqual({ kind: 'org.show', userId: 'U012ABC' });
    expect(parseCommand('org show <@W0XYZ>')).toEqual({ kind: 'org.show', userId: 'W0XYZ' });
    expect(parseCommand('org show')).toEqual({ kind: 'org.show' });
  });

  test('When org set has every part, then role, leader and admin flag are read in any order after the role', () => {
    expect(parseCommand('org set <@U1AA|a> rep reports-to <@U2BB|b>')).toEqual({
      kind: 'org.set',
      userId: 'U1AA',
      role: 'rep',
      reportsTo: 'U2BB',
    });
    expect(parseCommand('org set <@U1AA> Manager admin reports to <@U2BB>')).toEqual({
      kind: 'org.set',
      userId: 'U1AA',
      role: 'manager',
      reportsTo: 'U2BB',
      admin: true,
    });
    expect(parseCommand('org set <@U1AA> ceo not-admin')).toEqual({ kind: 'org.set', userId: 'U1AA', role: 'ceo', admin: false });
  });

  test.each([
    ['org set', /Name the person with an @mention/],
    ['org set @ann rep', /could not read @ann as a person/],
    ['org set <@U1AA> reports-to <@U2BB>', /"reports-to" is not a title/],
    ['org set <@U1AA> rep reports-to', /Name the leader after reports-to/],
    ['org set <@U1AA> rep reports-to <@U1AA>', /Nobody can report to themselves/],
    ['org set <@U1AA> ceo reports-to <@U2BB>', /The CEO reports to no one/],
    ['org set <@U1AA> rep sideways', /Unexpected "sideways"/],
    ['org remove', /Name the person to remove/],
    ['org import now', /takes no arguments/],
    ['org', /Say what to do with the org chart/],
    ['org fire <@U1AA>', /Unknown org command "fire"/],
    ['dance', /Unknown command "dance"/],
  ])('When the text is "%s", then a usage message explains what was wrong', (text, expected) => {
    const parsed = parseCommand(text);
    expect(parsed.kind).toBe('usage');
    if (parsed.kind === 'usage') {
      expect(parsed.error).toMatch(expected);
      expect(parsed.usage.length).toBeGreaterThan(0);
    }
  });

  test('When text has quotes and channels, then tokens keep phrases whole', () => {
    expect(tokenize('goal "New pipeline" <#C123|sales>')).toEqual([
      { kind: 'word', text: 'goal' },
      { kind: 'word', text: 'New pipeline', quoted: true },
      { kind: 'channel', id: 'C123' },
    ]);
  });
});
