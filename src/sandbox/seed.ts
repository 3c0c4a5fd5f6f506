import type { Kysely } from 'kysely';
import { deliveryHandlers } from '../slack/deliveries';
import { setGoal, reportProgress } from '../accountability/goals';
import { commitmentsToReview } from '../accountability/commitments';
import { questionsToAsk, submitAnswers } from '../checkins/answers';
import { updateCadence } from '../checkins/cadences';
import { checkinContext } from '../checkins/context';
import type { Database, Question } from '../db/types';
import { setDigestChannel } from '../digests/settings';
import type { Log } from '../log';
import { importOrgChart, type ImportDeps } from '../org/import';
import { setCoreValue } from '../org/people';
import { scopeOf } from '../org/policy';
import type { Messenger } from '../scheduler/messenger';
import { tick } from '../scheduler/tick';
import { DEFAULT_DISPATCH, type DispatchOptions } from '../scheduler/dispatch';
import { execNumbersFor } from '../digests/exec';
import { promptMessage } from '../slack/blocks/prompt';
import { DEMO_ADMIN, DEMO_CORE_VALUE, DEMO_CSV, DEMO_PEOPLE } from './demo-org';

/** A small deterministic random source, so that every fresh sandbox tells the same story. */
export function randomFrom(seed: string): () => number {
  let h = 2166136261;
  for (const c of seed) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  return () => {
    h += 0x6d2b79f5;
    let t = h;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(r: () => number, list: readonly T[]): T => list[Math.floor(r() * list.length)]!;

const WORKED = [
  'Multi-threading into the CFO early',
  'Sending a mutual action plan right after discovery',
  'Leading the demo with the customer’s own numbers',
  'Booking the next meeting before leaving the current one',
  'A short recap email within the hour',
];
const OBSTACLES = [
  'Legal review slows every contract',
  'Pricing approvals take a week',
  'Legal review on enterprise deals',
  'Pricing approvals for multi-year deals',
  'Not enough qualified leads from marketing',
  'The CRM is slow to update',
];
const PROMISES = [
  'Book five demos with new logos',
  'Clean up my pipeline before Friday',
  'Call every open opportunity this week',
  'Send a mutual action plan to my top three deals',
  'Shadow a teammate’s discovery call',
];
const STUCK = ['Waiting on legal for the Acme contract', 'Pricing approvals for a multi-year deal', 'Getting the economic buyer into the room', 'Chasing signatures at quarter end'];
const SUPPORT = ['A second pair of eyes on my forecast', 'Help getting legal to prioritise', 'More time for prospecting', 'Nothing this week, thanks'];

function answerFor(q: Question, r: () => number): string {
  switch (q.kind) {
    case 'rating_1_5':
      return String(2 + Math.floor(r() * 4));
    case 'number':
      return String(3 + Math.floor(r() * 10));
    case 'yes_no':
      return r() < 0.7 ? 'yes' : 'no';
    case 'choice':
      return q.choices?.[0] ?? '';
    case 'commitment':
      return pick(r, PROMISES);
    default:
      if (q.intent === 'obstacles') return pick(r, OBSTACLES);
      if (q.intent === 'support') return pick(r, SUPPORT);
      if (q.intent === 'process') return pick(r, STUCK);
      if (q.intent === 'reflection') return 'I pushed for pace; I should ask more about what gets in the way.';
      return pick(r, WORKED);
  }
}

export interface SeedDeps {
  readonly db: Kysely<Database>;
  readonly directory: ImportDeps['directory'];
  readonly messenger: Messenger;
  readonly log: Log;
}

/**
 * The demo sales org as of `from`: the chart, the core value, goals, a team-round channel and digest
 * channels. Then `simulate` gives it history.
 */
export async function seedDemoOrg(deps: SeedDeps, teamId: string, from: Date): Promise<void> {
  const outcome = await importOrgChart({ db: deps.db, directory: deps.directory, now: from }, teamId, DEMO_CSV, { dryRun: false });
  if (!outcome.ok) throw new Error(`the demo org did not import: ${JSON.stringify(outcome.errors)}`);
  await setCoreValue(deps.db, teamId, DEMO_CORE_VALUE, from);
  const r = randomFrom('goals');
  for (const p of DEMO_PEOPLE.filter((x) => x.role === 'rep')) {
    const target = 100_000 + Math.round(r() * 15) * 10_000;
    await setGoal(await scopeOf(deps.db, teamId, p.manager!, [], from), { ownerId: p.id, scope: 'person', name: 'New pipeline', target, unit: 'USD', period: 'monthly' });
  }
  for (const m of DEMO_PEOPLE.filter((x) => x.role === 'manager')) {
    await setGoal(await scopeOf(deps.db, teamId, m.id, [], from), { ownerId: m.id, scope: 'team', name: 'New pipeline', target: 600_000, unit: 'USD', period: 'monthly' });
  }
  await updateCadence(deps.db, teamId, 'president_managers_team', { mode: 'team', channelId: 'CMANAGERS', active: true }, undefined, from);
  const admin = await scopeOf(deps.db, teamId, DEMO_ADMIN.id, [DEMO_ADMIN.id], from);
  await setDigestChannel(admin, { scope: 'org', channelId: 'CLEADERS1' });
  await setDigestChannel(admin, { scope: 'exec', channelId: 'GEXEC0001' });
  await setDigestChannel(await scopeOf(deps.db, teamId, 'UANN00001', [], from), { scope: 'team', channelId: 'CTEAMANN1' });
}

/**
 * The demo people: they answer most of their check-ins some time after each prompt (two of them rarely do,
 * so that flags and broken links have something to say), review their commitments, and report progress on
 * Fridays. Decisions are made once per check-in, from a fixed seed.
 */
export class DemoPeople {
  private readonly decided = new Set<number>();
  private readonly r: () => number;
  private lastProgress = '';

  constructor(
    private readonly deps: SeedDeps,
    private readonly teamId: string,
    seed: string,
  ) {
    this.r = randomFrom(seed);
  }

  /** Answers the open check-ins that fell due before `answerBefore`; on a Friday, reports progress. */
  async act(now: Date, answerBefore: Date): Promise<void> {
    const quiet = new Set(['UJON00001', 'UOMA00001']);
    const open = await this.deps.db
      .selectFrom('checkin')
      .select(['id', 'person_id'])
      .where('team_id', '=', this.teamId)
      .where('status', '=', 'sent')
      .where('due_at', '<=', now)
      .where('closes_at', '>', now)
      .where('due_at', '<', answerBefore)
      .execute();
    for (const c of open) {
      if (this.decided.has(c.id)) continue;
      this.decided.add(c.id);
      if (this.r() < (quiet.has(c.person_id) ? 0.2 : 0.85)) await answer(this.deps, c.id, c.person_id, now, this.r);
    }
    const day = now.toISOString().slice(0, 10);
    if (now.getUTCDay() === 5 && day !== this.lastProgress) {
      this.lastProgress = day;
      for (const p of DEMO_PEOPLE.filter((x) => x.role === 'rep')) {
        const value = Math.round(((now.getUTCDate() / 30) * (70_000 + this.r() * 180_000)) / 1000) * 1000;
        await reportProgress(this.deps.db, { teamId: this.teamId, personId: p.id, name: 'New pipeline', value, now, source: 'import' }).catch(() => undefined);
      }
    }
  }
}

/**
 * How the sandbox sends: at no pace. The stand-in Slack never answers 429, and the sandbox's clock stands still
 * between a visitor's clicks, so a pace a minute would hold an edit back until the visitor moved the clock.
 */
export const SANDBOX_DISPATCH: DispatchOptions = { ...DEFAULT_DISPATCH, fixedPace: 100_000 };

/** Runs the real scheduler from `from` to `to` in steps, the demo people acting after each. */
export async function simulate(
  deps: SeedDeps,
  span: { from: Date; to: Date; stepMs: number; /** Check-ins due after this are left for the visitor to answer. */ answerBefore: Date },
  people: DemoPeople,
  onStep?: (at: Date) => void,
): Promise<void> {
  for (let t = span.from.getTime(); t <= span.to.getTime(); t += span.stepMs) {
    const now = new Date(t);
    onStep?.(now);
    await tick({ db: deps.db, messenger: deps.messenger, log: deps.log, handlers: deliveryHandlers }, now, SANDBOX_DISPATCH);
    await people.act(now, new Date(Math.min(span.answerBefore.getTime(), t)));
  }
}

async function answer(deps: SeedDeps, checkinId: number, userId: string, now: Date, r: () => number): Promise<void> {
  const ctx = await checkinContext(deps.db, checkinId);
  if (!ctx) return;
  const questions = await questionsToAsk(deps.db, ctx);
  const raw = Object.fromEntries(questions.map((q) => [q.id, answerFor(q, r)]));
  const reviews = (await commitmentsToReview(deps.db, ctx)).map((m) => ({ id: m.id, outcome: pick(r, ['done', 'done', 'partly', 'not_yet'] as const), note: null }));
  const shared = questions.filter((q) => (q.kind === 'text' || q.kind === 'long_text') && q.intent === 'methodology' && r() < 0.4).map((q) => q.id);
  try {
    const answered = await submitAnswers(await scopeOf(deps.db, ctx.teamId, userId, [], now), { checkinId, questions, raw, shared, reviews });
    // As the answer window's listener does: the prompt is edited in place to say the answers are in.
    if (answered.mode === 'individual' && answered.channelId && answered.messageTs) {
      await deps.messenger.update(answered.channelId, answered.messageTs, promptMessage(answered, await execNumbersFor(deps.db, answered)));
    }
  } catch (err) {
    deps.log.debug({ err, checkinId }, 'a demo answer was not accepted');
  }
}
