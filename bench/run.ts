/**
 * `npm run bench`: prints one line per figure, `bench NAME: VALUE UNIT`. The scheduler and digest
 * benchmarks arrive with their issues; this one measures what exists now, the org chart import.
 */
import { performance } from 'node:perf_hooks';
import { openDatabase } from '../src/db/connect';
import { migrateToLatest } from '../src/db/migrate';
import { importOrgChart } from '../src/org/import';
import { ensureWorkspace } from '../src/org/people';

async function main(): Promise<void> {
  const url = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL;
  const db = await openDatabase({ databaseUrl: url, dataDir: 'memory://' });
  try {
    await migrateToLatest(db.db);
    const team = `TBENCH${Date.now()}`;
    await ensureWorkspace(db.db, team, 'bench');
    const lines = ['slack_user_id,name,role,manager', 'U0CEO,CEO,ceo,'];
    for (let p = 0; p < 10; p++) {
      lines.push(`U0P${p},President ${p},president,U0CEO`);
      for (let m = 0; m < 100; m++) {
        const mid = `U0M${p}X${m}`;
        lines.push(`${mid},Manager ${p}-${m},manager,U0P${p}`);
        for (let r = 0; r < 10; r++) lines.push(`U0R${p}X${m}X${r},Rep ${p}-${m}-${r},rep,${mid}`);
      }
    }
    const started = performance.now();
    const outcome = await importOrgChart({ db: db.db, directory: null, now: new Date() }, team, lines.join('\n'), { dryRun: false });
    const ms = performance.now() - started;
    if (!outcome.ok) throw new Error(outcome.errors.slice(0, 3).map((e) => e.message).join('; '));
    console.log(`bench org_import_11k: ${Math.round(ms)} ms`);
    console.log(`bench peak_rss: ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
    await db.db.deleteFrom('workspace').where('team_id', '=', team).execute();
  } finally {
    await db.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
