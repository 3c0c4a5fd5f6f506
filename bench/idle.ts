import { performance } from 'node:perf_hooks';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../src/db/types';
import { openWorkspace } from '../src/checkins/cadences';
import { analyzePlanning } from '../src/db/statistics';
import { DEFAULT_DISPATCH } from '../src/scheduler/dispatch';
import { tick, type TickDeps } from '../src/scheduler/tick';

const WORKSPACES = 1000;
const PREFIX = `TIDLE${Date.now()}X`;

/**
 * A thousand small workspaces (a CEO, a President, a manager and five reps each: 8,000 people), planned for
 * Monday by Sunday's noon tick; then the ticks of the minutes after, when nothing is due anywhere. Returns
 * the median of those idle ticks (planning, closing, reminders, flags, digests and the outbox pass), and
 * Sunday's tick, which visits every workspace, in ms.
 */
export async function idleTicks(db: Kysely<Database>, deps: TickDeps): Promise<{ medianMs: number; planMs: number; workspaces: number }> {
  try {
    const created = new Date('2026-11-01T00:00:00Z');
    for (let w = 0; w < WORKSPACES; w++) await openWorkspace(db, `${PREFIX}${w}`, `idle ${w}`, created);
    await sql`
      insert into person (team_id, slack_user_id, name, role, reports_to)
      select t, u, n, r, m from (
        select ${PREFIX} || w as t, 'UC' as u, 'CEO' as n, 'ceo' as r, null as m from generate_series(0, ${WORKSPACES - 1}) w
        union all select ${PREFIX} || w, 'UP', 'President', 'president', 'UC' from generate_series(0, ${WORKSPACES - 1}) w
        union all select ${PREFIX} || w, 'UM', 'Manager', 'manager', 'UP' from generate_series(0, ${WORKSPACES - 1}) w
        union all select ${PREFIX} || w, 'UR' || r, 'Rep ' || r, 'rep', 'UM' from generate_series(0, ${WORKSPACES - 1}) w, generate_series(1, 5) r
      ) x`.execute(db);
    await analyzePlanning(db);
    const quiet = { ...DEFAULT_DISPATCH };
    // Saturday's and Sunday's noon ticks: Monday is planned everywhere, flags looked at once.
    await tick(deps, new Date('2026-11-28T12:00:00Z'), quiet);
    const sunday = performance.now();
    const planned = await tick(deps, new Date('2026-11-29T12:00:00Z'), quiet);
    const planMs = performance.now() - sunday;
    if (planned.checkins !== WORKSPACES * 5) throw new Error(`Sunday planned ${planned.checkins} check-ins, not ${WORKSPACES * 5}`);
    const times: number[] = [];
    for (let minute = 1; minute <= 7; minute++) {
      const started = performance.now();
      const report = await tick(deps, new Date(Date.parse('2026-11-29T12:00:00Z') + minute * 60_000), quiet);
      times.push(performance.now() - started);
      if (report.rounds || report.sent || report.reminders || report.missed)
        throw new Error(`the idle minute had work: ${JSON.stringify(report)}`);
    }
    times.sort((a, b) => a - b);
    return { medianMs: times[Math.floor(times.length / 2)]!, planMs, workspaces: WORKSPACES };
  } finally {
    await sql`delete from workspace where team_id like ${`${PREFIX}%`}`.execute(db);
  }
}
