import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../src/db/types';
import { openDatabase } from '../src/db/connect';
import { openWorkspace } from '../src/checkins/cadences';
import { analyzePlanning } from '../src/db/statistics';
import { eachAtOnce } from '../src/concurrency';
import { DEFAULT_DISPATCH } from '../src/scheduler/dispatch';
import { tick } from '../src/scheduler/tick';
import { createLog } from '../src/log';
import { deliveryHandlers } from '../src/slack/deliveries';
import { postgresInstallations } from '../src/slack/installations';
import { secretBox } from '../src/secrets';
import { loadConfig } from '../src/config';
import { messengersOf } from '../src/index';

const WORKSPACES = Number(process.env.BENCH_WORKSPACES ?? 10_000);
/** A CEO, a President, a manager and seven reps. */
const REPS = 7;

export interface ManyWorkspaces {
  /** The median tick of a minute when nothing is due anywhere. */
  readonly idleMs: number;
  /** Sunday's ticks that plan Monday in every workspace, all together, and how many there were. */
  readonly planMs: number;
  readonly planTicks: number;
  readonly checkins: number;
  readonly peakRssMb: number;
}

/**
 * Ten thousand workspaces installed by OAuth (a sealed token each) of ten people each, written into the database;
 * then, in a process of its own so that its memory is the scheduler's alone, a tick a minute from Sunday 00:00
 * until Monday is planned everywhere, and the idle minutes after.
 */
export async function manyWorkspaces(db: Kysely<Database>, url: string): Promise<ManyWorkspaces> {
  const prefix = `TMANY${Date.now()}X`;
  const key = randomBytes(32);
  try {
    const created = new Date('2026-11-01T00:00:00Z');
    const teams = Array.from({ length: WORKSPACES }, (_, w) => `${prefix}${w}`);
    await eachAtOnce(teams, 8, (t) => openWorkspace(db, t, t, created));
    await sql`
      insert into person (team_id, slack_user_id, name, role, reports_to)
      select t, u, n, r, m from (
        select ${prefix} || w as t, 'UC' as u, 'CEO' as n, 'ceo' as r, null as m from generate_series(0, ${WORKSPACES - 1}) w
        union all select ${prefix} || w, 'UP', 'President', 'president', 'UC' from generate_series(0, ${WORKSPACES - 1}) w
        union all select ${prefix} || w, 'UM', 'Manager', 'manager', 'UP' from generate_series(0, ${WORKSPACES - 1}) w
        union all select ${prefix} || w, 'UR' || r, 'Rep ' || r, 'rep', 'UM' from generate_series(0, ${WORKSPACES - 1}) w, generate_series(1, ${REPS}) r
      ) x`.execute(db);
    const box = secretBox(key);
    const sealed = box.seal(`xoxb-bench-${randomBytes(12).toString('hex')}`);
    await sql`
      insert into slack_installation (team_id, bot_token, bot_id, bot_user_id, installer_user_id, scopes)
      select ${prefix} || w, ${sealed}, 'BBOT', 'UBOT', 'UC', 'chat:write' from generate_series(0, ${WORKSPACES - 1}) w`.execute(db);
    await analyzePlanning(db);
    const child = fork(__filename, ['--many', prefix], {
      env: { ...process.env, BENCH_DATABASE_URL: url, BENCH_KEY: key.toString('hex') },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return await new Promise((resolve, reject) => {
      child.once('message', (m) => resolve(m as ManyWorkspaces));
      child.once('error', reject);
      child.once('exit', (code) => (code ? reject(new Error(`the many-workspaces process exited with ${code}`)) : undefined));
    });
  } finally {
    await sql`delete from workspace where team_id like ${`${prefix}%`}`.execute(db);
  }
}

async function inChild(): Promise<void> {
  const db = await openDatabase({ databaseUrl: process.env.BENCH_DATABASE_URL!, dataDir: 'memory://' });
  try {
    const installations = postgresInstallations({
      db: db.db,
      box: secretBox(Buffer.from(process.env.BENCH_KEY!, 'hex')),
      clientId: '1.1',
      clientSecret: 'bench-client-secret',
    });
    // As `npm start` sends with installs: each workspace's own token (nothing is sent in these minutes).
    const config = loadConfig({ SLACK_API_URL: 'http://127.0.0.1:9/api/' }, { requireSlack: false });
    if (!config.ok) throw new Error(config.problems.join('; '));
    const log = createLog({ level: 'error' });
    const messenger = messengersOf(config.config, log, installations);
    const deps = { db: db.db, messenger, log, handlers: deliveryHandlers };
    await tick(deps, new Date('2026-11-28T12:00:00Z'), DEFAULT_DISPATCH);
    let planMs = 0;
    let checkins = 0;
    let minute = 0;
    for (; checkins < WORKSPACES * REPS && minute < 120; minute++) {
      const started = performance.now();
      checkins += (await tick(deps, new Date(Date.parse('2026-11-29T00:00:00Z') + minute * 60_000), DEFAULT_DISPATCH)).checkins;
      planMs += performance.now() - started;
    }
    if (checkins < WORKSPACES * REPS) throw new Error(`expected ${WORKSPACES * REPS} check-ins planned, got ${checkins}`);
    const times: number[] = [];
    for (let i = 1; i <= 7; i++) {
      const started = performance.now();
      const report = await tick(deps, new Date(Date.parse('2026-11-29T00:00:00Z') + (minute + i) * 60_000), DEFAULT_DISPATCH);
      times.push(performance.now() - started);
      if (report.rounds || report.sent || report.reminders || report.missed || report.checkins)
        throw new Error(`the idle minute had work: ${JSON.stringify(report)}`);
    }
    times.sort((a, b) => a - b);
    const result: ManyWorkspaces = {
      idleMs: times[Math.floor(times.length / 2)]!,
      planMs,
      planTicks: minute,
      checkins,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
    };
    process.send!(result);
  } finally {
    await db.close();
  }
}

if (require.main === module && process.argv[2] === '--many') {
  inChild().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
