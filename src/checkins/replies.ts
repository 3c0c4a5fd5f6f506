import { nameOf } from '../org/people';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/types';
import { invalid, notAllowed, notFound } from '../errors';
import { takeOnce } from '../db/slack-events';
import { isBelow, type Scope } from '../org/policy';
import { deliveryKey, enqueue } from '../outbox/vocabulary';
import { type ReplyView, refreshRoundMessage, repliesOf, replyViewOf } from './live';

/*
 * Conversations that come back down: replies and "Got it" on a check-in, the member's one answer to a reply,
 * and what came back to a member. Who may see what is the policy's: the member and the people above them,
 * never a peer.
 */

/** The longest reply, topic or note. */
export const MAX_TEXT = 3000;

/** The replies on several check-ins of one person the caller has already been allowed to see. */
export async function repliesOnAll(scope: Scope, checkinIds: readonly number[]): Promise<(ReplyView & { checkinId: number })[]> {
  return repliesOf(scope.db, scope.teamId, checkinIds);
}

/** Each person's latest answered check-in and whether the reader said "Got it" (App Home's team list). */
export async function latestAnswered(
  scope: Scope,
  personIds: readonly string[],
): Promise<Map<string, { checkinId: number; acked: boolean }>> {
  if (personIds.length === 0) return new Map();
  const rows = await sql<{ person_id: string; id: number; acked: boolean }>`
    select distinct on (c.person_id) c.person_id, c.id,
           exists (select 1 from reply r where r.checkin_id = c.id and r.kind = 'ack' and r.author_id = ${scope.actor.id}) as acked
    from checkin c
    where c.team_id = ${scope.teamId} and c.person_id = any(${[...personIds]}::text[]) and c.part = 'member' and c.status = 'answered'
    order by c.person_id, c.answered_at desc`.execute(scope.db);
  return new Map(rows.rows.map((r) => [r.person_id, { checkinId: r.id, acked: r.acked }]));
}

export async function memberCheckin(db: Kysely<Database>, teamId: string, checkinId: number) {
  return db
    .selectFrom('checkin as c')
    .innerJoin('round as r', 'r.id', 'c.round_id')
    .innerJoin('cadence as k', 'k.id', 'r.cadence_id')
    .select([
      'c.id',
      'c.person_id',
      'c.status',
      'c.round_id',
      'c.channel_id',
      'c.message_ts',
      'c.held_at',
      'c.shared_note',
      'c.private_note',
      'c.private_note_readers',
      'r.leader_id',
      'r.occurrence',
      'k.mode',
      'k.level',
      'k.name as cadence_name',
    ])
    .where('c.id', '=', checkinId)
    .where('c.team_id', '=', teamId)
    .where('c.part', '=', 'member')
    .executeTakeFirst();
}

export function cleanText(text: string, max: number, what: string): string {
  const clean = text.trim();
  if (!clean) throw invalid(`Write the ${what} in quotes, like "Great call with Acme — let's take it to the CFO".`);
  if (clean.length > max) throw invalid(`A ${what} has at most ${max.toLocaleString('en-US')} characters.`);
  if (clean.includes('\u0000')) throw invalid(`This ${what} contains a NUL character, which cannot be kept: type it again without it.`);
  return clean;
}

/** A check-in someone above the member acts on (reply, "Got it"): answered, and the actor above the member. */
async function answeredBelow(scope: Scope, checkinId: number) {
  const c = await memberCheckin(scope.db, scope.teamId, checkinId);
  if (!c || !(await isBelow(scope.db, scope.teamId, scope.actor.id, c.person_id))) {
    throw notFound('There is no check-in of someone below you with that number.');
  }
  if (c.status !== 'answered') throw invalid(`{@${c.person_id}} has not answered this check-in yet: there is nothing to reply to.`);
  return c;
}

/** Whom a reply to this check-in would reach, checked before a window is opened for it: someone below the actor who answered. */
export async function replyTarget(scope: Scope, checkinId: number): Promise<{ memberId: string; memberName: string }> {
  const c = await answeredBelow(scope, checkinId);
  const memberName = await nameOf(scope.db, scope.teamId, c.person_id);
  return { memberId: c.person_id, memberName: memberName };
}

/**
 * A reply, an answer to one or a "Got it", kept with the check-in; undefined when it is there already (one answer
 * to a reply, one Got it per reader and check-in).
 */
async function keepReply(
  tx: Transaction<Database>,
  scope: Scope,
  c: { id: number },
  input:
    | { kind: 'reply'; text: string; parentId: null }
    | { kind: 'answer'; text: string; parentId: number }
    | { kind: 'ack'; text: null; parentId: null },
): Promise<ReplyView | undefined> {
  const row = await tx
    .insertInto('reply')
    .values({
      team_id: scope.teamId,
      checkin_id: c.id,
      author_id: scope.actor.id,
      kind: input.kind,
      text: input.text,
      parent_id: input.parentId,
      created_at: scope.now,
    })
    .onConflict((oc) =>
      input.kind === 'ack'
        ? oc.columns(['checkin_id', 'author_id']).where('kind', '=', 'ack').doNothing()
        : oc.column('parent_id').where('kind', '=', 'answer').doNothing(),
    )
    .returningAll()
    .executeTakeFirst();
  return row && replyViewOf({ ...row, name: null });
}

/** What was kept goes to its reader at once, and the round's live message counts it. */
async function sendReply(
  tx: Transaction<Database>,
  scope: Scope,
  c: { round_id: number; leader_id: string },
  reply: ReplyView,
  recipient: string,
): Promise<void> {
  await enqueue(
    tx,
    'reply',
    { replyId: reply.id },
    { teamId: scope.teamId, key: deliveryKey.reply(reply.id), recipient, notBefore: scope.now },
  );
  await refreshRoundMessage(tx, scope.teamId, c.round_id, c.leader_id, scope.now);
}

/**
 * A leader's reply to a member's answers: kept with the check-in, sent in the thread of the member's prompt
 * ("Ann replied: …"), where the member can answer it once.
 */
export async function replyTo(scope: Scope, input: { checkinId: number; text: string; once?: string }): Promise<ReplyView> {
  const text = cleanText(input.text, MAX_TEXT, 'reply');
  const c = await answeredBelow(scope, input.checkinId);
  return scope.db.transaction().execute(async (tx) => {
    await takeOnce(tx, scope.teamId, input.once);
    const row = await keepReply(tx, scope, c, { kind: 'reply', text, parentId: null });
    if (!row) throw new Error('a reply has no unique key to conflict on');
    await sendReply(tx, scope, c, row, c.person_id);
    return row;
  });
}

/** `/cascade reply @person "text"`: the reply goes to the person's latest answered check-in below the actor. */
export async function replyToLatest(
  scope: Scope,
  input: { personId: string; text: string },
): Promise<{ reply: ReplyView; checkinId: number; occurrence: string }> {
  cleanText(input.text, MAX_TEXT, 'reply');
  if (!(await isBelow(scope.db, scope.teamId, scope.actor.id, input.personId))) {
    throw notAllowed(`You can reply to the people below you in the chain; {@${input.personId}} is not below you.`);
  }
  const latest = await scope.db
    .selectFrom('checkin as c')
    .innerJoin('round as r', 'r.id', 'c.round_id')
    .select(['c.id', 'r.occurrence'])
    .where('c.team_id', '=', scope.teamId)
    .where('c.person_id', '=', input.personId)
    .where('c.part', '=', 'member')
    .where('c.status', '=', 'answered')
    .orderBy('c.answered_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!latest) throw notFound(`{@${input.personId}} has no answered check-in yet: there is nothing to reply to.`);
  return { reply: await replyTo(scope, { checkinId: latest.id, text: input.text }), checkinId: latest.id, occurrence: latest.occurrence };
}

/** "Got it": the leader read the answers. Once per reader and check-in; the member sees "Ann read your check-in". */
export async function acknowledge(scope: Scope, checkinId: number): Promise<{ created: boolean }> {
  const c = await answeredBelow(scope, checkinId);
  return scope.db.transaction().execute(async (tx) => {
    const row = await keepReply(tx, scope, c, { kind: 'ack', text: null, parentId: null });
    if (!row) return { created: false };
    await sendReply(tx, scope, c, row, c.person_id);
    return { created: true };
  });
}

/** A reply to the actor that they may answer: theirs, a reply (not "Got it"), not answered yet. */
async function replyToAnswer(scope: Scope, replyId: number) {
  const parent = await scope.db
    .selectFrom('reply')
    .selectAll()
    .where('id', '=', replyId)
    .where('team_id', '=', scope.teamId)
    .executeTakeFirst();
  const c = parent ? await memberCheckin(scope.db, scope.teamId, parent.checkin_id) : undefined;
  if (parent?.kind !== 'reply' || !c || c.person_id !== scope.actor.id)
    throw notFound('That reply was not written to you, or no longer exists.');
  const answered = await scope.db
    .selectFrom('reply')
    .select('id')
    .where('parent_id', '=', parent.id)
    .where('kind', '=', 'answer')
    .executeTakeFirst();
  if (answered) throw invalid('You have already answered this reply: say more in your next check-in, or in your 1:1.');
  const authorName = await nameOf(scope.db, scope.teamId, parent.author_id);
  return { parent, c, authorName: authorName };
}

/** Checked before the Answer window opens: the reply is the actor's to answer, and not answered yet. */
export async function answerableReply(scope: Scope, replyId: number): Promise<{ authorName: string }> {
  return { authorName: (await replyToAnswer(scope, replyId)).authorName };
}

/** The member answers a reply once, from its thread; the answer goes back to the leader who replied. */
export async function answerReply(scope: Scope, input: { replyId: number; text: string; once?: string }): Promise<ReplyView> {
  const text = cleanText(input.text, MAX_TEXT, 'answer');
  const { parent, c } = await replyToAnswer(scope, input.replyId);
  return scope.db.transaction().execute(async (tx) => {
    await takeOnce(tx, scope.teamId, input.once);
    const row = await keepReply(tx, scope, c, { kind: 'answer', text, parentId: parent.id });
    if (!row) throw invalid('You have already answered this reply: say more in your next check-in, or in your 1:1.');
    // The reply in the member's thread shows the answer and loses its Answer button.
    await enqueue(
      tx,
      'reply_update',
      { replyId: parent.id },
      { teamId: scope.teamId, key: deliveryKey.replyAnswered(parent.id), recipient: c.person_id, notBefore: scope.now },
    );
    await sendReply(tx, scope, c, row, parent.author_id);
    return row;
  });
}

/** What a reply delivery says, and where: the member's prompt thread, or back to the leader. */
export interface ReplyDelivery {
  readonly reply: ReplyView;
  readonly parent: ReplyView | null;
  /** The member's answer to this reply, once given (the reply in their thread then shows it, and no button). */
  readonly answer: ReplyView | null;
  readonly checkinId: number;
  readonly memberId: string;
  readonly memberName: string;
  readonly cadenceName: string;
  readonly occurrence: string;
  /** The member's prompt, whose thread the reply goes in. */
  readonly promptChannel: string | null;
  readonly promptTs: string | null;
  /** The round's leader: the live message (and its thread) is theirs. */
  readonly roundLeaderId: string;
  /** The leader's live message, whose thread the member's answer goes in when the reply was that leader's. */
  readonly liveChannel: string | null;
  readonly liveTs: string | null;
}

export async function replyDelivery(db: Kysely<Database>, replyId: number): Promise<ReplyDelivery | undefined> {
  const r = await db.selectFrom('reply').select(['team_id', 'checkin_id']).where('id', '=', replyId).executeTakeFirst();
  if (!r) return undefined;
  const c = await memberCheckin(db, r.team_id, r.checkin_id);
  if (!c) return undefined;
  const all = await repliesOf(db, r.team_id, [c.id]);
  const reply = all.find((x) => x.id === replyId)!;
  const round = await db.selectFrom('round').select(['live_channel', 'live_ts']).where('id', '=', c.round_id).executeTakeFirst();
  const memberName = await nameOf(db, r.team_id, c.person_id);
  return {
    reply,
    parent: reply.parentId ? (all.find((x) => x.id === reply.parentId) ?? null) : null,
    answer: all.find((x) => x.kind === 'answer' && x.parentId === reply.id) ?? null,
    checkinId: c.id,
    memberId: c.person_id,
    memberName,
    cadenceName: c.cadence_name,
    occurrence: c.occurrence,
    promptChannel: c.channel_id,
    promptTs: c.message_ts,
    roundLeaderId: c.leader_id,
    liveChannel: round?.live_channel ?? null,
    liveTs: round?.live_ts ?? null,
  };
}

/** What came back down to a member lately: their leaders' replies and the shared notes of their 1:1s (App Home). */
export async function whatCameBack(
  scope: Scope,
  limit = 5,
): Promise<{
  replies: (ReplyView & { occurrence: string })[];
  notes: { occurrence: string; leaderName: string; note: string; heldAt: Date }[];
}> {
  const { db, teamId } = scope;
  const me = scope.actor.id;
  const replies = await db
    .selectFrom('reply as r')
    .innerJoin('checkin as c', 'c.id', 'r.checkin_id')
    .innerJoin('round as o', 'o.id', 'c.round_id')
    .leftJoin('person as p', (j) => j.onRef('p.team_id', '=', 'r.team_id').onRef('p.slack_user_id', '=', 'r.author_id'))
    .select(['r.id', 'r.author_id', 'r.kind', 'r.text', 'r.parent_id', 'r.created_at', 'p.name', 'o.occurrence'])
    .where('r.team_id', '=', teamId)
    .where('c.person_id', '=', me)
    .where('r.kind', 'in', ['reply', 'ack'])
    .orderBy('r.created_at', 'desc')
    .limit(limit)
    .execute();
  const notes = await db
    .selectFrom('checkin as c')
    .innerJoin('round as o', 'o.id', 'c.round_id')
    .leftJoin('person as p', (j) => j.onRef('p.team_id', '=', 'o.team_id').onRef('p.slack_user_id', '=', 'o.leader_id'))
    .select(['o.occurrence', 'p.name', 'c.shared_note', 'c.held_at'])
    .where('c.team_id', '=', teamId)
    .where('c.person_id', '=', me)
    .where('c.shared_note', 'is not', null)
    .orderBy('c.held_at', 'desc')
    .limit(3)
    .execute();
  return {
    replies: replies.map((r) => ({ ...replyViewOf(r), occurrence: r.occurrence })),
    notes: notes.map((n) => ({
      occurrence: n.occurrence,
      leaderName: n.name ?? '',
      note: n.shared_note!,
      heldAt: n.held_at ?? new Date(0),
    })),
  };
}
