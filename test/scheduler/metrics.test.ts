import { createMetrics } from '../../src/metrics';
import { tick } from '../../src/scheduler/tick';
import { tickDeps, useFixture } from '../support/cascade';
import { PEOPLE } from '../support/org-fixture';

/**
 * `GET /metrics` in Prometheus' text format, on the app's own HTTP server: deliveries by kind and outcome,
 * the send rate and 429s per workspace, prompt lateness, tick duration, queue depth and check-ins by status.
 */
const now = { current: new Date('2026-11-23T04:00:00Z') };
const fixture = useFixture({ now });

describe('Metrics', () => {
  test('When Prometheus scrapes /metrics, then it gets the text format with the queue depth and check-ins by status read from the database', async () => {
    now.current = new Date('2026-11-23T04:30:00Z');
    // Planned, not sent: Raj's prompt and Ann's live message wait in the outbox.
    await tick(tickDeps(fixture.db, fixture.slack, fixture.app.log), now.current, { limit: 0, concurrency: 1, leaseMs: 300_000, maxAttempts: 5 });
    const res = await fetch(`${fixture.app.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const body = await res.text();
    expect(body).toContain('# TYPE cascade_outbox_queue_depth gauge');
    expect(body).toMatch(/cascade_outbox_queue_depth\{kind="prompt"\} [1-9]/);
    expect(body).toMatch(/cascade_checkins\{status="scheduled"\} [1-9]/);
    expect(body).toContain('# TYPE cascade_prompt_lateness_seconds histogram');
    expect(body).toContain('# TYPE cascade_tick_duration_seconds histogram');
  });

  test('When a tick sends late prompts and Slack answers one 429, then the counters, the lateness histogram and the tick duration say so', async () => {
    const metrics = createMetrics(fixture.db.db);
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
    await fixture.db.db.insertInto('slack_pace').values({ team_id: team, lane: 'update', per_minute: 45, updated_at: now.current }).execute();
    expect(await metrics.registry.metrics()).toContain(`cascade_slack_update_pace_per_minute{team="${team}"} 45`);
  });
});
