import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli';

const root = join(__dirname, '..', '..');

export interface CliRun {
  readonly child: ChildProcess;
  readonly stdout: () => string;
  readonly stderr: () => string;
  readonly exit: Promise<{ code: number | null; ms: number }>;
}

/**
 * Runs the `cascade` command as a separate process, from the TypeScript sources, in an empty working
 * folder (so no developer's .env leaks in) and with only the variables given plus PATH and HOME.
 */
export function cascade(args: string[], env: Record<string, string>, options: { cwd?: string } = {}): CliRun {
  const started = Date.now();
  const cwd = options.cwd ?? mkdtempSync(join(tmpdir(), 'cascade-cli-'));
  const child = spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), join(root, 'src', 'main.ts'), ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? cwd, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<{ code: number | null; ms: number }>((resolve) =>
    child.on('exit', (code) => resolve({ code, ms: Date.now() - started })),
  );
  return { child, stdout: () => out, stderr: () => err, exit };
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Runs the `cascade` command in this process (`main(argv, io)`), with only the variables given: the same
 * code as the real command without a process start for each run. Output is what it wrote to `io`.
 */
export function cascadeHere(args: string[], env: Record<string, string>): Omit<CliRun, 'child'> {
  let out = '';
  let err = '';
  const started = Date.now();
  const exit = main(args, { out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`), env: { ...env } }).then((code) => ({
    code,
    ms: Date.now() - started,
  }));
  return { stdout: () => out, stderr: () => err, exit };
}
