import { descendantsOf, validateChart, type ChartEntry } from '../../src/org/chart';
import { parseCsv, toCsvLine } from '../../src/org/csv';

describe('parseCsv', () => {
  test('When fields are quoted with commas, doubled quotes and line breaks, then each record keeps its first line number', () => {
    const { records, errors } = parseCsv('\uFEFFa,b\r\n"x, y","say ""hi"""\n\n"multi\nline",z\n');
    expect(errors).toEqual([]);
    expect(records).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['x, y', 'say "hi"'] },
      { line: 4, fields: ['multi\nline', 'z'] },
    ]);
  });

  test('When a quote is never closed, then the error names the line where the field began', () => {
    expect(parseCsv('a,b\n1,"open\n2,3').errors).toEqual([{ line: 2, message: 'a quoted field is never closed' }]);
  });

  test('When text follows a closing quote, then that line is reported', () => {
    expect(parseCsv('a,b\n"x"y,2').errors[0]).toMatchObject({ line: 2 });
  });

  test('When values are written back, then they round-trip', () => {
    const line = toCsvLine(['plain', 'with, comma', 'with "quote"', null, 3]);
    expect(parseCsv(line).records[0]!.fields).toEqual(['plain', 'with, comma', 'with "quote"', '', '3']);
  });
});

const e = (id: string, role: ChartEntry['role'], reportsTo: string | null, line?: number): ChartEntry => ({ id, name: id, role, reportsTo, line });

describe('validateChart', () => {
  const good = [e('C', 'ceo', null), e('P', 'president', 'C'), e('M', 'manager', 'P'), e('R', 'rep', 'M')];

  test('When the chain runs CEO → president → manager → rep, then there is no problem', () => {
    expect(validateChart(good)).toEqual([]);
  });

  test('When there is no CEO, then that is the problem', () => {
    expect(validateChart([e('P', 'president', null)]).map((p) => p.message)).toContain(
      'the org chart has no CEO: exactly one person must have the role ceo',
    );
  });

  test('When a manager reports straight to the CEO, then the role rule names both', () => {
    expect(validateChart([...good, e('M2', 'manager', 'C', 9)])).toEqual([
      { line: 9, personId: 'M2', message: 'a manager must report to a president, but C is a ceo (the chain runs CEO → president → manager → rep)' },
    ]);
  });

  test('When three people report in a circle, then one cycle problem is given, not three', () => {
    const problems = validateChart([...good, e('A', 'manager', 'B', 5), e('B', 'manager', 'D', 6), e('D', 'manager', 'A', 7)]);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toBe('reporting lines form a cycle: A → B → D → A');
  });

  test('When someone is below a leader, then descendantsOf finds direct and indirect reports but no peers', () => {
    const people = [...good, e('R2', 'rep', 'M'), e('M2', 'manager', 'P'), e('R3', 'rep', 'M2')].map((x) => ({ id: x.id, reportsTo: x.reportsTo }));
    expect(descendantsOf('M', people).sort()).toEqual(['R', 'R2']);
    expect(descendantsOf('P', people).sort()).toEqual(['M', 'M2', 'R', 'R2', 'R3']);
    expect(descendantsOf('R', people)).toEqual([]);
  });
});
