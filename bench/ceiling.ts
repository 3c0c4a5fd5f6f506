import { performance } from 'node:perf_hooks';
import { sql, type Kysely } from 'kysely';
import { webApi } from '@slack/bolt';
import type { Database } from '../src/db/types';
import { createLog } from '../src/log';
import { importOrgChart } from '../src/org/import';
import { openWorkspace } from '../src/checkins/cadences';
import { dispatchDue, DEFAULT_DISPATCH } from '../src/scheduler/dispatch';
import { tick } from '../src/scheduler/tick';
import { slackMessenger } from '../src/slack/messenger';
import { deliveryHandlers } from '../src/slack/deliveries';
import { SlackStandIn } from '../src/slack/stand-in/slack';

const TEAM = `TBENCHWAVE${Date.now()}`;
const MANAGERS = 100;
const REPS = 100;
/** The dispatcher runs a pass every 10 seconds, as `cascade start` schedules it. */
const PASS_MS = 10_000;
const DUE = new Date('2026-11-30T10:00:00Z');

export interface CeilingRun {
  readonly ceiling: number;
  readonly sent: number;
  /**
   * Sent per minute over the wave, divided by the ceiling: the wave lasts from its first send to its last, plus
   * one pass (a sender at exactly the ceiling, a sixth of it every 10 seconds, scores 1).
   */
  readonly ratio: number;
  readonly duplicates: number;
  readonly lost: number;
  readonly refused: number;
  /** The 99th percentile of a prompt's sent at − due at, in seconds. */
  readonly latenessP99: number;
  readonly simulatedMinutes: number;
  /** How long the run took on this machine. */
  readonly realSeconds: number;
}

/**
 * The Monday wave against Slack's ceiling: 10,000 reps (and their 100 managers' live messages) all due at
 * 10:00 UTC, sent by the dispatcher with the pace it learns, against a stand-in Slack that takes `ceiling`
 * `chat.postMessage` calls a minute for the workspace and answers 429 with Retry-After beyond. Time is
 * simulated: the stand-in's window and the dispatcher's clock move together, a pass every 10 seconds, so a
 * 100-minute wave takes seconds. Each run starts from a fresh pace (a workspace Cascade never sent to).
 */
export async function ceilingRuns(db: Kysely<Database>, ceilings: readonly number[]): Promise<CeilingRun[]> {
  await openWorkspace(db, TEAM, 'bench wave', new Date('2026-11-01T00:00:00Z'));
  try {
    const lines = ['slack_user_id,name,role,manager', 'UWCEO,CEO,ceo,', 'UWPRES,President,president,UWCEO'];
    for (let m = 0; m < MANAGERS; m++) {
      lines.push(`UWM${m},Manager ${m},manager,UWPRES`);
      for (let r = 0; r < REPS; r++) lines.push(`UWR${m}X${r},Rep ${m}-${r},rep,UWM${m}`);
    }
    const outcome = await importOrgChart({ db, directory: null, now: new Date('2026-11-01T00:00:00Z') }, TEAM, lines.join('\n'), {
      dryRun: false,
    });
    if (!outcome.ok)
      throw new Error(
        outcome.errors
          .slice(0, 3)
          .map((e) => e.message)
          .join('; '),
      );
    // Everyone's Slack status was read by this morning's refresh: a prompt asks Slack nothing else.
    await db
      .updateTable('person')
      .set({ status_text: '', status_emoji: '', status_expiration: 0, status_read_at: new Date(DUE.getTime() - 3600_000) })
      .where('team_id', '=', TEAM)
      .execute();
    const slack = await new SlackStandIn({ keep: false, keepCalls: true, anyUser: true }).start();
    try {
      const client = new webApi.WebClient('xoxb-bench', {
        slackApiUrl: slack.apiUrl,
        retryConfig: { retries: 0 },
        rejectRateLimitedCalls: true,
      });
      const deps = { db, messenger: slackMessenger(client), log: createLog({ level: 'fatal' }), handlers: deliveryHandlers };
      await tick(deps, new Date('2026-11-29T12:00:00Z'), { ...DEFAULT_DISPATCH, limit: 0 });
      const runs: CeilingRun[] = [];
      for (const ceiling of ceilings) runs.push(await oneRun(db, deps, slack, ceiling));
      return runs;
    } finally {
      await slack.stop();
    }
  } finally {
    await db.deleteFrom('workspace').where('team_id', '=', TEAM).execute();
  }
}

async function oneRun(
  db: Kysely<Database>,
  deps: Parameters<typeof dispatchDue>[0],
  slack: SlackStandIn,
  ceiling: number,
): Promise<CeilingRun> {
  const started = performance.now();
  // Back to the planned wave, with a workspace whose pace nobody has learned yet.
  // (A run's 429s moved some deliveries' not_before later: each run starts from the wave as planned, all due at 10:00.)
  await sql`update delivery set status = 'queued', attempts = 0, not_before = ${DUE}, claimed_at = null, sent_at = null, channel_id = null, ts = null, last_error = null where team_id = ${TEAM}`.execute(
    db,
  );
  await sql`update checkin set status = 'scheduled', channel_id = null, message_ts = null where team_id = ${TEAM}`.execute(db);
  await sql`update round set live_channel = null, live_ts = null where team_id = ${TEAM}`.execute(db);
  await db.deleteFrom('slack_pace').where('team_id', '=', TEAM).execute();
  const wave = await db
    .selectFrom('delivery')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('team_id', '=', TEAM)
    .executeTakeFirstOrThrow();
  const total = Number(wave.n);
  slack.reset();
  let clock = DUE.getTime();
  slack.rateCeiling('chat.postMessage', ceiling, () => clock);
  let sent = 0;
  let pass = 0;
  for (; sent < total && pass < 10_000; pass++) {
    const at = new Date(DUE.getTime() + pass * PASS_MS);
    clock = at.getTime();
    sent += (await dispatchDue(deps, at, DEFAULT_DISPATCH)).sent;
  }
  slack.rateCeiling('chat.postMessage', undefined);
  const posts = slack.callsTo('chat.postMessage');
  const accepted = posts.filter((c) => !c.rateLimited);
  const perChannel = new Map<string, number>();
  for (const c of accepted) perChannel.set(String(c.args.channel), (perChannel.get(String(c.args.channel)) ?? 0) + 1);
  const duplicates = [...perChannel.values()].reduce((n, k) => n + Math.max(0, k - 1), 0);
  const times = await sql<{ first: Date; last: Date; p99: number; unsent: number }>`
    select min(d.sent_at) as first, max(d.sent_at) as last,
           (select percentile_cont(0.99) within group (order by extract(epoch from (p.sent_at - c.due_at)))
              from delivery p join checkin c on c.id = p.checkin_id where p.team_id = ${TEAM} and p.kind = 'prompt') as p99,
           (select count(*)::int from delivery u where u.team_id = ${TEAM} and u.status <> 'sent') as unsent
    from delivery d where d.team_id = ${TEAM} and d.status = 'sent'`.execute(db);
  const t = times.rows[0]!;
  const minutes = (new Date(t.last).getTime() - new Date(t.first).getTime() + PASS_MS) / 60_000;
  return {
    ceiling,
    sent,
    ratio: sent / minutes / ceiling,
    duplicates,
    lost: Number(t.unsent),
    refused: posts.length - accepted.length,
    latenessP99: Number(t.p99),
    simulatedMinutes: (pass * PASS_MS) / 60_000,
    realSeconds: (performance.now() - started) / 1000,
  };
}
