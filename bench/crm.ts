import { fork } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { openWorkspace } from '../src/checkins/cadences';
import { crmSettings } from '../src/crm/connections';
import { hubSpotSource } from '../src/crm/hubspot';
import { HubSpotStandIn } from '../src/crm/stand-in/hubspot';
import { syncWorkspace } from '../src/crm/sync';
import { openDatabase } from '../src/db/connect';
import { createLog } from '../src/log';
import { importOrgChart } from '../src/org/import';

/**
 * The CRM sync at scale, in a process of its own (its peak memory is the sync's): 10,000 owners and 200,000
 * deals in the HubSpot stand-in (in another process, over HTTP, through the SDK), each owner a person of the
 * org chart with a goal that follows closed_won_amount. The full sync, then an incremental one after 1,000
 * deals changed. The stand-in allows 100 searches a second: against HubSpot itself (five a second) the same
 * full sync takes at least 1,000 searches ÷ 5 = 200 s.
 */
const TOKEN = 'pat-na1-bench-0000-0000-0000-000000000000';
const OWNERS = 10_000;
const DEALS = 200_000;

export async function crmFigures(url: string): Promise<{ fullMs: number; incrementalMs: number; peakRssMb: number; deals: number }> {
  const child = fork(__filename, ['--serve'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ask = (m: unknown) =>
    new Promise<string>((resolve, reject) => {
      child.once('message', (x) => resolve(String(x)));
      child.once('error', reject);
      if (m !== undefined) child.send(m as never);
    });
  const standInUrl = await ask(undefined);
  const db = await openDatabase({ databaseUrl: url, dataDir: 'memory://' });
  const team = `TBENCHCRM${process.pid}`;
  const clock = { now: new Date('2026-12-01T12:00:00Z') };
  try {
    await openWorkspace(db.db, team, 'bench crm', clock.now);
    const lines = ['slack_user_id,email,name,role,manager', 'UCRMCEO,ceo@bench.example,CEO,ceo,'];
    for (let m = 0; m < OWNERS / 10; m++) {
      lines.push(`UCRMM${m},m${m}@bench.example,Manager ${m},manager,UCRMCEO`);
      for (let r = 0; r < 10; r++) lines.push(`UCRMR${m}X${r},owner${m * 10 + r}@bench.example,Rep ${m}-${r},rep,UCRMM${m}`);
    }
    const imported = await importOrgChart({ db: db.db, directory: null, now: clock.now }, team, lines.join('\n'), { dryRun: false });
    if (!imported.ok) throw new Error(JSON.stringify(imported.errors.slice(0, 3)));
    await sql`
      insert into goal (team_id, owner_id, scope, name, unit, target, period, source, created_by)
      select ${team}, slack_user_id, 'person', 'New bookings', 'USD', 100000, 'month', 'crm:closed_won_amount', 'bench'
      from person where team_id = ${team} and email like 'owner%'`.execute(db.db);
    const deps = {
      db: db.db,
      now: () => clock.now,
      log: createLog({ level: 'error' }),
      settings: crmSettings({ provider: 'hubspot', accessToken: TOKEN, baseUrl: standInUrl }, undefined),
      sourceFor: () => hubSpotSource({ accessToken: TOKEN, baseUrl: standInUrl, searchPerSecond: 100 }),
    };
    let started = performance.now();
    const full = await syncWorkspace(deps, team);
    const fullMs = performance.now() - started;
    if (full.outcome !== 'synced' || full.deals !== DEALS) throw new Error(`the full sync read ${full.deals} deals: ${full.message ?? ''}`);
    await ask({ change: 1000, at: '2026-12-01T12:30:00Z' });
    clock.now = new Date('2026-12-01T13:00:00Z');
    started = performance.now();
    const incremental = await syncWorkspace(deps, team);
    const incrementalMs = performance.now() - started;
    if (incremental.outcome !== 'synced' || incremental.deals !== 1000)
      throw new Error(`the incremental sync read ${incremental.deals} deals`);
    return { fullMs, incrementalMs, peakRssMb: process.resourceUsage().maxRSS / 1024, deals: full.deals };
  } finally {
    await db.db.deleteFrom('workspace').where('team_id', '=', team).execute();
    await db.close();
    child.kill();
  }
}

/** The stand-in's process: 10,000 owners and 200,000 deals, closed won across November, made before the sync. */
async function serve(): Promise<void> {
  let now = new Date('2026-11-30T00:00:00Z');
  const hubspot = new HubSpotStandIn({ token: TOKEN, now: () => now, searchPerSecond: 100 });
  for (let o = 0; o < OWNERS; o++)
    hubspot.addOwner({ id: String(100 + o), email: `owner${o}@bench.example`, firstName: 'Owner', lastName: String(o) });
  const ids: string[] = [];
  for (let d = 0; d < DEALS; d++) {
    const day = String(1 + (d % 30)).padStart(2, '0');
    ids.push(
      hubspot.createDeal({
        ownerId: String(100 + (d % OWNERS)),
        amount: 1000 + (d % 50) * 100,
        stage: d % 3 === 0 ? 'open' : 'closedwon',
        closeDate: `2026-11-${day}T00:00:00.000Z`,
        createdAt: `2026-10-${day}T10:00:00.000Z`,
      }).id,
    );
  }
  await hubspot.start();
  process.on('message', (m: { change: number; at: string }) => {
    now = new Date(m.at);
    for (let i = 0; i < m.change; i++)
      hubspot.updateDeal(ids[i * 97]!, { amount: 5000, stage: 'closedwon', closeDate: '2026-12-01T00:00:00.000Z' });
    process.send?.('changed');
  });
  process.send?.(hubspot.url);
}

if (require.main === module && process.argv.includes('--serve')) void serve();
