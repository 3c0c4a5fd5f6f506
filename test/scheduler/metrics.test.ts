import type { KyselyPlugin } from 'kysely';
import { createMetrics } from '../../src/metrics';
import { tick } from '../../src/scheduler/tick';
import { startTestApp } from '../support/app';
import { tickDeps, useFixture } from '../support/cascade';
import { PEOPLE } from '../support/org-fixture';

/**
 * `GET /metrics` in Prometheus' text format, on a port of its own (loopback) or behind a token, never open
 * on the port Slack reaches: deliveries by kind and outcome, the send rate and 429s, prompt lateness, tick
 * duration, queue depth and the week's check-ins by status, read from the database at most every 30 s.
 */
const now = { current: new Date('2026-11-23T04:00:00Z') };
const TOKEN = 'scrape-token-0123456789';
const fixture = useFixture({ now, env: { METRICS_PORT: '0' } });

/** Counts the statements a Kysely instance runs (the plugin sees each one). */
function counting(): { plugin: KyselyPlugin; count: () => number } {
  let n = 0;
  return {
    plugin: {
      transformQuery: (args) => {
        n += 1;
        return args.node;
      },
      transformResult: async (args) => args.result,
    },
    count: () => n,
  };
}

describe('Metrics', () => {
  test('When Prometheus scrapes the metrics port, then it gets the text format with the queue depth and the week’s check-ins by status, and no workspace id', async () => {
    now.current = new Date('2026-11-23T04:30:00Z');
    // Planned, not sent: Raj's prompt and Ann's live message wait in the outbox.
    await tick(tickDeps(fixture.db, fixture.slack, fixture.app.log), now.current, {
      limit: 0,
      concurrency: 1,
      leaseMs: 300_000,
      maxAttempts: 5,
    });
    const port = fixture.app.running.metricsPort!;
    expect(port).toBeGreaterThan(0);
    const res = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const body = await res.text();
    expect(body).toContain('# TYPE cascade_outbox_queue_depth gauge');
    expect(body).toMatch(/cascade_outbox_queue_depth\{kind="prompt"\} [1-9]/);
    expect(body).toMatch(/cascade_checkins\{status="scheduled"\} [1-9]/);
    expect(body).toContain('cascade_database_reachable 1');
    expect(body).toContain('# TYPE cascade_prompt_lateness_seconds histogram');
    expect(body).toContain('# TYPE cascade_tick_duration_seconds histogram');
    expect(body).not.toContain(fixture.app.teamId);
    expect(body).not.toContain('team=');
  });

  test('When anyone asks for /metrics on the port Slack reaches, then there is nothing there', async () => {
    expect((await fetch(`${fixture.app.url}/metrics`)).status).toBe(404);
  });

  test('When METRICS_TOKEN is set without METRICS_PORT, then /metrics on the app’s port answers only a scrape that sends the token', async () => {
    const app = await startTestApp({ db: fixture.db, slack: fixture.slack, env: { METRICS_TOKEN: TOKEN } });
    const url = `${app.url}/metrics`;
    try {
      expect((await fetch(url)).status).toBe(401);
      expect((await fetch(url, { headers: { authorization: `Bearer ${TOKEN}x` } })).status).toBe(401);
      expect((await fetch(url, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
      const ok = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(ok.status).toBe(200);
      expect(await ok.text()).toContain('cascade_outbox_queue_depth');
      expect(app.running.metricsPort).toBeUndefined();
      expect(app.logs.raw.join('\n')).not.toContain(TOKEN);
    } finally {
      await app.stop();
    }
  });

  test('When scrapes come sixteen at a time, again and again, then the database is read once per 30 seconds, one query at a time', async () => {
    const counter = counting();
    let clock = 1_000_000;
    const metrics = createMetrics(fixture.db.db.withPlugin(counter.plugin), { teamLabels: false, now: () => clock });
    const scrape = () => Promise.all(Array.from({ length: 16 }, () => metrics.registry.metrics()));
    await scrape();
    const once = counter.count();
    expect(once).toBeGreaterThan(0);
    expect(once).toBeLessThanOrEqual(4);
    for (let i = 0; i < 5; i++) {
      clock += 5000;
      await scrape();
    }
    expect(counter.count()).toBe(once);
    clock += 30_000;
    await scrape();
    expect(counter.count()).toBe(2 * once);
  });

  test('When a tick sends late prompts and Slack answers one 429, then the counters, the lateness histogram and the tick duration say so', async () => {
    const metrics = createMetrics(fixture.db.db, { teamLabels: true, refreshMs: 0 });
    const deps = { ...tickDeps(fixture.db, fixture.slack, fixture.app.log), metrics: metrics.scheduler };
    fixture.slack.onNext('chat.postMessage', { status: 429, retryAfter: 30 }, (args) => args.to_user === PEOPLE.raj.id);
    // Ten minutes after Raj's prompt was due.
    now.current = new Date('2026-11-23T04:40:00Z');
    await tick(deps, now.current);
    now.current = new Date('2026-11-23T04:41:00Z');
    await tick(deps, now.current);
    const body = await metrics.registry.metrics();
    expect(body).toContain(`cascade_slack_rate_limited_total{team="${fixture.app.teamId}"} 1`);
    expect(body).toMatch(/cascade_deliveries_total\{kind="prompt",outcome="retried"\} 1/);
    expect(body).toMatch(/cascade_deliveries_total\{kind="prompt",outcome="sent"\} 1/);
    expect(body).toMatch(new RegExp(`cascade_slack_sent_total\\{team="${fixture.app.teamId}"\\} [2-9]`));
    // Raj's prompt was due at 04:30 and went out at 04:41: 660 seconds late, in the 1,200-second bucket, not the 600 one.
    expect(body).toContain('cascade_prompt_lateness_seconds_bucket{le="600"} 0');
    expect(body).toContain('cascade_prompt_lateness_seconds_bucket{le="1200"} 1');
    expect(body).toContain('cascade_prompt_lateness_seconds_sum 660');
    expect(body).toContain('cascade_tick_duration_seconds_count 2');
    // The 429 was a post's: the posting pace is learned, the editing pace has not been touched.
    const team = fixture.app.teamId;
    expect(body).toMatch(new RegExp(`cascade_slack_pace_per_minute\\{team="${team}"\\} [1-9]`));
    expect(body).not.toContain(`cascade_slack_update_pace_per_minute{team="${team}"}`);
    await fixture.db.db
      .insertInto('slack_pace')
      .values({ team_id: team, lane: 'update', per_minute: 45, updated_at: now.current })
      .execute();
    expect(await metrics.registry.metrics()).toContain(`cascade_slack_update_pace_per_minute{team="${team}"} 45`);
  });
});
