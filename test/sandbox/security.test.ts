import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config';
import { openDatabase } from '../../src/db/connect';
import { createLog } from '../../src/log';
import { sandboxRefusal, TOKEN_FIELD } from '../../src/sandbox/page';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/run';
import { LogCapture } from '../support/app';
import { PGLITE_DUMP_ENV } from '../support/db';

/**
 * The sandbox is a page on the visitor's own machine that can act as anyone of the demo org: another site
 * open in the same browser must not be able to drive it (a form posted across sites, a name rebound to
 * 127.0.0.1, a frame).
 */
let dir: string;
let sandbox: RunningSandbox;

/** A raw request, so that Host, Origin and Sec-Fetch-Site are sent exactly as given. */
function send(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: sandbox.port,
        method,
        path,
        headers: {
          ...headers,
          ...(body ? { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(Buffer.byteLength(body)) } : {}),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cascade-sandbox-security-'));
  const dump = process.env[PGLITE_DUMP_ENV];
  if (dump) await (await openDatabase({ dataDir: join(dir, 'sandbox', 'db'), loadDataDir: new Blob([readFileSync(dump)]) })).close();
  const result = loadConfig({ DATA_DIR: dir, PORT: '0', SANDBOX_HISTORY_DAYS: '1' }, { requireSlack: false });
  if (!result.ok) throw new Error(result.problems.join('\n'));
  sandbox = await startSandbox(result.config, {
    log: createLog({ level: 'warn', destination: new LogCapture() }),
    start: new Date('2026-11-30T10:30:00Z'),
  });
}, 300_000);

afterAll(async () => {
  await sandbox?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('The sandbox takes orders only from its own pages', () => {
  const host = () => `localhost:${sandbox.port}`;
  const pageToken = async () => {
    const page = await send('GET', '/sandbox/as/URAJ00001', { host: host() });
    return new RegExp(`name="${TOKEN_FIELD}" value="([0-9a-f]+)"`).exec(page.body)![1]!;
  };
  const clock = () => send('GET', '/sandbox', { host: host() }).then((r) => /<strong>([^<]+)<\/strong>/.exec(r.body)?.[1]);

  test('When a page is served, then it cannot be framed, runs no script, and every form carries the page token', async () => {
    const page = await send('GET', '/sandbox/as/URAJ00001', { host: host() });
    expect(page.status).toBe(200);
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    const forms = page.body.match(/<form\b/g)!.length;
    expect(forms).toBeGreaterThan(3);
    expect(page.body.match(new RegExp(`name="${TOKEN_FIELD}"`, 'g'))!.length).toBe(forms);
  });

  test('When another name points at the sandbox (DNS rebinding), then it is refused, pages and forms alike', async () => {
    expect((await send('GET', '/sandbox', { host: `evil.example:${sandbox.port}` })).status).toBe(403);
    expect((await send('GET', '/sandbox', { host: 'localhost:1' })).status).toBe(403);
    const token = await pageToken();
    expect(
      (await send('POST', '/sandbox/clock', { host: `evil.example:${sandbox.port}` }, `to=next-monday&${TOKEN_FIELD}=${token}`)).status,
    ).toBe(403);
  });

  test('When another site posts a form (cross-site, or without the page token), then nothing is done', async () => {
    const before = await clock();
    const token = await pageToken();
    const posts = [
      send('POST', '/sandbox/clock', { host: host(), origin: 'http://evil.example' }, `to=next-monday&${TOKEN_FIELD}=${token}`),
      send('POST', '/sandbox/clock', { host: host(), 'sec-fetch-site': 'cross-site' }, `to=next-monday&${TOKEN_FIELD}=${token}`),
      send('POST', '/sandbox/clock', { host: host() }, 'to=next-monday'),
      send(
        'POST',
        '/sandbox/as/URAJ00001/command',
        { host: host(), origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' },
        'text=commit%20pwned',
      ),
    ];
    for (const res of await Promise.all(posts)) expect(res.status).toBe(403);
    expect(await clock()).toBe(before);
    expect((await send('GET', '/sandbox/as/URAJ00001', { host: host() })).body).not.toContain('pwned');
  });

  test('When the sandbox’s own page posts its form, then it is done', async () => {
    const token = await pageToken();
    const res = await send(
      'POST',
      '/sandbox/as/URAJ00001/command',
      { host: host(), origin: `http://${host()}`, 'sec-fetch-site': 'same-origin' },
      `text=status&${TOKEN_FIELD}=${token}`,
    );
    expect(res.status).toBe(303);
    expect(res.headers['x-frame-options']).toBe('DENY');
  });

  test('The rule itself: loopback names on the sandbox’s port, same origin, the token', () => {
    const form = new URLSearchParams({ [TOKEN_FIELD]: 'abc' });
    expect(sandboxRefusal({ method: 'GET', headers: { host: '127.0.0.1:3000' } }, 3000, null, 'abc')).toBeNull();
    expect(sandboxRefusal({ method: 'GET', headers: { host: '[::1]:3000' } }, 3000, null, 'abc')).toBeNull();
    expect(sandboxRefusal({ method: 'GET', headers: {} }, 3000, null, 'abc')).not.toBeNull();
    expect(
      sandboxRefusal({ method: 'POST', headers: { host: '127.0.0.1:3000', origin: 'http://127.0.0.1:3000' } }, 3000, form, 'abc'),
    ).toBeNull();
    expect(
      sandboxRefusal({ method: 'POST', headers: { host: '127.0.0.1:3000', origin: 'http://localhost:3000' } }, 3000, form, 'abc'),
    ).not.toBeNull();
    expect(
      sandboxRefusal({ method: 'POST', headers: { host: '127.0.0.1:3000' } }, 3000, new URLSearchParams({ [TOKEN_FIELD]: 'abd' }), 'abc'),
    ).not.toBeNull();
  });
});
