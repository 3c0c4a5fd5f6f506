import { parse } from 'csv-parse/sync';
import type { LineProblem } from '../errors';
interface CsvRecord {
  /** 1-based line number in the text where the record starts. */
  readonly line: number;
  readonly fields: string[];
}

interface CsvParseResult {
  readonly records: CsvRecord[];
  readonly errors: LineProblem[];
}

/** What csv-parse's errors mean, in words for the person whose file it is. */
const PROBLEMS: Readonly<Record<string, string>> = {
  CSV_QUOTE_NOT_CLOSED: 'a quoted field is never closed',
  CSV_INVALID_CLOSING_QUOTE: 'text after a closing quote: quote the whole field, and double any quote inside it',
  INVALID_OPENING_QUOTE: 'a quote inside a field that is not quoted: quote the whole field, and double any quote inside it',
};

/**
 * RFC 4180 CSV, read by csv-parse: quoted fields may hold commas, doubled quotes and line breaks; CRLF, LF or
 * CR; a leading BOM is ignored; blank lines are skipped. Each record keeps the line it starts on; the first
 * problem stops the reading and is reported on its line (an unclosed quote on the line its record began).
 */
export function parseCsv(text: string): CsvParseResult {
  // One line break for all: csv-parse takes one record delimiter, and a file may mix them.
  const src = text.replace(/\r\n?/g, '\n');
  let lastEnd = 0;
  let parsed: { record: string[]; info: { lines: number }; raw: string }[];
  try {
    // With `info` and `raw`, each record comes as { record, info, raw } (csv-parse's types do not follow the options).
    parsed = parse(src, {
      bom: true,
      info: true,
      raw: true,
      record_delimiter: '\n',
      relax_column_count: true,
      skip_empty_lines: true,
      on_record: (record, context) => {
        lastEnd = context.lines;
        return record;
      },
    }) as unknown as typeof parsed;
  } catch (err) {
    const e = err as { code?: string; lines?: number; message?: string };
    const message = PROBLEMS[e.code ?? ''] ?? `cannot be read as CSV (${e.code ?? e.message ?? 'unknown problem'})`;
    return { records: [], errors: [{ line: e.code === 'CSV_QUOTE_NOT_CLOSED' ? firstLineAfter(src, lastEnd) : (e.lines ?? 1), message }] };
  }
  const records: CsvRecord[] = [];
  const errors: LineProblem[] = [];
  for (const { record, info, raw } of parsed) {
    // Where the record starts: the line it ends on, less the line breaks inside it (the blank lines skipped before it are in `raw` too).
    const line = info.lines - (raw.replace(/^\n+/, '').replace(/\n$/, '').match(/\n/g)?.length ?? 0);
    if (record.some((f) => f.includes('\u0000'))) errors.push({ line, message: 'contains a NUL character, which cannot be kept' });
    else if (!(record.length === 1 && record[0]!.trim() === '')) records.push({ line, fields: record });
  }
  return { records, errors };
}

/** The first line after line `after` that is not blank (1-based): where the record being read began. */
function firstLineAfter(text: string, after: number): number {
  const lines = text.split('\n');
  let i = after;
  while (i < lines.length && lines[i]!.trim() === '') i += 1;
  return i + 1;
}

/** Writes one CSV line, quoting where needed. */
export function toCsvLine(values: readonly (string | number | boolean | null | undefined)[]): string {
  return values
    .map((v) => {
      const s = v === null || v === undefined ? '' : String(v);
      return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
    })
    .join(',');
}

/** Where each column of a header is, or what is missing from it. */
function headerIndex(fields: string[], required: readonly string[], optional: readonly string[] = []): Map<string, number> | string {
  const names = fields.map((f) => f.trim().toLowerCase());
  const missing = required.filter((r) => !names.includes(r));
  if (missing.length)
    return `the header must name the columns ${[...required, ...optional.map((o) => `[${o}]`)].join(', ')}; missing: ${missing.join(', ')}`;
  return new Map(names.map((n, i) => [n, i]));
}

/** A CSV file read as a table: its rows with a reader of each named cell, and the problems found so far. */
interface CsvTable {
  readonly ok: true;
  readonly rows: readonly CsvRecord[];
  /** The trimmed text of a column in a row ('' when the column is optional and absent). */
  readonly cell: (row: CsvRecord, column: string) => string;
  readonly has: (column: string) => boolean;
  /** Problems of the reading itself (a NUL character); the caller adds its own and refuses the file while any stands. */
  readonly errors: LineProblem[];
}

/** What refuses a whole file before any row is looked at: it is empty, or its header lacks a column. */
interface CsvRefusal {
  readonly ok: false;
  readonly applied: 0;
  readonly errors: LineProblem[];
}

/** Reads a CSV file with a header naming `required` columns (and perhaps `optional` ones), in any order. */
export function readTable(text: string, required: readonly string[], optional: readonly string[] = []): CsvTable | CsvRefusal {
  const parsed = parseCsv(text);
  const [header, ...rows] = parsed.records;
  if (!header) return { ok: false, applied: 0, errors: parsed.errors.length ? parsed.errors : [{ line: 1, message: 'the file is empty' }] };
  const cols = headerIndex(header.fields, required, optional);
  if (typeof cols === 'string') return { ok: false, applied: 0, errors: [{ line: header.line, message: cols }] };
  return {
    ok: true,
    rows,
    cell: (row, column) => {
      const i = cols.get(column);
      return i === undefined ? '' : (row.fields[i] ?? '').trim();
    },
    has: (column) => cols.has(column),
    errors: [...parsed.errors],
  };
}
