import { fork } from 'node:child_process';
import { SlackStandIn } from '../src/slack/stand-in/slack';

/**
 * The Slack stand-in on loopback, answering every call at once and keeping nothing, so the bench measures
 * Cascade, not Slack. It runs in a child process of its own, so that its memory does not count in Cascade's
 * peak RSS.
 */
export async function startInstantSlack(): Promise<{ apiUrl: string; stop: () => Promise<void> }> {
  const child = fork(__filename, ['--serve'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const apiUrl = await new Promise<string>((resolve, reject) => {
    child.once('message', (m) => resolve(String(m)));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the Slack stand-in exited with ${code}`)));
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

if (require.main === module && process.argv.includes('--serve')) {
  void new SlackStandIn({ keep: false, anyUser: true }).start().then((slack) => process.send?.(slack.apiUrl));
}
