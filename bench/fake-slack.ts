import { fork } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A Slack Web API on loopback that answers every call at once, so the bench measures Cascade, not Slack.
 * It runs in a child process of its own, so that its memory does not count in Cascade's peak RSS.
 */
export async function startInstantSlack(): Promise<{ apiUrl: string; stop: () => Promise<void> }> {
  const child = fork(__filename, ['--serve'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const apiUrl = await new Promise<string>((resolve, reject) => {
    child.once('message', (m) => resolve(String(m)));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the fake Slack exited with ${code}`)));
  });
  return {
    apiUrl,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill();
      }),
  };
}

async function serve(): Promise<{ apiUrl: string; calls: () => number; stop: () => Promise<void> }> {
  let calls = 0;
  let ts = 1_700_000_000;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      calls += 1;
      const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0];
      const args = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      let body: Record<string, unknown> = { ok: true };
      if (method === 'users.info') body = { ok: true, user: { id: args.get('user'), profile: { status_text: '', status_emoji: '', status_expiration: 0 } } };
      else if (method === 'chat.postMessage') {
        const channel = String(args.get('channel'));
        body = { ok: true, channel: /^[UW]/.test(channel) ? `D${channel}` : channel, ts: `${ts++}.000100` };
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    });
  });
  server.keepAliveTimeout = 10 * 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    apiUrl: `http://127.0.0.1:${port}/api/`,
    calls: () => calls,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

if (require.main === module && process.argv.includes('--serve')) {
  void serve().then(({ apiUrl }) => process.send?.(apiUrl));
}
