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

  test('When lines end in CR alone, or blank lines come first, or a quote sits inside a bare field, then lines are still named right', () => {
    expect(parseCsv('a,b\r\r\n\n1,2\r3,4').records).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 4, fields: ['1', '2'] },
      { line: 5, fields: ['3', '4'] },
    ]);
    expect(parseCsv('a,b\n1,2\nab"c,3').errors).toEqual([
      { line: 3, message: 'a quote inside a field that is not quoted: quote the whole field, and double any quote inside it' },
    ]);
  });

  test('When values are written back, then they round-trip', () => {
    const line = toCsvLine(['plain', 'with, comma', 'with "quote"', null, 3]);
    expect(parseCsv(line).records[0]!.fields).toEqual(['plain', 'with, comma', 'with "quote"', '', '3']);
  });
});

const e = (id: string, role: ChartEntry['role'], reportsTo: string | null, line?: number): ChartEntry => ({
  id,
  name: id,
  role,
  reportsTo,
  line,
});

describe('validateChart', () => {
  const good = [e('C', 'ceo', null), e('P', 'president', 'C'), e('M', 'manager', 'P'), e('R', 'rep', 'M')];

  test('When the chain runs CEO → president → manager → rep, then there is no problem', () => {
    expect(validateChart(good)).toEqual([]);
  });

  test('When everyone in the chain reports to someone, then there is no top, and that is the problem', () => {
    expect(validateChart([e('A', 'manager', 'B'), e('B', 'manager', 'A')]).map((p) => p.message)).toContain(
      'the org chart has no top: exactly one person in the chain must report to no one (the CEO)',
    );
  });

  test('When a manager reports straight to the CEO, or a president leads no one, then that is a chain of another shape, not a problem', () => {
    expect(validateChart([...good, e('M2', 'manager', 'C', 9)])).toEqual([]);
    expect(validateChart([e('P', 'president', null)])).toEqual([]);
  });

  test('When titles are free text, then only the tree is checked: one top, leaders known and in the chain, at most 12 levels', () => {
    const deep = Array.from({ length: 13 }, (_, i) => e(`L${i}`, i === 0 ? 'CEO' : 'Director', i === 0 ? null : `L${i - 1}`, i + 2));
    expect(validateChart(deep.slice(0, 12))).toEqual([]);
    expect(validateChart(deep)).toEqual([
      { line: 14, personId: 'L12', message: 'the chain is deeper than 12 levels: L12 would be on level 13' },
    ]);
    const ops = { ...e('OPS', 'RevOps', null, 7), inChain: false };
    expect(validateChart([...good, ops])).toEqual([]);
    expect(validateChart([...good, { ...ops, reportsTo: 'C' }]).map((p) => p.message)).toEqual([
      'OPS is outside the chain (in_chain no), so reports to no one: leave the manager empty',
    ]);
    expect(validateChart([...good, ops, e('R9', 'SDR', 'OPS', 8)]).map((p) => p.message)).toEqual([
      'OPS is outside the chain (in_chain no), so no one can report to them',
    ]);
    expect(validateChart([...good, e('X', 'CRO', null, 5)]).map((p) => p.line)).toEqual([5]);
  });

  test('When three people report in a circle, then one cycle problem is given, not three', () => {
    const problems = validateChart([...good, e('A', 'manager', 'B', 5), e('B', 'manager', 'D', 6), e('D', 'manager', 'A', 7)]);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toBe('reporting lines form a cycle: A → B → D → A');
  });

  test('When someone is below a leader, then descendantsOf finds direct and indirect reports but no peers', () => {
    const people = [...good, e('R2', 'rep', 'M'), e('M2', 'manager', 'P'), e('R3', 'rep', 'M2')].map((x) => ({
      id: x.id,
      reportsTo: x.reportsTo,
    }));
    expect(descendantsOf('M', people).sort()).toEqual(['R', 'R2']);
    expect(descendantsOf('P', people).sort()).toEqual(['M', 'M2', 'R', 'R2', 'R3']);
    expect(descendantsOf('R', people)).toEqual([]);
  });
});
