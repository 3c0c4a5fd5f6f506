import type { LineProblem } from '../errors';
export interface CsvRecord {
  /** 1-based line number in the text where the record starts. */
  readonly line: number;
  readonly fields: string[];
}

export interface CsvParseResult {
  readonly records: CsvRecord[];
  readonly errors: LineProblem[];
}

/**
 * RFC 4180 CSV: quoted fields may hold commas, doubled quotes and line breaks; CRLF or LF; a leading BOM
 * is ignored; blank lines are skipped. An unclosed quote is reported on the line where the field began.
 */
export function parseCsv(text: string): CsvParseResult {
  const src = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  const errors: LineProblem[] = [];
  let line = 1;
  let i = 0;

  while (i < src.length) {
    const startLine = line;
    const fields: string[] = [];
    let field = '';
    let quoted = false;
    let fieldStartLine = line;
    let endOfRecord = false;

    while (i < src.length && !endOfRecord) {
      const ch = src[i]!;
      if (quoted) {
        if (ch === '"') {
          if (src[i + 1] === '"') {
            field += '"';
            i += 2;
          } else {
            quoted = false;
            i += 1;
            const next = src[i];
            if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') {
              errors.push({ line, message: 'text after a closing quote: quote the whole field, and double any quote inside it' });
              while (i < src.length && src[i] !== ',' && src[i] !== '\n' && src[i] !== '\r') i += 1;
            }
          }
        } else {
          if (ch === '\n') line += 1;
          field += ch;
          i += 1;
        }
        continue;
      }
      if (ch === '"' && field.trim() === '') {
        quoted = true;
        field = '';
        fieldStartLine = line;
        i += 1;
      } else if (ch === ',') {
        fields.push(field);
        field = '';
        i += 1;
      } else if (ch === '\r' || ch === '\n') {
        i += ch === '\r' && src[i + 1] === '\n' ? 2 : 1;
        line += 1;
        endOfRecord = true;
      } else {
        field += ch;
        i += 1;
      }
    }
    if (quoted) {
      errors.push({ line: fieldStartLine, message: 'a quoted field is never closed' });
      break;
    }
    fields.push(field);
    if (fields.some((f) => f.includes('\u0000'))) errors.push({ line: startLine, message: 'contains a NUL character, which cannot be kept' });
    else if (!(fields.length === 1 && fields[0]!.trim() === '')) records.push({ line: startLine, fields });
  }
  return { records, errors };
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
export function headerIndex(fields: string[], required: readonly string[], optional: readonly string[] = []): Map<string, number> | string {
  const names = fields.map((f) => f.trim().toLowerCase());
  const missing = required.filter((r) => !names.includes(r));
  if (missing.length) return `the header must name the columns ${[...required, ...optional.map((o) => `[${o}]`)].join(', ')}; missing: ${missing.join(', ')}`;
  return new Map(names.map((n, i) => [n, i]));
}
