import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { webApi } from '@slack/bolt';
import { openDatabase } from '../src/db/connect';
import { migrateToLatest } from '../src/db/migrate';
import { openWorkspace } from '../src/checkins/cadences';
import { importOrgChart } from '../src/org/import';
import { DEFAULT_DISPATCH } from '../src/scheduler/dispatch';
import { tick } from '../src/scheduler/tick';
import { createLog } from '../src/log';
import { deliveryHandlers } from '../src/slack/deliveries';
import { slackMessenger } from '../src/slack/messenger';
import { startInstantSlack } from './fake-slack';

export interface PgliteFigures {
  /** The median tick while Monday's window is open (its prompts sent), in ms. */
  readonly windowTickMs: number;
  /** The process's resident memory once idle after the import, the planning and the wave, in MB. */
  readonly idleRssMb: number;
}

/**
 * Cascade as `npm start` runs it with no DATABASE_URL: embedded PGlite in a data directory, a 1,000-rep org
 * imported from CSV (the import refreshes statistics itself: no manual ANALYZE), Monday planned and sent;
 * then the per-minute ticks of the open window, and the memory the process holds when idle. In a process of
 * its own, so that the figures are PGlite's and Cascade's alone.
 */
export function pgliteFigures(): Promise<PgliteFigures> {
  const child = fork(__filename, ['--pglite'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (m) => resolve(m as PgliteFigures));
    child.once('error', reject);
    child.once('exit', (code) => (code ? reject(new Error(`the PGlite bench process exited with ${code}`)) : undefined));
  });
}

async function inChild(): Promise<PgliteFigures> {
  const slack = await startInstantSlack();
  // On disk, as `npm start` keeps it under DATA_DIR (the first open makes it in a process of its own).
  const dataDir = mkdtempSync(join(tmpdir(), 'cascade-bench-pglite-'));
  const db = await openDatabase({ dataDir, longRunning: true });
  try {
    await migrateToLatest(db.db);
    const team = 'TPGLITE';
    await openWorkspace(db.db, team, 'bench pglite', new Date('2026-11-01T00:00:00Z'));
    const lines = ['slack_user_id,name,role,manager', 'ULC,CEO,ceo,', 'ULP,President,president,ULC'];
    for (let m = 0; m < 100; m++) {
      lines.push(`ULM${m},Manager ${m},manager,ULP`);
      for (let r = 0; r < 10; r++) lines.push(`ULR${m}X${r},Rep ${m}-${r},rep,ULM${m}`);
    }
    const outcome = await importOrgChart({ db: db.db, directory: null, now: new Date('2026-11-27T09:00:00Z') }, team, lines.join('\n'), {
      dryRun: false,
    });
    if (!outcome.ok)
      throw new Error(
        outcome.errors
          .slice(0, 3)
          .map((e) => e.message)
          .join('; '),
      );
    const client = new webApi.WebClient('xoxb-bench', {
      slackApiUrl: slack.apiUrl,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
    });
    const deps = { db: db.db, messenger: slackMessenger(client), log: createLog({ level: 'error' }), handlers: deliveryHandlers };
    const at = (iso: string, minutes = 0) => new Date(Date.parse(iso) + minutes * 60_000);
    await tick(deps, at('2026-11-28T12:00:00Z'), DEFAULT_DISPATCH);
    await tick(deps, at('2026-11-29T12:00:00Z'), DEFAULT_DISPATCH);
    // Monday 10:00: the prompts go out over the first minutes.
    for (let minute = 0; minute < 10; minute++) await tick(deps, at('2026-11-30T10:00:00Z', minute), DEFAULT_DISPATCH);
    const times: number[] = [];
    for (let minute = 15; minute < 22; minute++) {
      const started = performance.now();
      await tick(deps, at('2026-11-30T10:00:00Z', minute), DEFAULT_DISPATCH);
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    (globalThis as { gc?: () => void }).gc?.();
    await new Promise((r) => setTimeout(r, 200));
    return { windowTickMs: times[Math.floor(times.length / 2)]!, idleRssMb: process.memoryUsage().rss / 1024 / 1024 };
  } finally {
    await db.close();
    await slack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (require.main === module && process.argv[2] === '--pglite') {
  inChild().then(
    (figures) => {
      process.send!(figures);
      process.exit(0);
    },
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
