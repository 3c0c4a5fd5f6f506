import { amountOf, readAmount } from '../input';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Scope } from '../org/policy';
import type { Answer, Database, Question } from '../db/types';
import { invalid, notAllowed, notFound } from '../errors';
import { flagsPiling } from '../accountability/flags';
import { refreshRoundMessage } from './live';
import { deliveryKey, enqueue } from '../outbox/vocabulary';
import { recordProgress } from '../accountability/goals';
import {
  applyReviews,
  recordAnsweredCommitment,
  commitmentsStillOpen,
  commitmentsToReview,
  dueProblem,
  nextCheckinDate,
  sameCommitment,
  type ReviewOutcome,
} from '../accountability/commitments';
import { getPerson } from '../org/people';
import { checkinContext, type CheckinContext } from './context';
import { localDate } from '../time/calendar';

/** A round asks at most this many questions: the cadence's fixed ones, then rotating ones. */
const MAX_QUESTIONS = 5;

/**
 * The questions of one check-in: the fixed questions of its level (and part: a leader's reflection has
 * its own), then the rotating ones this person has gone longest without being asked, and last the
 * commitment question ("What will you commit to before our next conversation?").
 */
export async function questionsFor(db: Kysely<Database>, ctx: CheckinContext): Promise<Question[]> {
  const candidates = await db
    .selectFrom('question as q')
    .selectAll('q')
    .select((eb) =>
      eb
        .selectFrom('answer as a')
        .innerJoin('checkin as c', 'c.id', 'a.checkin_id')
        .select((e) => e.fn.max('c.due_at').as('last'))
        .whereRef('a.question_id', '=', 'q.id')
        .where('c.person_id', '=', ctx.personId)
        .where('c.team_id', '=', ctx.teamId)
        .as('last_asked'),
    )
    .where('q.active', '=', true)
    .where('q.team_id', '=', ctx.teamId)
    .where(sql<boolean>`${ctx.level} = any(q.levels)`)
    .where('q.audience', '=', ctx.part)
    .execute();
  // The organisational-factors question goes to the CEO only when flags pile up across the organisation:
  // a share of its people (the flags_piling rule), not a count that a large org always reaches.
  const conditional = candidates.filter((q) => q.ask_when === 'flags_piling');
  const piling = conditional.length > 0 && (await flagsPiling(db, ctx.teamId));
  const asked = candidates.filter((q) => q.ask_when === null || piling);
  const fixed = asked.filter((q) => q.fixed).sort((a, b) => a.position - b.position);
  const rotating = asked
    .filter((q) => !q.fixed)
    .sort((a, b) => {
      const la = a.last_asked ? new Date(a.last_asked as unknown as string).getTime() : 0;
      const lb = b.last_asked ? new Date(b.last_asked as unknown as string).getTime() : 0;
      return la - lb || a.position - b.position;
    });
  // The commitment question closes every round: commitment is the heart of accountability.
  const commitment = rotating.find((q) => q.kind === 'commitment');
  const others = rotating.filter((q) => q !== commitment);
  const room = MAX_QUESTIONS - fixed.length - (commitment ? 1 : 0);
  return [...fixed, ...others.slice(0, Math.max(0, room)), ...(commitment ? [commitment] : [])]
    .slice(0, MAX_QUESTIONS)
    .map(({ last_asked: _unused, ...q }) => q);
}

/**
 * The questions of a check-in as its answer window shows them: picked once, when the window first opens,
 * and the same ones every time after (a second submission edits the answers, it never swaps a question).
 */
export async function questionsToAsk(db: Kysely<Database>, ctx: CheckinContext): Promise<Question[]> {
  const stored = await db.selectFrom('checkin').select('question_ids').where('id', '=', ctx.id).executeTakeFirst();
  if (stored?.question_ids) return questionsByIds(db, stored.question_ids);
  const picked = await questionsFor(db, ctx);
  const ids = picked.map((q) => q.id);
  const set = await db
    .updateTable('checkin')
    .set({ question_ids: ids })
    .where('id', '=', ctx.id)
    .where('question_ids', 'is', null)
    .returning('id')
    .executeTakeFirst();
  if (set) return picked;
  // Someone else's open (a second tab, a retry) stored them first: those are the questions.
  const again = await db.selectFrom('checkin').select('question_ids').where('id', '=', ctx.id).executeTakeFirst();
  return again?.question_ids ? questionsByIds(db, again.question_ids) : picked;
}

/** Questions by id, in the order given (retired ones too: a check-in keeps what it asked). */
export async function questionsByIds(db: Kysely<Database>, ids: readonly number[]): Promise<Question[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('question')
    .selectAll()
    .where('id', 'in', [...ids])
    .execute();
  const byId = new Map(rows.map((q) => [q.id, q]));
  return ids.map((id) => byId.get(id)).filter((q): q is Question => q !== undefined);
}

export async function answersOf(db: Kysely<Database>, checkinId: number): Promise<Answer[]> {
  return db.selectFrom('answer').selectAll().where('checkin_id', '=', checkinId).orderBy('position').execute();
}

/** A check-in the person may answer now: their own, and its window open. */
export async function answerableCheckin(scope: Scope, checkinId: number): Promise<CheckinContext> {
  const ctx = await checkinContext(scope.db, checkinId);
  if (!ctx || ctx.teamId !== scope.teamId) throw notFound('That check-in no longer exists.');
  if (ctx.personId !== scope.actor.id) throw notAllowed('This check-in belongs to someone else.');
  if (ctx.status === 'missed' || ctx.status === 'skipped' || ctx.closesAt <= scope.now)
    throw invalid('This check-in has closed; the next one will come at its usual time.');
  return ctx;
}

type RawAnswers = Record<number, string | null | undefined>;

/** Checks each answer against its question; returns errors by question id (empty when all is well). Pure. */
export function validateAnswers(questions: readonly Question[], raw: RawAnswers): Record<number, string> {
  const errors: Record<number, string> = {};
  for (const q of questions) {
    const value = (raw[q.id] ?? '').trim();
    if (!value) {
      if (q.required) errors[q.id] = 'Please answer this one.';
      continue;
    }
    if (q.kind === 'number') {
      const read = amountOf(value, { negative: true, noun: 'a number', subject: 'The number', example: '12 or 3.5' });
      if (!read.ok) errors[q.id] = read.problem;
    }
    if (q.kind === 'rating_1_5' && !/^[1-5]$/.test(value)) errors[q.id] = 'Pick from 1 to 5.';
    if (q.kind === 'yes_no' && value !== 'yes' && value !== 'no') errors[q.id] = 'Yes or no.';
    if (q.kind === 'choice' && q.choices && !q.choices.includes(value)) errors[q.id] = `One of: ${q.choices.join(', ')}.`;
    if (value.length > 3000) errors[q.id] = 'At most 3,000 characters.';
    if (value.includes('\u0000')) errors[q.id] = 'This answer contains a NUL character, which cannot be kept: type it again without it.';
  }
  return errors;
}

/** What a person typed, as answer rows: the question's words as asked, numbers read as numbers, empty answers left out. */
function answerRows(checkinId: number, input: { questions: readonly Question[]; raw: RawAnswers; shared?: readonly number[]; now: Date }) {
  return input.questions
    .map((q, index) => ({ q, index, value: (input.raw[q.id] ?? '').trim() }))
    .filter((x) => x.value !== '')
    .map(({ q, index, value }) => ({
      checkin_id: checkinId,
      question_id: q.id,
      position: index + 1,
      question_text: q.text,
      kind: q.kind,
      intent: q.intent,
      value_text: q.kind === 'number' || q.kind === 'rating_1_5' ? null : value,
      value_number: q.kind === 'number' ? readAmount(value, { negative: true }) : q.kind === 'rating_1_5' ? Number(value) : null,
      shared: (q.kind === 'text' || q.kind === 'long_text') && (input.shared ?? []).includes(q.id),
      updated_at: input.now,
    }));
}

/** A number question tied to a goal reports progress towards it (once per check-in and question). */
async function recordGoalProgress(
  tx: Transaction<Database>,
  ctx: CheckinContext,
  input: { questions: readonly Question[]; raw: RawAnswers; now: Date },
): Promise<void> {
  for (const q of input.questions.filter((x) => x.kind === 'number' && x.goal_name && (input.raw[x.id] ?? '').trim())) {
    await recordProgress(tx, {
      teamId: ctx.teamId,
      personId: ctx.personId,
      goalName: q.goal_name!,
      value: readAmount((input.raw[q.id] ?? '').trim(), { negative: true }),
      on: localDate(input.now, ctx.personTz),
      source: 'checkin',
      sourceRef: `checkin:${ctx.id}:${q.id}`,
    });
  }
}

/**
 * The round's message follows the answer (the leader's live one, or the team's in its channel); a leader who asked
 * for it also gets the answer on its own; a team round posts what its author shared in the round's thread (once;
 * the outbox retries it).
 */
async function tellTheRound(tx: Transaction<Database>, ctx: CheckinContext, shared: boolean, now: Date): Promise<void> {
  if (ctx.part === 'member') {
    await refreshRoundMessage(tx, ctx.teamId, ctx.roundId, ctx.leaderId, now);
    const leader = await tx
      .selectFrom('person')
      .select('notify_each_answer')
      .where('team_id', '=', ctx.teamId)
      .where('slack_user_id', '=', ctx.leaderId)
      .executeTakeFirst();
    if (leader?.notify_each_answer) {
      await enqueue(
        tx,
        'answer_note',
        { checkinId: ctx.id },
        { teamId: ctx.teamId, key: deliveryKey.answerNote(ctx.id, now), recipient: ctx.leaderId, notBefore: now },
      );
    }
  }
  if (ctx.mode === 'team' && shared) {
    await enqueue(
      tx,
      'share',
      { checkinId: ctx.id },
      { teamId: ctx.teamId, key: deliveryKey.share(ctx.id), recipient: ctx.roundChannelId ?? ctx.personId, notBefore: now },
    );
  }
}

/**
 * Stores a valid submission in one transaction, copying each question's text as asked. A second
 * submission inside the window replaces the answers; the same request delivered twice stores them once.
 */
export async function submitAnswers(
  scope: Scope,
  request: {
    checkinId: number;
    questions: readonly Question[];
    raw: RawAnswers;
    shared?: readonly number[];
    /** Outcomes for the open commitments the check-in reviewed first. */
    reviews?: readonly { id: number; outcome: ReviewOutcome | null; note: string | null }[];
    /** A date picked for the new commitment (otherwise: the next check-in). */
    due?: string | null;
  },
): Promise<CheckinContext> {
  const { db } = scope;
  const input = { ...request, now: scope.now };
  const ctx = await answerableCheckin(scope, input.checkinId);
  const errors = validateAnswers(input.questions, input.raw);
  if (Object.keys(errors).length > 0) throw invalid(Object.values(errors)[0]!);
  const owner = await getPerson(db, ctx.teamId, ctx.personId);
  const nextDue = owner ? await nextCheckinDate(db, ctx.teamId, owner, input.now) : ctx.occurrence;
  const reviewable = new Map((await commitmentsToReview(db, ctx)).map((m) => [m.id, m]));
  if (input.due) {
    const problem = dueProblem(input.due, localDate(input.now, ctx.personTz));
    if (problem) throw invalid(problem, 'due');
  }
  const promiseText = (() => {
    const q = input.questions.find((x) => x.kind === 'commitment');
    return q ? (input.raw[q.id] ?? '').trim().slice(0, 500) : '';
  })();
  // A commitment is made once: the same words as one still open with this leader carry that one on.
  const { stillOpen } = promiseText ? await commitmentsStillOpen(db, ctx, []) : { stillOpen: [] };
  const existing = stillOpen.find((m) => sameCommitment(m.text, promiseText));
  await db.transaction().execute(async (tx) => {
    await tx.deleteFrom('answer').where('checkin_id', '=', ctx.id).execute();
    const rows = answerRows(ctx.id, input);
    if (rows.length > 0) await tx.insertInto('answer').values(rows).execute();

    // What was committed to becomes a commitment to this round's leader (accountability keeps it).
    await recordAnsweredCommitment(tx, {
      checkin: { id: ctx.id, teamId: ctx.teamId, personId: ctx.personId, leaderId: ctx.part === 'leader' ? null : ctx.leaderId },
      text: promiseText,
      carries: existing ?? null,
      due: input.due ?? null,
      nextDue,
      now: input.now,
    });

    const reviews = (input.reviews ?? []).flatMap((r) => {
      const commitment = reviewable.get(r.id);
      return commitment && r.outcome ? [{ commitment, outcome: r.outcome, ...(r.note ? { note: r.note } : {}) }] : [];
    });
    await applyReviews(tx, { checkinId: ctx.id, reviews, nextDue, now: input.now });

    await recordGoalProgress(tx, ctx, input);
    await tx
      .updateTable('checkin')
      .set({ status: 'answered', answered_at: input.now, updated_at: input.now })
      .where('id', '=', ctx.id)
      .execute();
    await tellTheRound(
      tx,
      ctx,
      rows.some((r) => r.shared),
      input.now,
    );
  });
  return { ...ctx, status: 'answered', answeredAt: input.now };
}

/** The answers a person chose to share with the team, for the round's thread. */
export async function sharedAnswersOf(
  db: Kysely<Database>,
  checkinId: number,
): Promise<{ name: string; answers: { question: string; value: string }[] }> {
  const rows = await db
    .selectFrom('answer as a')
    .innerJoin('checkin as c', 'c.id', 'a.checkin_id')
    .leftJoin('person as p', (j) => j.onRef('p.team_id', '=', 'c.team_id').onRef('p.slack_user_id', '=', 'c.person_id'))
    .select(['a.question_text', 'a.value_text', 'a.value_number', 'p.name', 'c.person_id'])
    .where('a.checkin_id', '=', checkinId)
    .where('a.shared', '=', true)
    .orderBy('a.position')
    .execute();
  return {
    name: rows[0]?.name ?? rows[0]?.person_id ?? '',
    answers: rows.map((r) => ({ question: r.question_text, value: r.value_text ?? String(r.value_number ?? '') })),
  };
}
