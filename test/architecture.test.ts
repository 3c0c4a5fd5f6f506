import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { plainText } from '../src/errors';
import { slackText } from '../src/slack/blocks/text';

/** Every .ts file under src/, with its path relative to src/ and its text. */
function sources(): { path: string; text: string }[] {
  const root = join(__dirname, '..', 'src');
  const out: { path: string; text: string }[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.ts')) out.push({ path: relative(root, path), text: readFileSync(path, 'utf8') });
    }
  };
  walk(root);
  return out;
}

/** Every import of every file under src/, as the folder it names (`slack`, `scheduler`, `checkins` …). */
function imports(): { file: string; layer: string; target: string }[] {
  const root = join(__dirname, '..', 'src');
  return sources().flatMap((f) =>
    [...f.text.matchAll(/from '(\.[^']+)'/g)].map((m) => ({
      file: f.path,
      layer: f.path.split('/')[0]!,
      target: relative(root, resolve(dirname(join(root, f.path)), m[1]!)).split('/')[0]!,
    })),
  );
}

const DOMAIN = ['time', 'org', 'calendar', 'checkins', 'accountability', 'digests', 'outbox', 'db'];

describe('The house keeps its layers', () => {
  test('When the scheduler or a domain folder imports, then never from slack/ or the sandbox (the Slack adapter renders; handlers are handed in)', () => {
    const up = imports().filter(
      (i) => (i.layer === 'scheduler' || DOMAIN.includes(i.layer)) && (i.target === 'slack' || i.target === 'sandbox'),
    );
    expect(up).toEqual([]);
  });

  test('When a domain folder imports, then never from the scheduler, the composition root or the command line', () => {
    const up = imports().filter((i) => DOMAIN.includes(i.layer) && ['scheduler', 'index.ts', 'cli.ts', 'main.ts'].includes(i.target));
    expect(up).toEqual([]);
  });

  test('When folders import one another, then never both ways: no two folders of src/ import each other', () => {
    const pairs = new Set(
      imports()
        .filter((i) => i.layer !== i.target && !i.layer.endsWith('.ts') && !i.target.endsWith('.ts'))
        .map((i) => `${i.layer}>${i.target}`),
    );
    const both = [...pairs].filter((p) => pairs.has(p.split('>').reverse().join('>')));
    expect(both).toEqual([]);
  });

  test('When a delivery is sent or cancelled, then the dispatcher alone writes its row: handlers say what happened, and the outbox store writes no domain table', () => {
    const marks = sources().filter(
      (f) => /\bmark(Sent|Cancelled|Failed)\(/.test(f.text) && !['scheduler/dispatch.ts', 'outbox/store.ts'].includes(f.path),
    );
    expect(marks.map((f) => f.path)).toEqual([]);
    const store = sources().find((f) => f.path === 'outbox/store.ts')!.text;
    expect(store.match(/update (checkin|round|person)\b|updateTable\('(checkin|round|person)'\)/g)).toBeNull();
  });

  test('When something is queued, then through the outbox’s one door: no file but outbox/vocabulary.ts inserts into delivery or spells a key prefix', () => {
    const inserts = sources().filter(
      (f) => /insert into delivery|insertInto\('delivery'\)/i.test(f.text) && f.path !== 'outbox/vocabulary.ts',
    );
    expect(inserts.map((f) => f.path)).toEqual([]);
    const keys = sources().filter((f) =>
      /'(prompt|reminder|brief|team_post|round_live|update|reminder:round|update:round|update:closed|round_live:closed):' \|\|/.test(
        f.text,
      ),
    );
    expect(keys.map((f) => f.path)).toEqual([]);
  });

  test('When a listener handles a request, then it asks the domain: no file under slack/listeners or slack/commands queries a table', () => {
    const queries = sources().filter(
      (f) => /^slack\/(listeners|commands)\//.test(f.path) && /\.(selectFrom|updateTable|insertInto|deleteFrom)\(|\bsql`/.test(f.text),
    );
    expect(queries.map((f) => f.path)).toEqual([]);
  });

  test('When a span of time is written, then by name (time/durations.ts), never as a millisecond literal outside src/time', () => {
    const literal = /\b(86_?400_?000|3_?600_?000|3600_000|60_000|604_?800_?000)\b|\b(24 \* 60 \* 60|60 \* 60 \* 1000|60 \* 1000)\b/;
    expect(
      sources()
        .filter((f) => !f.path.startsWith('time/') && literal.test(f.text))
        .map((f) => f.path),
    ).toEqual([]);
  });

  test('When something is exported, then another file uses it: an export used only where it is written is a local', () => {
    // The files that may import from src/: src itself, the tests, the bench and the scripts.
    const roots = ['src', 'test', 'bench', 'scripts'].map((d) => join(__dirname, '..', d));
    const all: { path: string; text: string }[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (/\.(ts|js|mjs)$/.test(name)) all.push({ path, text: readFileSync(path, 'utf8') });
      }
    };
    for (const r of roots) if (statSync(r, { throwIfNoEntry: false })?.isDirectory()) walk(r);
    const local = all
      .filter((f) => f.path.startsWith(join(__dirname, '..', 'src', '')))
      .flatMap((f) =>
        [...f.text.matchAll(/^export (?:async )?(?:function\*? |const |let |interface |type |class |enum )(\w+)/gm)].map((m) => ({
          file: relative(join(__dirname, '..'), f.path),
          name: m[1]!,
        })),
      )
      .filter(({ file, name }) => {
        const word = new RegExp(`\\b${name}\\b`);
        return !all.some((g) => relative(join(__dirname, '..'), g.path) !== file && word.test(g.text));
      });
    expect(local).toEqual([]);
  });

  test('When time is read, then only through the clock: no file of src/ but the clock calls new Date() for now', () => {
    expect(
      sources()
        .filter((f) => /new Date\(\)/.test(f.text))
        .map((f) => f.path),
    ).toEqual(['time/clock.ts']);
  });

  test('When the domain says something, then in no surface’s syntax: people are {@U…} and commands {cmd:…}, written by each surface its own way', () => {
    const offenders = sources()
      .filter((f) => DOMAIN.includes(f.path.split('/')[0]!))
      .flatMap((f) =>
        f.text
          .split('\n')
          .filter((line) => !/^\s*(\/\/|\*|\/\*)/.test(line) && /<@\$\{|`\/cascade /.test(line))
          .map((line) => `${f.path}: ${line.trim().slice(0, 80)}`),
      );
    expect(offenders).toEqual([]);
    expect(plainText('Ask {@U0ADMIN}, or see {cmd:flags}.')).toBe('Ask U0ADMIN, or see /cascade flags.');
    expect(slackText('Ask {@U0ADMIN}, or see {cmd:flags}.')).toBe('Ask <@U0ADMIN>, or see `/cascade flags`.');
  });
});
