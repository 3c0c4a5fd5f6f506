import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { plainText } from '../src/errors';
import { slackText } from '../src/slack/blocks/text';

/** Every import of every file under src/, as the folder it names (`slack`, `scheduler`, `checkins` …). */
function imports(): { file: string; layer: string; target: string }[] {
  const root = join(__dirname, '..', 'src');
  const out: { file: string; layer: string; target: string }[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.ts')) {
        const text = readFileSync(path, 'utf8');
        for (const m of text.matchAll(/from '(\.[^']+)'/g)) {
          const target = relative(root, resolve(dirname(path), m[1]!));
          out.push({ file: relative(root, path), layer: relative(root, path).split('/')[0]!, target: target.split('/')[0]! });
        }
      }
    }
  };
  walk(root);
  return out;
}

const DOMAIN = ['time', 'org', 'calendar', 'checkins', 'accountability', 'digests', 'outbox', 'db'];

describe('The house keeps its layers', () => {
  test('When the scheduler or a domain folder imports, then never from slack/ or the sandbox (the Slack adapter renders; handlers are handed in)', () => {
    const up = imports().filter((i) => (i.layer === 'scheduler' || DOMAIN.includes(i.layer)) && (i.target === 'slack' || i.target === 'sandbox'));
    expect(up).toEqual([]);
  });

  test('When a domain folder imports, then never from the scheduler, the composition root or the command line', () => {
    const up = imports().filter((i) => DOMAIN.includes(i.layer) && ['scheduler', 'index.ts', 'cli.ts', 'main.ts'].includes(i.target));
    expect(up).toEqual([]);
  });

  test('When folders import one another, then never both ways: no two folders of src/ import each other', () => {
    const pairs = new Set(imports().filter((i) => i.layer !== i.target && !i.layer.endsWith('.ts') && !i.target.endsWith('.ts')).map((i) => `${i.layer}>${i.target}`));
    const both = [...pairs].filter((p) => pairs.has(p.split('>').reverse().join('>')));
    expect(both).toEqual([]);
  });

  test('When time is read, then only through the clock: no file of src/ but the clock calls new Date() for now', () => {
    const root = join(__dirname, '..', 'src');
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (name.endsWith('.ts') && /new Date\(\)/.test(readFileSync(path, 'utf8'))) offenders.push(relative(root, path));
      }
    };
    walk(root);
    expect(offenders).toEqual(['time/clock.ts']);
  });

  test('When the domain says something, then in no surface’s syntax: people are {@U…} and commands {cmd:…}, written by each surface its own way', () => {
    const root = join(__dirname, '..', 'src');
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (name.endsWith('.ts') && DOMAIN.includes(relative(root, path).split('/')[0]!)) {
          readFileSync(path, 'utf8')
            .split('\n')
            .filter((line) => !/^\s*(\/\/|\*|\/\*)/.test(line))
            .forEach((line) => /<@\$\{|`\/cascade /.test(line) && offenders.push(`${relative(root, path)}: ${line.trim().slice(0, 80)}`));
        }
      }
    };
    walk(root);
    expect(offenders).toEqual([]);
    expect(plainText('Ask {@U0ADMIN}, or see {cmd:flags}.')).toBe('Ask U0ADMIN, or see /cascade flags.');
    expect(slackText('Ask {@U0ADMIN}, or see {cmd:flags}.')).toBe('Ask <@U0ADMIN>, or see `/cascade flags`.');
  });
});
