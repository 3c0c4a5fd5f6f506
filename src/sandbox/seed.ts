import type { Kysely } from 'kysely';
import { deliveryHandlers } from '../slack/deliveries';
import { setGoal } from '../accountability/goals';
import type { HubSpotStandIn } from '../crm/stand-in/hubspot';
import { commitmentsToReview } from '../accountability/commitments';
import { questionsToAsk, submitAnswers } from '../checkins/answers';
import { updateCadence } from '../checkins/cadences';
import { checkinContext, type CheckinContext } from '../checkins/context';
import { acknowledge, answerReply, replyTo } from '../checkins/replies';
import { addAgendaTopic, agendaFor, markHeld, tickOffTopic } from '../checkins/one-on-one';
import { skipCheckin } from '../checkins/moves';
import type { Database } from '../db/types';
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
import { answerOf, heldNote, PERSONAS, privateNote, replyAnswer, replyText, reviewNote, topicText, type Random } from './story';
import { DAY_MS, HOUR_MS, MINUTE_MS, WEEK_MS } from '../time/durations';

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

interface SeedDeps {
  readonly db: Kysely<Database>;
  readonly directory: ImportDeps['directory'];
  readonly messenger: Messenger;
  readonly log: Log;
  /** The demo's CRM (the HubSpot stand-in) and the sync that reads it: the reps' goals follow it. */
  readonly crm?: { readonly hubspot: HubSpotStandIn; sync(now: Date): Promise<unknown> };
}

/** Each demo rep's HubSpot owner id: their deals are theirs by email. */
const ownerIdOf = (index: number) => String(7001 + index);

/** The demo reps as HubSpot owners, by their emails. */
export function demoOwners(hubspot: HubSpotStandIn): void {
  DEMO_PEOPLE.filter((p) => p.role === 'rep').forEach((p, i) => {
    const [firstName, lastName] = p.name.split(' ');
    hubspot.addOwner({ id: ownerIdOf(i), email: p.email!, firstName: firstName ?? p.name, lastName: lastName ?? '' });
  });
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
    const target = (6 + Math.round(r() * 6)) * 10_000;
    await setGoal(await scopeOf(deps.db, teamId, p.manager!, [], from), {
      ownerId: p.id,
      scope: 'person',
      name: 'New bookings',
      target,
      unit: 'USD',
      period: 'monthly',
      source: 'crm closed_won_amount',
    });
  }
  // Each rep starts with a few open deals in the CRM, so that wins come from the first weeks on.
  DEMO_PEOPLE.filter((x) => x.role === 'rep').forEach((_p, i) => {
    for (let n = 0; n < 3; n++) deps.crm?.hubspot.createDeal({ ownerId: ownerIdOf(i), amount: 8_000 + Math.round(r() * 22) * 1_000 });
  });
  for (const m of DEMO_PEOPLE.filter((x) => x.role === 'manager')) {
    await setGoal(await scopeOf(deps.db, teamId, m.id, [], from), {
      ownerId: m.id,
      scope: 'team',
      name: 'New bookings',
      target: 400_000,
      unit: 'USD',
      period: 'monthly',
    });
  }
  await updateCadence(deps.db, teamId, 'president_managers_team', { mode: 'team', channelId: 'CMANAGERS', active: true }, undefined, from);
  const admin = await scopeOf(deps.db, teamId, DEMO_ADMIN.id, [DEMO_ADMIN.id], from);
  await setDigestChannel(admin, { scope: 'org', channelId: 'CLEADERS1' });
  await setDigestChannel(admin, { scope: 'exec', channelId: 'GEXEC0001' });
  await setDigestChannel(await scopeOf(deps.db, teamId, 'UANN00001', [], from), { scope: 'team', channelId: 'CTEAMANN1' });
}

const RAJ = 'URAJ00001';
/** They answer within the hour of a prompt: a round is half answered soon after it opens. */
const EAGER = new Set(['UMIA00001', 'UKAI00001', 'UPRI00001', 'UMEI00001']);
const DEV_TEAM = new Set(['UPRI00001', 'UARJ00001', 'UMEI00001', 'UOMA00001']);
/** Leo's commitment that slips twice before it is partly kept. */
const SLIPPING = 'Get the Globex MSA signed';

/** The Monday of a day's week, as an instant at midnight UTC. */
function mondayOf(day: string): number {
  const t = Date.parse(`${day}T00:00:00Z`);
  return t - ((new Date(t).getUTCDay() + 6) % 7) * DAY_MS;
}

interface Planned {
  readonly at: number;
  readonly seq: number;
  readonly run: (now: Date) => Promise<void>;
}

/**
 * The demo people, living the story the sandbox tells. They answer most check-ins, some within the hour and
 * most the next working day, in their own words (story.ts); leaders reply, say "Got it", mark 1:1s held with
 * notes and tick off topics; members answer replies and add topics. Relative to the week the sandbox opens on
 * (`opensAt`): three weeks before, Kai's confidence falls to 2 and then recovers; Leo's commitment to get the
 * Globex MSA signed slips twice, then is partly kept; two weeks before, Ava skips (a customer offsite); the week
 * before, nobody in Dev's team answers (a broken link). In the week it opens, Raj's check-in waits for the
 * visitor. Everything is decided once per check-in, from a fixed seed.
 */
export class DemoPeople {
  private readonly seen = new Set<number>();
  private readonly planned: Planned[] = [];
  private readonly r: Random;
  private seq = 0;
  private lastCrmDay = '';

  constructor(
    private readonly deps: SeedDeps,
    private readonly teamId: string,
    seed: string,
    private readonly opensAt: Date,
  ) {
    this.r = randomFrom(seed);
  }

  /** Weeks between a check-in's week and the week the sandbox opens on: 1 is the week before, 0 that week. */
  private weeksBefore(occurrence: string): number {
    return Math.round((mondayOf(this.opensAt.toISOString().slice(0, 10)) - mondayOf(occurrence)) / WEEK_MS);
  }

  private plan(at: number, run: (now: Date) => Promise<void>): void {
    this.planned.push({ at, seq: this.seq++, run });
  }

  /** Notices the prompts that went out, and does what was planned for now or before; on a Friday, reports progress. */
  async act(now: Date): Promise<void> {
    const open = await this.deps.db
      .selectFrom('checkin')
      .select(['id'])
      .where('team_id', '=', this.teamId)
      .where('status', '=', 'sent')
      .where('due_at', '<=', now)
      .where('closes_at', '>', now)
      .orderBy('id')
      .execute();
    for (const c of open) {
      if (this.seen.has(c.id)) continue;
      this.seen.add(c.id);
      const ctx = await checkinContext(this.deps.db, c.id);
      if (ctx) this.decide(ctx);
    }
    for (;;) {
      const due = this.planned.filter((p) => p.at <= now.getTime()).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.planned.splice(this.planned.indexOf(due), 1);
      try {
        await due.run(now);
      } catch (err) {
        this.deps.log.debug({ err }, 'a demo action was not accepted');
      }
    }
    await this.sellAndSync(now);
  }

  /**
   * The reps' day in the CRM, once each weekday from 15:00 UTC: new deals, some open ones won or lost (each rep
   * closes at a pace of their own, so some fall behind theirs), and then Cascade's sync of the day reads it.
   */
  private async sellAndSync(now: Date): Promise<void> {
    const crm = this.deps.crm;
    const day = now.toISOString().slice(0, 10);
    if (!crm || day === this.lastCrmDay || now.getUTCHours() < 15 || now.getUTCDay() === 0 || now.getUTCDay() === 6) return;
    this.lastCrmDay = day;
    const reps = DEMO_PEOPLE.filter((x) => x.role === 'rep');
    reps.forEach((_p, i) => {
      const owner = ownerIdOf(i);
      if (this.r() < 0.35) crm.hubspot.createDeal({ ownerId: owner, amount: 8_000 + Math.round(this.r() * 22) * 1_000 });
      const winRate = 0.05 + (i % 4) * 0.025;
      for (const d of crm.hubspot.allDeals().filter((x) => x.ownerId === owner && x.stage === 'open' && !x.archivedAt)) {
        const x = this.r();
        if (x < winRate) crm.hubspot.updateDeal(d.id, { stage: 'closedwon', closeDate: `${day}T00:00:00.000Z` });
        else if (x < winRate + 0.04) crm.hubspot.updateDeal(d.id, { stage: 'closedlost', closeDate: `${day}T00:00:00.000Z` });
      }
    });
    await crm.sync(now).catch((err) => this.deps.log.warn({ err }, 'the demo CRM sync failed'));
  }

  /** What the person does with a prompt that reached them: answer (when), skip, or let it pass. */
  private decide(ctx: CheckinContext): void {
    const who = ctx.personId;
    const weeks = this.weeksBefore(ctx.occurrence);
    const due = ctx.dueAt.getTime();
    if (ctx.level === 'manager_reps' && ctx.part === 'member') {
      if (who === 'UAVA00001' && weeks === 2) {
        this.plan(due + 2 * HOUR_MS, async (now) => {
          await skipCheckin(await scopeOf(this.deps.db, this.teamId, who, [], now), {
            checkinId: ctx.id,
            reason: 'out_of_office',
            note: 'customer offsite in Denver',
          });
        });
        return;
      }
      if (DEV_TEAM.has(who) && weeks === 1) return;
      if (who === RAJ && weeks === 0) return;
      if (who === 'UJON00001' && this.r() < 0.5) return;
      if (who === 'UOMA00001' && this.r() < 0.4) return;
      if (!EAGER.has(who) && this.r() < 0.06) return;
    }
    // Within the hour for the eager; otherwise later that day, or (from the week the sandbox opens on, to leave
    // the visitor time to answer as them) the next day, between half past the prompt's hour and five hours on.
    const later = EAGER.has(who)
      ? (20 + Math.floor(this.r() * 70)) * MINUTE_MS
      : (weeks <= 0 || this.r() < 0.5 ? 24 * HOUR_MS : 0) + (30 + Math.floor(this.r() * 270)) * MINUTE_MS;
    const at = Math.min(due + later, ctx.closesAt.getTime() - HOUR_MS);
    this.plan(at, (now) => this.answer(ctx, now, weeks));
  }

  private confidenceOf(who: string, weeks: number): number {
    if (who === 'UKAI00001' && weeks >= 1 && weeks <= 4) return [4, 3, 2, 4][weeks - 1]!;
    const usual = PERSONAS[who]?.confidence ?? 4;
    return Math.max(1, Math.min(5, usual - (this.r() < 0.2 ? 1 : 0)));
  }

  private async answer(ctx: CheckinContext, now: Date, weeks: number): Promise<void> {
    const { db } = this.deps;
    const who = ctx.personId;
    const r = this.r;
    const questions = await questionsToAsk(db, ctx);
    const confidence = this.confidenceOf(who, weeks);
    const raw = Object.fromEntries(
      questions.map((q) => [
        q.id,
        who === 'ULEO00001' && weeks === 4 && q.kind === 'commitment' ? SLIPPING : answerOf(q, who, confidence, r),
      ]),
    );
    const reviews = (await commitmentsToReview(db, ctx)).map((m) => {
      if (m.text === SLIPPING) {
        const scripted =
          weeks === 1
            ? { outcome: 'partly' as const, note: 'Globex waits on procurement' }
            : { outcome: 'not_yet' as const, note: weeks === 3 ? 'Globex legal still has the redlines' : 'their counsel was out all week' };
        return { id: m.id, ...scripted };
      }
      const roll = r();
      const outcome = roll < 0.65 ? ('done' as const) : roll < 0.9 ? ('partly' as const) : ('not_yet' as const);
      return { id: m.id, outcome, note: reviewNote(outcome, who, m.text, r) };
    });
    const shared = questions
      .filter((q) => (q.kind === 'text' || q.kind === 'long_text') && q.intent === 'methodology' && r() < 0.4)
      .map((q) => q.id);
    const answered = await submitAnswers(await scopeOf(db, ctx.teamId, who, [], now), {
      checkinId: ctx.id,
      questions,
      raw,
      shared,
      reviews,
    });
    // As the answer window's listener does: the prompt is edited in place to say the answers are in.
    if (answered.mode === 'individual' && answered.channelId && answered.messageTs) {
      await this.deps.messenger.update(answered.channelId, answered.messageTs, promptMessage(answered, await execNumbersFor(db, answered)));
    }
    if (ctx.part !== 'member') return;
    this.react(ctx, now);
  }

  /** The conversation that follows an answer: the leader's reply or "Got it", the member's topic and answer, the 1:1 held. */
  private react(ctx: CheckinContext, answeredAt: Date): void {
    const r = this.r;
    const { db } = this.deps;
    const who = ctx.personId;
    const leader = ctx.leaderId;
    const at = answeredAt.getTime();
    const scope = (id: string, now: Date) => scopeOf(db, this.teamId, id, [], now);
    const roll = r();
    if (roll < 0.4) {
      const text = replyText(who, r);
      const answersBack = r() < 0.5;
      this.plan(at + (1 + Math.floor(r() * 4)) * HOUR_MS, async (now) => {
        const reply = await replyTo(await scope(leader, now), { checkinId: ctx.id, text });
        if (answersBack)
          this.plan(
            now.getTime() + (2 + Math.floor(r() * 3)) * HOUR_MS,
            async (later) => void (await answerReply(await scope(who, later), { replyId: reply.id, text: replyAnswer(r) })),
          );
      });
    } else if (roll < 0.8) {
      this.plan(at + (1 + Math.floor(r() * 5)) * HOUR_MS, async (now) => void (await acknowledge(await scope(leader, now), ctx.id)));
    }
    if (ctx.mode !== 'individual') return;
    if (r() < 0.3) {
      const topic = topicText(who, r);
      this.plan(at + 30 * MINUTE_MS, async (now) => void (await addAgendaTopic(await scope(who, now), { text: topic })));
    }
    if (r() < 0.6) {
      const shared = heldNote(who, r);
      const secret = r() < 0.3 ? privateNote(r) : undefined;
      const tickOff = r() < 0.7;
      this.plan(at + 26 * HOUR_MS, async (now) => {
        const leaderScope = await scope(leader, now);
        await markHeld(leaderScope, { personId: who, sharedNote: shared, ...(secret ? { privateNote: secret } : {}) });
        if (!tickOff) return;
        for (const t of (await agendaFor(leaderScope, who)).topics.filter((x) => x.authorId === who)) await tickOffTopic(leaderScope, t.id);
      });
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
  span: { from: Date; to: Date; stepMs: number },
  people: DemoPeople,
  onStep?: (at: Date) => void,
): Promise<void> {
  for (let t = span.from.getTime(); t <= span.to.getTime(); t += span.stepMs) {
    const now = new Date(t);
    onStep?.(now);
    await tick({ db: deps.db, messenger: deps.messenger, log: deps.log, handlers: deliveryHandlers }, now, SANDBOX_DISPATCH);
    await people.act(now);
  }
}
