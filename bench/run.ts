/**
 * `npm run bench`: prints one line per figure, `bench NAME: VALUE UNIT`. Runs on the Postgres server named
 * by BENCH_DATABASE_URL (or DATABASE_URL) and leaves no data behind. The year
 * of history makes it take a few minutes, most of them Postgres writing and deleting 2.5 million answers.
 */
import { fork } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { deliveryHandlers } from '../src/slack/deliveries';
import { webApi } from '@slack/bolt';
import { openDatabase } from '../src/db/connect';
import { migrateToLatest } from '../src/db/migrate';
import { createLog } from '../src/log';
import { importOrgChart } from '../src/org/import';
import { openWorkspace } from '../src/checkins/cadences';
import { dispatchDue, DEFAULT_DISPATCH } from '../src/scheduler/dispatch';
import { tick } from '../src/scheduler/tick';
import { slackMessenger } from '../src/slack/messenger';
import { chartHistory, renderChart } from '../src/digests/chart';
import { buildDigest } from '../src/digests/figures';
import { seedGoalsAndCommitments, seedUpperLevels, seedYear } from './seed-year';
import { monthlyPack } from '../src/digests/pack';
import { scopeOf } from '../src/org/policy';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../src/db/types';
import type { TickDeps } from '../src/scheduler/tick';
import { startInstantSlack } from './fake-slack';
import { digestPeriods } from '../src/time/periods';
import { ceilingRuns } from './ceiling';
import { idleTicks } from './idle';
import { planHundredK } from './hundred-k';
import { pgliteFigures } from './pglite';
import { interactiveDelivery } from './interactive';
import { crmFigures } from './crm';
import { manyWorkspaces } from './workspaces';

/** How many prompts the dispatcher benchmark sends. */
const DISPATCHED = 2000;

/**
 * Sunday's planning of Monday, a tick a minute from `from` until `expected` check-ins are planned (a big
 * week is planned over a few ticks, each within its budget): all those ticks' time, and the longest.
 */
async function planWeek(deps: TickDeps, from: Date, expected: number): Promise<{ totalMs: number; longestMs: number; ticks: number }> {
  let checkins = 0;
  let totalMs = 0;
  let longestMs = 0;
  let ticks = 0;
  for (; checkins < expected && ticks < 30; ticks++) {
    const started = performance.now();
    checkins += (await tick(deps, new Date(from.getTime() + ticks * 60_000), { ...DEFAULT_DISPATCH, limit: 0 })).checkins;
    const ms = performance.now() - started;
    totalMs += ms;
    longestMs = Math.max(longestMs, ms);
  }
  if (checkins < expected) throw new Error(`expected ${expected} check-ins planned, got ${checkins}`);
  return { totalMs, longestMs, ticks };
}

async function main(): Promise<void> {
  const url = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL;
  if (!url) {
    console.error(
      'npm run bench measures Cascade on Postgres: set BENCH_DATABASE_URL to a database it may fill and empty (e.g. createdb cascade_bench, then BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/cascade_bench).',
    );
    process.exit(2);
  }
  const db = await openDatabase({ databaseUrl: url, dataDir: 'memory://' });
  const slack = await startInstantSlack();
  const team = `TBENCH${Date.now()}`;
  try {
    await migrateToLatest(db.db);
    // The scale figures come from a process of their own, so that this one's peak memory stays its own.
    await new Promise<void>((resolve, reject) => {
      const child = fork(__filename, ['--scale'], { stdio: 'inherit' });
      child.once('error', reject);
      child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`the scale bench exited with ${code}`))));
    });
    // The CRM sync, in a process of its own too: its peak memory is the sync's.
    await new Promise<void>((resolve, reject) => {
      const child = fork(__filename, ['--crm'], { stdio: 'inherit' });
      child.once('error', reject);
      child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`the CRM bench exited with ${code}`))));
    });
    // A person's action to its Slack call, through the app woken by the database; first, while no other
    // workspace's week is there for its ticks to plan and its passes to send.
    const interactive = await interactiveDelivery(url);
    console.log(`bench interactive_delivery_ms: ${interactive.p99} ms`);
    console.error(`(interactive: ${interactive.samples} samples, median ${interactive.p50} ms)`);
    // Other workspaces' queued work would mix into the figures: the bench wants a database of its own.
    await openWorkspace(db.db, team, 'bench', new Date());

    // First the six-level org, on a database no year of history has filled and emptied yet; then it goes.
    const client = new webApi.WebClient('xoxb-bench', {
      slackApiUrl: slack.apiUrl,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
    });
    const deps = { db: db.db, messenger: slackMessenger(client), log: createLog({ level: 'error' }), handlers: deliveryHandlers };
    await sixLevels(db.db, deps);
    await db.db.deleteFrom('workspace').where('team_id', '=', SIX).execute();

    // 1 CEO, 10 presidents, 1,000 managers, 10,000 reps.
    const lines = ['slack_user_id,name,role,manager', 'U0CEO,CEO,ceo,'];
    for (let p = 0; p < 10; p++) {
      lines.push(`U0P${p},President ${p},president,U0CEO`);
      for (let m = 0; m < 100; m++) {
        const mid = `U0M${p}X${m}`;
        lines.push(`${mid},Manager ${p}-${m},manager,U0P${p}`);
        for (let r = 0; r < 10; r++) lines.push(`U0R${p}X${m}X${r},Rep ${p}-${m}-${r},rep,${mid}`);
      }
    }
    let started = performance.now();
    const outcome = await importOrgChart({ db: db.db, directory: null, now: new Date() }, team, lines.join('\n'), { dryRun: false });
    if (!outcome.ok)
      throw new Error(
        outcome.errors
          .slice(0, 3)
          .map((e) => e.message)
          .join('; '),
      );
    console.log(`bench org_import_11k: ${Math.round(performance.now() - started)} ms`);

    // The Sunday tick that plans Monday's 1,000 manager ↔ rep rounds: 10,000 check-ins and prompts.
    const sunday = new Date('2026-11-29T12:00:00Z');
    await tick(deps, new Date('2026-11-28T12:00:00Z'), { ...DEFAULT_DISPATCH, limit: 0 });
    const week = await planWeek(deps, sunday, 10_000);
    console.log(`bench tick_plan_weekly_10k: ${Math.round(week.totalMs)} ms`);
    console.error(`(10k: planned in ${week.ticks} tick(s), the longest ${Math.round(week.longestMs)} ms)`);

    // Monday 10:00: the dispatcher sends prompts in its default passes to a Slack that answers at once.
    const monday = new Date('2026-11-30T10:00:00Z');
    // Statuses kept as production keeps them (the profile refresh every two hours): a prompt asks Slack only
    // about someone whose kept status is old, which the refresh keeps from happening.
    await db.db
      .updateTable('person')
      .set({ status_text: '', status_emoji: '', status_expiration: 0, status_read_at: new Date(monday.getTime() - 3_600_000) })
      .where('team_id', '=', team)
      .execute();
    let sent = 0;
    started = performance.now();
    for (let minute = 0; sent < DISPATCHED; minute++) {
      // One pass a minute, as node-cron runs it; the workspace's budget is per minute.
      const report = await dispatchDue(deps, new Date(monday.getTime() + minute * 60_000), {
        ...DEFAULT_DISPATCH,
        limit: 200,
        fixedPace: 200,
      });
      if (report.sent === 0) break;
      sent += report.sent;
    }
    const dispatchMs = performance.now() - started;
    console.log(`bench dispatch_per_delivery: ${(dispatchMs / sent).toFixed(2)} ms`);
    // The scheduler's figure: seeding the org, planning the week and sending.
    console.log(`bench peak_rss: ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);

    // A year of weekly history for the 10,000 reps: 520,000 check-ins and about 2.5 million answers.
    const seeded = await seedYear(db.db, team);
    const periods = digestPeriods('weekly', '2026-11-30');
    started = performance.now();
    const digest = await buildDigest(db.db, { teamId: team, scope: 'org', current: periods.current, previous: periods.previous });
    const digestMs = performance.now() - started;
    if (digest.levels.length === 0) throw new Error('the org digest found no conversations');
    console.log(`bench digest_org_10k_year: ${Math.round(digestMs)} ms`);
    started = performance.now();
    const chart = await renderChart(await chartHistory(db.db, team, periods.current), 'Check-ins answered and commitments kept, per level');
    console.log(`bench chart_render: ${Math.round(performance.now() - started)} ms`);
    if (!chart || chart.png.length < 1000) throw new Error('the chart is empty');
    console.error(`(history: ${seeded.checkins} check-ins, ${seeded.answers} answers)`);
    // The CEO's monthly pack for the conversation with a President, over the same year, with goals and commitments.
    await seedUpperLevels(db.db, team, 52);
    const numbers = await seedGoalsAndCommitments(db.db, team);
    console.error(`(pack: ${numbers.progress} progress reports, ${numbers.commitments} commitments)`);
    // The median of three packs (one for each of three Presidents, as the CEO's month sends them), from the scope's read to the figures.
    const packMs: number[] = [];
    for (const president of ['U0P0', 'U0P1', 'U0P2']) {
      started = performance.now();
      const pack = await monthlyPack(await scopeOf(db.db, team, 'U0CEO', [], new Date('2026-12-02T09:00:00Z')), { reportId: president });
      packMs.push(performance.now() - started);
      if (pack.goals.length === 0 || pack.levels.length < 3) throw new Error('the monthly pack found no goals or levels');
    }
    console.log(`bench monthly_pack_10k_ms: ${Math.round(packMs.sort((a, b) => a - b)[1]!)} ms`);
    // The same, once the digest has been built and the chart rendered as well.
    console.log(`bench peak_rss_with_digest: ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
  } finally {
    await db.db
      .deleteFrom('workspace')
      .where('team_id', '=', team)
      .execute()
      .catch(() => undefined);
    await db.db
      .deleteFrom('workspace')
      .where('team_id', '=', SIX)
      .execute()
      .catch(() => undefined);
    await slack.stop();
    await db.close();
  }
}

const SIX = `TBENCHSIX${Date.now()}`;

/**
 * Scale (first, on a database nothing else has filled yet): the Monday wave against Slack's ceiling at three
 * ceilings, in simulated time; an idle tick over a thousand workspaces; the weekly plan of a 100,000-rep
 * org; and embedded PGlite with a 1,000-rep org, as `npm start` runs it.
 */
async function scale(db: Kysely<Database>, url: string): Promise<void> {
  for (const run of await ceilingRuns(db, [600, 100, 2000])) {
    console.log(`bench dispatch_ceiling_ratio_${run.ceiling}: ${run.ratio.toFixed(3)}`);
    console.log(`bench dispatch_ceiling_duplicates_${run.ceiling}: ${run.duplicates}`);
    console.log(`bench dispatch_ceiling_lost_${run.ceiling}: ${run.lost}`);
    if (run.ceiling === 600) console.log(`bench wave_lateness_p99_10k_one_zone: ${Math.round(run.latenessP99)} s`);
    console.error(
      `(ceiling ${run.ceiling}/min: ${run.sent} sent in ${run.simulatedMinutes.toFixed(1)} simulated minutes, ${run.refused} answered 429, ${run.realSeconds.toFixed(0)} s on this machine)`,
    );
  }
  const idle = await idleTicks(db, {
    db,
    messenger: slackMessenger(new webApi.WebClient('xoxb-bench', { slackApiUrl: 'http://127.0.0.1:9/api/', retryConfig: { retries: 0 } })),
    log: createLog({ level: 'error' }),
    handlers: deliveryHandlers,
  });
  console.log(`bench idle_tick_1000_workspaces: ${Math.round(idle.medianMs)} ms`);
  console.log(`bench tick_plan_1000_workspaces: ${Math.round(idle.planMs)} ms`);
  await workspaceFigures(db, url);
  const big = await planHundredK(db, url);
  console.log(`bench tick_plan_weekly_100k: ${Math.round(big.planMs)} ms`);
  console.log(`bench peak_rss_100k: ${Math.round(big.peakRssMb)} MB`);
  console.error(
    `(100k: ${big.checkins} check-ins planned in ${big.ticks} ticks, ${Math.round(big.totalMs)} ms in all; the figure is the longest tick)`,
  );
  const lite = await pgliteFigures();
  console.log(`bench tick_window_1k_pglite: ${Math.round(lite.windowTickMs)} ms`);
  console.log(`bench pglite_idle_rss_1k: ${Math.round(lite.idleRssMb)} MB`);
  // The workspaces above are gone; their dead rows would slow the figures that follow.
  for (const table of ['delivery', 'checkin', 'round', 'person', 'workspace', 'question', 'cadence'])
    await sql`vacuum analyze ${sql.table(table)}`.execute(db);
}

/**
 * An org of six levels and about 11,000 people — CEO → CRO → 5 RVPs → 50 directors → 1,000 managers →
 * 10,000 reps — with the same targets as the four-level one: the weekly planning tick, the weekly org digest
 * over a quarter of history (a funnel row per level), and peak memory.
 */
async function sixLevels(db: Kysely<Database>, deps: TickDeps): Promise<void> {
  await openWorkspace(db, SIX, 'bench six levels', new Date());
  const lines = ['slack_user_id,name,role,manager', 'U6CEO,CEO,CEO,', 'U6CRO,CRO,CRO,U6CEO'];
  for (let v = 0; v < 5; v++) {
    lines.push(`U6V${v},RVP ${v},RVP,U6CRO`);
    for (let d = 0; d < 10; d++) {
      const did = `U6D${v}X${d}`;
      lines.push(`${did},Director ${v}-${d},Director,U6V${v}`);
      for (let m = 0; m < 20; m++) {
        const mid = `U6M${v}X${d}X${m}`;
        lines.push(`${mid},Manager ${v}-${d}-${m},manager,${did}`);
        for (let r = 0; r < 10; r++) lines.push(`U6R${v}X${d}X${m}X${r},Rep ${v}-${d}-${m}-${r},rep,${mid}`);
      }
    }
  }
  let started = performance.now();
  const outcome = await importOrgChart({ db, directory: null, now: new Date() }, SIX, lines.join('\n'), { dryRun: false });
  if (!outcome.ok)
    throw new Error(
      outcome.errors
        .slice(0, 3)
        .map((e) => e.message)
        .join('; '),
    );
  console.log(`bench org_import_six_levels_11k: ${Math.round(performance.now() - started)} ms`);

  await tick(deps, new Date('2026-11-28T12:00:00Z'), { ...DEFAULT_DISPATCH, limit: 0 });
  const planned = await planWeek(deps, new Date('2026-11-29T12:00:00Z'), 10_000);
  console.log(`bench tick_plan_weekly_six_levels_11k: ${Math.round(planned.totalMs)} ms`);
  console.log(`bench peak_rss_six_levels: ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);

  const weekly = await seedYear(db, SIX, { weeks: 13, managerDepth: 4 });
  const upper = await seedUpperLevels(db, SIX, 13);
  const week = digestPeriods('weekly', '2026-11-30');
  started = performance.now();
  const digest = await buildDigest(db, { teamId: SIX, scope: 'org', current: week.current, previous: week.previous });
  const digestMs = performance.now() - started;
  if (digest.levels.length < 5) throw new Error(`the six-level digest has ${digest.levels.length} funnel rows, not one per level`);
  console.log(`bench digest_org_six_levels_quarter: ${Math.round(digestMs)} ms`);
  console.error(`(six levels: ${weekly.checkins + upper} check-ins; funnel: ${digest.levels.map((l) => l.label).join(' · ')})`);
}

/** Ten thousand installed workspaces of ten people each (installs by OAuth): the idle tick, Monday's planning, memory. */
async function workspaceFigures(db: Kysely<Database>, url: string): Promise<void> {
  const many = await manyWorkspaces(db, url);
  console.log(`bench idle_tick_10000_workspaces: ${Math.round(many.idleMs)} ms`);
  console.log(`bench tick_plan_10000_workspaces: ${Math.round(many.planMs)} ms`);
  console.log(`bench peak_rss_10000_workspaces: ${Math.round(many.peakRssMb)} MB`);
  console.error(`(10,000 workspaces: ${many.checkins} check-ins planned in ${many.planTicks} ticks)`);
}

/** `--workspaces`: the many-workspaces figures alone, on a migrated database. */
async function workspacesOnly(): Promise<void> {
  const url = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL!;
  const db = await openDatabase({ databaseUrl: url, dataDir: 'memory://' });
  try {
    await migrateToLatest(db.db);
    await workspaceFigures(db.db, url);
  } finally {
    await db.close();
  }
}

async function scaleOnly(): Promise<void> {
  const url = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL!;
  const db = await openDatabase({ databaseUrl: url, dataDir: 'memory://' });
  try {
    await scale(db.db, url);
  } finally {
    await db.close();
  }
}

async function crmOnly(): Promise<void> {
  const url = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL!;
  const crm = await crmFigures(url);
  console.log(`bench crm_sync_full_200k_deals_ms: ${Math.round(crm.fullMs)} ms`);
  console.log(`bench crm_sync_peak_rss: ${Math.round(crm.peakRssMb)} MB`);
  console.log(`bench crm_sync_incremental_ms: ${Math.round(crm.incrementalMs)} ms`);
  console.error(`(crm: ${crm.deals} deals of 10,000 owners, each a person with a goal that follows closed_won_amount)`);
}

(process.argv.includes('--scale')
  ? scaleOnly()
  : process.argv.includes('--crm')
    ? crmOnly()
    : process.argv.includes('--workspaces')
      ? workspacesOnly()
      : main()
).catch((err) => {
  console.error(err);
  process.exit(1);
});
