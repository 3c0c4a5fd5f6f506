import { fork } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../src/db/types';
import { openDatabase } from '../src/db/connect';
import { openWorkspace } from '../src/checkins/cadences';
import { analyzePlanning } from '../src/db/statistics';
import { DEFAULT_DISPATCH } from '../src/scheduler/dispatch';
import { tick } from '../src/scheduler/tick';
import { createLog } from '../src/log';
import { deliveryHandlers } from '../src/slack/deliveries';
import { slackMessenger } from '../src/slack/messenger';
import { webApi } from '@slack/bolt';

const PRESIDENTS = 10;

export interface HundredK {
  /** The longest tick while Monday was being planned. */
  readonly planMs: number;
  /** All those ticks together, and how many there were. */
  readonly totalMs: number;
  readonly ticks: number;
  readonly peakRssMb: number;
  readonly checkins: number;
}
const MANAGERS = Number(process.env.BENCH_HK_MANAGERS ?? 10_000);
const REPS = 10;

/**
 * An org of 100,000 reps (1 CEO, 10 presidents, 10,000 managers with 10 reps each), written straight into
 * the database; then, in a process of its own so that its memory is the scheduler's alone, Saturday's tick
 * and the Sunday tick that plans Monday's 10,000 rounds and 100,000 check-ins and prompts.
 */
export async function planHundredK(db: Kysely<Database>, url: string): Promise<HundredK> {
  const team = `THUNDREDK${Date.now()}`;
  try {
    await openWorkspace(db, team, 'bench 100k', new Date('2026-11-01T00:00:00Z'));
    await sql`
      insert into person (team_id, slack_user_id, name, role, reports_to)
      select ${team}, 'UC', 'CEO', 'ceo', null
      union all select ${team}, 'UP' || p, 'President ' || p, 'president', 'UC' from generate_series(0, ${PRESIDENTS - 1}) p
      union all select ${team}, 'UM' || m, 'Manager ' || m, 'manager', 'UP' || (m % ${PRESIDENTS}) from generate_series(0, ${MANAGERS - 1}) m
      union all select ${team}, 'UR' || m || 'X' || r, 'Rep ' || m || '-' || r, 'rep', 'UM' || m
        from generate_series(0, ${MANAGERS - 1}) m, generate_series(0, ${REPS - 1}) r`.execute(db);
    // As an org import leaves it (it refreshes the statistics).
    await analyzePlanning(db);
    const child = fork(__filename, ['--plan', team], {
      env: { ...process.env, BENCH_DATABASE_URL: url },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return await new Promise((resolve, reject) => {
      child.once('message', (m) => resolve(m as HundredK));
      child.once('error', reject);
      child.once('exit', (code) => (code ? reject(new Error(`the 100k planning process exited with ${code}`)) : undefined));
    });
  } finally {
    await db.deleteFrom('workspace').where('team_id', '=', team).execute();
  }
}

async function planInChild(team: string): Promise<void> {
  const db = await openDatabase({ databaseUrl: process.env.BENCH_DATABASE_URL!, dataDir: 'memory://' });
  try {
    const client = new webApi.WebClient('xoxb-bench', { slackApiUrl: 'http://127.0.0.1:9/api/', retryConfig: { retries: 0 } });
    const deps = { db: db.db, messenger: slackMessenger(client), log: createLog({ level: 'error' }), handlers: deliveryHandlers };
    // Nothing is due before Monday: the ticks plan and look, and send nothing. Saturday's tick plans nothing
    // new; from Sunday 00:00 a tick a minute plans Monday, each within its planning budget.
    await tick(deps, new Date('2026-11-28T12:00:00Z'), DEFAULT_DISPATCH);
    let longest = 0;
    let total = 0;
    let checkins = 0;
    let ticks = 0;
    for (let minute = 0; checkins < MANAGERS * REPS && minute < 60; minute++) {
      const started = performance.now();
      const report = await tick(deps, new Date(Date.parse('2026-11-29T00:00:00Z') + minute * 60_000), DEFAULT_DISPATCH);
      const ms = performance.now() - started;
      longest = Math.max(longest, ms);
      total += ms;
      checkins += report.checkins;
      ticks += 1;
    }
    if (checkins < MANAGERS * REPS) throw new Error(`expected ${MANAGERS * REPS} check-ins planned for ${team}, got ${checkins}`);
    process.send!({ planMs: longest, totalMs: total, ticks, peakRssMb: process.resourceUsage().maxRSS / 1024, checkins });
  } finally {
    await db.close();
  }
}

if (require.main === module && process.argv[2] === '--plan') {
  planInChild(process.argv[3]!).then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
