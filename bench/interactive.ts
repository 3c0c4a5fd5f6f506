import { randomBytes } from 'node:crypto';
import { questionsFor, submitAnswers } from '../src/checkins/answers';
import { openWorkspace } from '../src/checkins/cadences';
import { checkinContext } from '../src/checkins/context';
import { loadConfig } from '../src/config';
import { openDatabase } from '../src/db/connect';
import { startCascade } from '../src/index';
import { createLog } from '../src/log';
import { importOrgChart } from '../src/org/import';
import { scopeOf } from '../src/org/policy';
import { tick } from '../src/scheduler/tick';
import { deliveryHandlers } from '../src/slack/deliveries';
import { IDS } from '../src/slack/ids';
import { slackMessenger } from '../src/slack/messenger';
import { blockActions, interactionBody, signedHeaders, slashCommandBody } from '../src/slack/stand-in/requests';
import { SlackStandIn, type RecordedCall } from '../src/slack/stand-in/slack';
import { webApi } from '@slack/bolt';

const MANAGERS = 10;
const REPS = 10;
/** 40 samples a minute, each editing a live message once: within Slack's 50 edits a minute (Tier 3), with room. */
const SPACING_MS = 1500;

/**
 * A person's action to its Slack call (run on a database no other workspace is using: a tick plans every
 * workspace's week, and a pass sends what is due in any of them): Cascade as `cascade start` runs it on Postgres, woken by LISTEN/NOTIFY
 * (no periodic pass, which could only make it quicker), against the Slack stand-in in this process. 200
 * samples, one every 1.5 s: each one also edits the leader's live message ("You replied", "Got it"), and a
 * workspace's edits are paced at Slack's Tier 3, 50 a minute (faster, an edit waits for the next minute's
 * budget, as Slack would make it wait). Three replies (`/cascade reply`, to the member's thread) for each
 * "Got it" (a button; measured to the edit of the leader's live message). Milliseconds from sending the signed request to Slack receiving the call.
 */
export async function interactiveDelivery(url: string, samples = 200): Promise<{ p50: number; p99: number; samples: number }> {
  const slack = await new SlackStandIn({ teamId: `TBENCHI${Date.now()}` }).start();
  const db = await openDatabase({ databaseUrl: url, dataDir: 'memory://', longRunning: true });
  const secret = randomBytes(16).toString('hex');
  // Simulated time that flows as real time does from where it is set (a workspace's pace is per minute).
  let base = Date.parse('2026-11-22T12:00:00Z');
  let anchor = Date.now();
  const clock = { now: () => new Date(base + Date.now() - anchor) };
  const setClock = (iso: string) => {
    base = Date.parse(iso);
    anchor = Date.now();
  };
  const loaded = loadConfig(
    { SLACK_BOT_TOKEN: 'xoxb-bench', SLACK_SIGNING_SECRET: secret, SLACK_API_URL: slack.apiUrl, PORT: '0', LOG_LEVEL: 'error' },
    { requireSlack: true },
  );
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  const log = createLog({ level: 'error' });
  const running = await startCascade(loaded.config, {
    log,
    db,
    clock,
    schedules: false,
    wake: true,
    slack: { retries: 0, timeoutMs: 3000 },
  });
  const team = running.teamId!;
  try {
    const lines = ['slack_user_id,name,role,manager', 'UICEO,Casey,ceo,', 'UIPRES,Pat,president,UICEO'];
    for (let m = 0; m < MANAGERS; m++) {
      lines.push(`UIM${m},Manager ${m},manager,UIPRES`);
      for (let r = 0; r < REPS; r++) lines.push(`UIR${m}X${r},Rep ${m}-${r},rep,UIM${m}`);
    }
    for (const line of lines.slice(1)) slack.addUser({ id: line.split(',')[0]!, name: line.split(',')[1]! });
    await openWorkspace(db.db, team, team, clock.now());
    const imported = await importOrgChart({ db: db.db, directory: null, now: clock.now() }, team, lines.join('\n'), { dryRun: false });
    if (!imported.ok) throw new Error('the interactive bench org did not import');
    await db.db
      .updateTable('workspace')
      .set({ work_days: [0, 1, 2, 3, 4, 5, 6], work_start: '00:00', work_end: '23:59' })
      .where('team_id', '=', team)
      .execute();
    const deps = {
      db: db.db,
      messenger: slackMessenger(new webApi.WebClient('xoxb-bench', { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } })),
      log,
      handlers: deliveryHandlers,
    };
    // Sunday plans Monday; on Monday the prompts and live messages go out, and every rep answers.
    await tick(deps, clock.now());
    setClock('2026-11-23T11:00:00Z');
    await tick(deps, clock.now());
    const sent = await db.db
      .selectFrom('checkin')
      .select(['id', 'person_id'])
      .where('team_id', '=', team)
      .where('status', '=', 'sent')
      .where('part', '=', 'member')
      .execute();
    for (const c of sent) {
      const ctx = (await checkinContext(db.db, c.id))!;
      const questions = await questionsFor(db.db, ctx);
      const raw = Object.fromEntries(
        questions.map((q) => [
          q.id,
          q.kind === 'rating_1_5'
            ? '4'
            : q.kind === 'number'
              ? '7'
              : q.kind === 'yes_no'
                ? 'yes'
                : 'Booked the next meeting before leaving the room',
        ]),
      );
      await submitAnswers(await scopeOf(db.db, team, c.person_id, [], clock.now()), { checkinId: c.id, questions, raw });
    }
    // The answers' edits of the live messages take a few minutes of the update lane's pace: the samples start after.
    setClock('2026-11-23T11:30:00Z');
    await tick(deps, clock.now());
    // Past the minute of those edits: the samples have the update lane's whole budget.
    setClock('2026-11-23T11:32:00Z');
    const answered = sent.filter((c) => c.person_id.startsWith('UIR'));

    const post = (body: string) =>
      fetch(`http://127.0.0.1:${running.port}/slack/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...signedHeaders(secret, body) },
        body,
      });
    const arrival = async (method: string, since: number, where: (c: RecordedCall) => boolean): Promise<number> => {
      const [call] = await slack.waitFor(method, { timeoutMs: 30_000, where: (c) => c.at >= since && where(c) });
      return call!.at;
    };
    const latencies: number[] = [];
    let acks = 0;
    for (let i = 0; i < samples; i++) {
      const paced = new Promise((r) => setTimeout(r, SPACING_MS));
      if (i % 4 === 3 && acks < answered.length) {
        const c = answered[acks++]!;
        const leader = c.person_id.replace(/^UIR(\d+)X\d+$/, 'UIM$1');
        const started = Date.now();
        await post(
          interactionBody(
            blockActions({
              teamId: team,
              userId: leader,
              triggerId: `trigger-ack-${i}`,
              message: { channel: `D${leader}`, ts: '1', responseUrl: slack.responseUrl(`ack-${i}`) },
              action: { type: 'button', action_id: IDS.conversation.ack, block_id: 'round', value: `r${c.id}`, action_ts: '1' },
            }),
          ),
        );
        latencies.push((await arrival('chat.update', started, (x) => x.args.channel === `D${leader}`)) - started);
      } else {
        const c = answered[i % answered.length]!;
        const leader = c.person_id.replace(/^UIR(\d+)X\d+$/, 'UIM$1');
        const words = `Sample ${i}: bring the plan to our 1:1`;
        const started = Date.now();
        await post(
          slashCommandBody({
            teamId: team,
            userId: leader,
            text: `reply <@${c.person_id}|rep> "${words}"`,
            responseUrl: slack.responseUrl(`reply-${i}`),
            triggerId: `trigger-reply-${i}`,
          }),
        );
        latencies.push((await arrival('chat.postMessage', started, (x) => JSON.stringify(x.args).includes(words))) - started);
      }
      await paced;
    }
    const sorted = [...latencies].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
    return { p50: at(0.5), p99: at(0.99), samples: sorted.length };
  } finally {
    await running.stop();
    await db.db
      .deleteFrom('workspace')
      .where('team_id', '=', team)
      .execute()
      .catch(() => undefined);
    await db.close();
    await slack.stop();
  }
}
