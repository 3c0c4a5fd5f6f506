import { sql, type Kysely } from 'kysely';
import { goalsOf, type Standing } from '../accountability/goals';
import type { CheckinStatus, CommitmentStatus, Database, Reply } from '../db/types';
import { invalid, notAllowed, notFound } from '../errors';
import { takeOnce } from '../db/slack-events';
import { isBelow, mayReadPrivateNote, privateNoteReaders, readableAmong, type Scope } from '../org/policy';
import { deliveryKey, enqueue } from '../outbox/vocabulary';
import { suggestQuestions } from './briefs';

/*
 * Conversations that come back down: the leader's live view of a round as members answer, replies and
 * "Got it" on a check-in (and the member's one answer to a reply), the 1:1 agenda both sides add to, and the
 * 1:1 marked held with a shared note (the member sees it) and a private one (only the chain above sees it).
 * Who may see what is the policy's: the member and the people above them, never a peer.
 */

/** The longest reply, topic or note. */
export const MAX_TEXT = 3000;
export const MAX_TOPIC = 500;

export interface ReplyView {
  readonly id: number;
  readonly authorId: string;
  readonly authorName: string;
  readonly kind: Reply['kind'];
  readonly text: string | null;
  readonly parentId: number | null;
  readonly at: Date;
}

export interface LiveMember {
  readonly checkinId: number;
  readonly personId: string;
  readonly name: string;
  readonly status: CheckinStatus;
  readonly answers: readonly { question: string; value: string; kind: string; intent: string }[];
  readonly commitments: readonly { text: string; dueDate: string; status: CommitmentStatus }[];
  readonly replies: readonly ReplyView[];
  readonly held: boolean;
  /** They pressed "Snooze until tomorrow" (and have not answered yet). */
  readonly snoozed: boolean;
}

/** A round as its leader follows it while it is open: who answered, their answers, their open commitments. */
export interface LiveRound {
  readonly roundId: number;
  readonly teamId: string;
  readonly leaderId: string;
  readonly cadenceName: string;
  readonly occurrence: string;
  readonly open: boolean;
  readonly closesAt: Date | null;
  readonly liveChannel: string | null;
  readonly liveTs: string | null;
  readonly members: readonly LiveMember[];
}

export async function liveRound(db: Kysely<Database>, roundId: number): Promise<LiveRound | undefined> {
  const round = await db
    .selectFrom('round as r')
    .innerJoin('cadence as k', 'k.id', 'r.cadence_id')
    .select(['r.id', 'r.team_id', 'r.leader_id', 'r.occurrence', 'r.status', 'r.closes_at', 'r.live_channel', 'r.live_ts', 'k.name'])
    .where('r.id', '=', roundId)
    .executeTakeFirst();
  if (!round) return undefined;
  const checkins = await db
    .selectFrom('checkin as c')
    .leftJoin('person as p', (j) => j.onRef('p.team_id', '=', 'c.team_id').onRef('p.slack_user_id', '=', 'c.person_id'))
    .select(['c.id', 'c.person_id', 'c.status', 'c.held_at', 'c.snoozed_until', 'p.name'])
    .where('c.round_id', '=', roundId)
    .where('c.part', '=', 'member')
    .orderBy('p.name')
    .execute();
  // The leader reads the answers of the people below them, and nobody else's.
  const visible = await readableAmong(db, round.team_id, round.leader_id, checkins.map((c) => c.person_id));
  const shown = checkins.filter((c) => visible.has(c.person_id));
  const ids = shown.map((c) => c.id);
  const answers = ids.length ? await db.selectFrom('answer').selectAll().where('checkin_id', 'in', ids).orderBy('checkin_id').orderBy('position').execute() : [];
  const commitments = ids.length
    ? await db
        .selectFrom('commitment')
        .select(['owner_id', 'text', 'due_date', 'status'])
        .where('team_id', '=', round.team_id)
        .where('leader_id', '=', round.leader_id)
        .where('owner_id', 'in', shown.map((c) => c.person_id))
        .where('status', '=', 'open')
        .orderBy('due_date')
        .execute()
    : [];
  const replies = await repliesOf(db, round.team_id, ids);
  return {
    roundId: round.id,
    teamId: round.team_id,
    leaderId: round.leader_id,
    cadenceName: round.name,
    occurrence: round.occurrence,
    open: round.status === 'open',
    closesAt: round.closes_at,
    liveChannel: round.live_channel,
    liveTs: round.live_ts,
    members: shown.map((c) => ({
      checkinId: c.id,
      personId: c.person_id,
      name: c.name ?? c.person_id,
      status: c.status,
      answers: answers.filter((a) => a.checkin_id === c.id).map((a) => ({ question: a.question_text, value: a.value_text ?? String(a.value_number ?? ''), kind: a.kind, intent: a.intent })),
      commitments: commitments.filter((m) => m.owner_id === c.person_id).map((m) => ({ text: m.text, dueDate: m.due_date, status: m.status })),
      replies: replies.filter((r) => r.checkinId === c.id),
      held: c.held_at !== null,
      snoozed: c.snoozed_until !== null && c.status === 'sent',
    })),
  };
}

async function repliesOf(db: Kysely<Database>, teamId: string, checkinIds: readonly number[]): Promise<(ReplyView & { checkinId: number })[]> {
  if (checkinIds.length === 0) return [];
  const rows = await db
    .selectFrom('reply as r')
    .leftJoin('person as p', (j) => j.onRef('p.team_id', '=', 'r.team_id').onRef('p.slack_user_id', '=', 'r.author_id'))
    .select(['r.id', 'r.checkin_id', 'r.author_id', 'r.kind', 'r.text', 'r.parent_id', 'r.created_at', 'p.name'])
    .where('r.team_id', '=', teamId)
    .where('r.checkin_id', 'in', checkinIds)
    .orderBy('r.created_at')
    .orderBy('r.id')
    .execute();
  return rows.map((r) => ({ id: r.id, checkinId: r.checkin_id, authorId: r.author_id, authorName: r.name ?? r.author_id, kind: r.kind, text: r.text, parentId: r.parent_id, at: r.created_at }));
}

/** The replies on several check-ins of one person the caller has already been allowed to see. */
export async function repliesOnAll(scope: Scope, checkinIds: readonly number[]): Promise<(ReplyView & { checkinId: number })[]> {
  return repliesOf(scope.db, scope.teamId, checkinIds);
}

/** Each person's latest answered check-in and whether the reader said "Got it" (App Home's team list). */
export async function latestAnswered(scope: Scope, personIds: readonly string[]): Promise<Map<string, { checkinId: number; acked: boolean }>> {
  if (personIds.length === 0) return new Map();
  const rows = await sql<{ person_id: string; id: number; acked: boolean }>`
    select distinct on (c.person_id) c.person_id, c.id,
           exists (select 1 from reply r where r.checkin_id = c.id and r.kind = 'ack' and r.author_id = ${scope.actor.id}) as acked
    from checkin c
    where c.team_id = ${scope.teamId} and c.person_id = any(${[...personIds]}::text[]) and c.part = 'member' and c.status = 'answered'
    order by c.person_id, c.answered_at desc`.execute(scope.db);
  return new Map(rows.rows.map((r) => [r.person_id, { checkinId: r.id, acked: r.acked }]));
}

async function memberCheckin(db: Kysely<Database>, teamId: string, checkinId: number) {
  return db
    .selectFrom('checkin as c')
    .innerJoin('round as r', 'r.id', 'c.round_id')
    .innerJoin('cadence as k', 'k.id', 'r.cadence_id')
    .select(['c.id', 'c.person_id', 'c.status', 'c.round_id', 'c.channel_id', 'c.message_ts', 'c.held_at', 'c.shared_note', 'c.private_note', 'c.private_note_readers', 'r.leader_id', 'r.occurrence', 'k.mode', 'k.level', 'k.name as cadence_name'])
    .where('c.id', '=', checkinId)
    .where('c.team_id', '=', teamId)
    .where('c.part', '=', 'member')
    .executeTakeFirst();
}

/**
 * The round's message follows every change to a round (an answer, a skip, a snooze, a reply, a held 1:1): the
 * leader's live message for a one-by-one round, the channel message for a team round. It is drawn from the
 * database when the edit is sent, so an edit still waiting in the queue already covers this change: ten answers
 * in a minute make one `chat.update`, not ten (Slack allows about 50 a minute per workspace). The round's latest
 * edit is locked until the change commits (a dispatcher claims with SKIP LOCKED, so a waiting edit goes at a
 * later pass and draws the change); when it has gone, or is going, a new one is queued, keyed by the edit it
 * follows (so two changes at once queue one, and a clock that stands still, as the sandbox's does, still gets
 * its edits).
 */
export async function refreshRoundMessage(db: Kysely<Database>, teamId: string, roundId: number, leaderId: string, now: Date): Promise<void> {
  const round = await db
    .selectFrom('round as r')
    .innerJoin('cadence as k', 'k.id', 'r.cadence_id')
    .select(['k.mode', 'r.channel_id', 'r.thread_ts'])
    .where('r.id', '=', roundId)
    .executeTakeFirst();
  if (!round) return;
  const team = round.mode === 'team';
  // A team round's message not posted yet will show the latest when it is.
  if (team && (!round.channel_id || !round.thread_ts)) return;
  const kind = team ? 'team_update' : 'round_live_update';
  const latest = await db
    .selectFrom('delivery')
    .select(['id', 'status'])
    .where('round_id', '=', roundId)
    .where('team_id', '=', teamId)
    .where('kind', '=', kind)
    .orderBy('id', 'desc')
    .limit(1)
    .forUpdate()
    .executeTakeFirst();
  if (latest?.status === 'queued') return;
  if (team) {
    await enqueue(db, 'team_update', { roundId }, { teamId, key: deliveryKey.teamRoundUpdate(roundId, latest?.id ?? 0), recipient: round.channel_id!, notBefore: now });
  } else {
    await enqueue(db, 'round_live_update', { roundId }, { teamId, key: deliveryKey.roundLiveUpdate(roundId, latest?.id ?? 0), recipient: leaderId, notBefore: now });
  }
}

function cleanText(text: string, max: number, what: string): string {
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
  const member = await scope.db.selectFrom('person').select('name').where('team_id', '=', scope.teamId).where('slack_user_id', '=', c.person_id).executeTakeFirst();
  return { memberId: c.person_id, memberName: member?.name ?? c.person_id };
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
    const row = await tx
      .insertInto('reply')
      .values({ team_id: scope.teamId, checkin_id: c.id, author_id: scope.actor.id, kind: 'reply', text, parent_id: null, created_at: scope.now })
      .returningAll()
      .executeTakeFirstOrThrow();
    await enqueue(tx, 'reply', { replyId: row.id }, { teamId: scope.teamId, key: deliveryKey.reply(row.id), recipient: c.person_id, notBefore: scope.now });
    await refreshRoundMessage(tx, scope.teamId, c.round_id, c.leader_id, scope.now);
    return { id: row.id, authorId: row.author_id, authorName: '', kind: row.kind, text: row.text, parentId: null, at: row.created_at };
  });
}

/** `/cascade reply @person "text"`: the reply goes to the person's latest answered check-in below the actor. */
export async function replyToLatest(scope: Scope, input: { personId: string; text: string }): Promise<{ reply: ReplyView; checkinId: number; occurrence: string }> {
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
    const row = await tx
      .insertInto('reply')
      .values({ team_id: scope.teamId, checkin_id: c.id, author_id: scope.actor.id, kind: 'ack', text: null, parent_id: null, created_at: scope.now })
      .onConflict((oc) => oc.columns(['checkin_id', 'author_id']).where('kind', '=', 'ack').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!row) return { created: false };
    await enqueue(tx, 'reply', { replyId: row.id }, { teamId: scope.teamId, key: deliveryKey.reply(row.id), recipient: c.person_id, notBefore: scope.now });
    await refreshRoundMessage(tx, scope.teamId, c.round_id, c.leader_id, scope.now);
    return { created: true };
  });
}

/** A reply to the actor that they may answer: theirs, a reply (not "Got it"), not answered yet. */
async function replyToAnswer(scope: Scope, replyId: number) {
  const parent = await scope.db.selectFrom('reply').selectAll().where('id', '=', replyId).where('team_id', '=', scope.teamId).executeTakeFirst();
  const c = parent ? await memberCheckin(scope.db, scope.teamId, parent.checkin_id) : undefined;
  if (!parent || parent.kind !== 'reply' || !c || c.person_id !== scope.actor.id) throw notFound('That reply was not written to you, or no longer exists.');
  const answered = await scope.db.selectFrom('reply').select('id').where('parent_id', '=', parent.id).where('kind', '=', 'answer').executeTakeFirst();
  if (answered) throw invalid('You have already answered this reply: say more in your next check-in, or in your 1:1.');
  const author = await scope.db.selectFrom('person').select('name').where('team_id', '=', scope.teamId).where('slack_user_id', '=', parent.author_id).executeTakeFirst();
  return { parent, c, authorName: author?.name ?? parent.author_id };
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
    const row = await tx
      .insertInto('reply')
      .values({ team_id: scope.teamId, checkin_id: c.id, author_id: scope.actor.id, kind: 'answer', text, parent_id: parent.id, created_at: scope.now })
      .onConflict((oc) => oc.column('parent_id').where('kind', '=', 'answer').doNothing())
      .returningAll()
      .executeTakeFirst();
    if (!row) throw invalid('You have already answered this reply: say more in your next check-in, or in your 1:1.');
    await enqueue(tx, 'reply', { replyId: row.id }, { teamId: scope.teamId, key: deliveryKey.reply(row.id), recipient: parent.author_id, notBefore: scope.now });
    // The reply in the member's thread shows the answer and loses its Answer button.
    await enqueue(tx, 'reply_update', { replyId: parent.id }, { teamId: scope.teamId, key: deliveryKey.replyAnswered(parent.id), recipient: c.person_id, notBefore: scope.now });
    await refreshRoundMessage(tx, scope.teamId, c.round_id, c.leader_id, scope.now);
    return { id: row.id, authorId: row.author_id, authorName: '', kind: row.kind, text: row.text, parentId: parent.id, at: row.created_at };
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
  const member = await db.selectFrom('person').select('name').where('team_id', '=', r.team_id).where('slack_user_id', '=', c.person_id).executeTakeFirst();
  return {
    reply,
    parent: reply.parentId ? (all.find((x) => x.id === reply.parentId) ?? null) : null,
    answer: all.find((x) => x.kind === 'answer' && x.parentId === reply.id) ?? null,
    checkinId: c.id,
    memberId: c.person_id,
    memberName: member?.name ?? c.person_id,
    cadenceName: c.cadence_name,
    occurrence: c.occurrence,
    promptChannel: c.channel_id,
    promptTs: c.message_ts,
    roundLeaderId: c.leader_id,
    liveChannel: round?.live_channel ?? null,
    liveTs: round?.live_ts ?? null,
  };
}

/** The shared note of a held 1:1, as it goes to the member: in the thread of that check-in's prompt. */
export interface HeldNoteDelivery {
  readonly memberId: string;
  readonly leaderName: string;
  readonly cadenceName: string;
  readonly occurrence: string;
  readonly note: string;
  readonly promptChannel: string | null;
  readonly promptTs: string | null;
}

export async function heldNoteDelivery(db: Kysely<Database>, teamId: string, checkinId: number): Promise<HeldNoteDelivery | undefined> {
  const c = await memberCheckin(db, teamId, checkinId);
  if (!c?.shared_note) return undefined;
  const leader = await db.selectFrom('person').select('name').where('team_id', '=', teamId).where('slack_user_id', '=', c.leader_id).executeTakeFirst();
  return {
    memberId: c.person_id,
    leaderName: leader?.name ?? c.leader_id,
    cadenceName: c.cadence_name,
    occurrence: c.occurrence,
    note: c.shared_note,
    promptChannel: c.channel_id,
    promptTs: c.message_ts,
  };
}

/** `/cascade notify each-answer on|off`: a leader's choice of one DM per answer, besides the live message. */
export async function setNotifyEachAnswer(scope: Scope, on: boolean): Promise<void> {
  const result = await scope.db
    .updateTable('person')
    .set({ notify_each_answer: on, updated_at: scope.now })
    .where('team_id', '=', scope.teamId)
    .where('slack_user_id', '=', scope.actor.id)
    .where('active', '=', true)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) throw notFound('You are not in the org chart, so there are no answers to tell you about.');
}

/* ---------------------------------------------------------------- the 1:1 agenda and the 1:1 held */

/** The id of the check-in someone's next 1:1 is about (App Home's agenda button), if any. */
export async function oneOnOneId(scope: Scope, memberId: string): Promise<number | null> {
  return (await oneOnOne(scope, memberId))?.id ?? null;
}

/**
 * The check-in a 1:1 is about: the member's latest one-by-one check-in already sent (answered or missed
 * included), never one still to come, so a daily cadence's next prompt cannot take over the agenda or be held.
 */
async function oneOnOne(scope: Scope, memberId: string) {
  const row = await scope.db
    .selectFrom('checkin as c')
    .innerJoin('round as r', 'r.id', 'c.round_id')
    .innerJoin('cadence as k', 'k.id', 'r.cadence_id')
    .select('c.id')
    .where('c.team_id', '=', scope.teamId)
    .where('c.person_id', '=', memberId)
    .where('c.part', '=', 'member')
    .where('k.mode', '=', 'individual')
    .where('c.status', 'in', ['sent', 'answered', 'missed'])
    .where('c.due_at', '<=', scope.now)
    .orderBy('c.due_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? memberCheckin(scope.db, scope.teamId, row.id) : undefined;
}

/** Whose 1:1: the person named, or the actor's own; the actor must be that person or above them. */
async function agendaCheckin(scope: Scope, personId: string | undefined) {
  const memberId = personId ?? scope.actor.id;
  if (memberId !== scope.actor.id && !(await isBelow(scope.db, scope.teamId, scope.actor.id, memberId))) {
    throw notAllowed(`You can see your own 1:1 agenda and those of the people below you; {@${memberId}} is not below you.`);
  }
  const c = await oneOnOne(scope, memberId);
  if (!c) throw notFound(memberId === scope.actor.id ? 'You have no one-by-one check-in yet, so there is no 1:1 agenda.' : `{@${memberId}} has no one-by-one check-in yet, so there is no 1:1 agenda.`);
  return c;
}

export interface Agenda {
  readonly checkinId: number;
  readonly memberId: string;
  readonly memberName: string;
  readonly leaderId: string;
  readonly leaderName: string;
  readonly cadenceName: string;
  readonly occurrence: string;
  readonly status: CheckinStatus;
  /** Who reads it, and whether that is the member (flags and the private note are never theirs to see). */
  readonly readerId: string;
  readonly forMember: boolean;
  readonly answers: readonly { question: string; value: string }[];
  /** Open commitments, and those this check-in reviewed (done, partly, not yet), with the member's note. */
  readonly commitments: readonly { id: number; text: string; dueDate: string; slips: number; status: CommitmentStatus; note: string | null }[];
  readonly goals: readonly Standing[];
  /** Not ticked off yet; a topic from an earlier 1:1 of the same two people names its date. */
  readonly topics: readonly { id: number; authorId: string; authorName: string; text: string; carriedFrom: string | null }[];
  readonly suggestions: readonly string[];
  /** Leader's side only. */
  readonly flags: readonly { id: number; detail: string }[];
  readonly replies: readonly ReplyView[];
  readonly heldAt: Date | null;
  readonly sharedNote: string | null;
  /** The chain above only. */
  readonly privateNote: string | null;
}

/** The 1:1 agenda, as the reader may see it: the member and the people above them; flags and the private note above only. */
export async function agendaFor(scope: Scope, personId?: string): Promise<Agenda> {
  const c = await agendaCheckin(scope, personId);
  const { db, teamId } = scope;
  const forMember = c.person_id === scope.actor.id;
  const names = new Map(
    (await db.selectFrom('person').select(['slack_user_id', 'name']).where('team_id', '=', teamId).where('slack_user_id', 'in', [c.person_id, c.leader_id]).execute()).map((p) => [p.slack_user_id, p.name]),
  );
  const answers = await db.selectFrom('answer').select(['question_text', 'value_text', 'value_number', 'intent', 'kind']).where('checkin_id', '=', c.id).orderBy('position').execute();
  // Open commitments, and those this check-in reviewed, with what the member wrote about them.
  const commitments = await db
    .selectFrom('commitment')
    .select(['id', 'text', 'due_date', 'slips', 'status', 'note'])
    .where('team_id', '=', teamId)
    .where('owner_id', '=', c.person_id)
    .where((eb) => eb.or([eb('status', '=', 'open'), eb('last_reviewed_checkin_id', '=', c.id)]))
    .orderBy(sql`case status when 'open' then 1 else 0 end`)
    .orderBy('due_date')
    .execute();
  // Topics not yet ticked off: this 1:1's, and those carried over from earlier 1:1s of the same two people.
  const topics = await db
    .selectFrom('agenda_item as a')
    .innerJoin('checkin as ac', 'ac.id', 'a.checkin_id')
    .innerJoin('round as ar', 'ar.id', 'ac.round_id')
    .leftJoin('person as p', (j) => j.onRef('p.team_id', '=', 'a.team_id').onRef('p.slack_user_id', '=', 'a.author_id'))
    .select(['a.id', 'a.author_id', 'a.text', 'p.name', 'a.checkin_id', 'ar.occurrence'])
    .where('a.team_id', '=', teamId)
    .where('ac.person_id', '=', c.person_id)
    .where('ar.leader_id', '=', c.leader_id)
    .where('a.done_at', 'is', null)
    .where('ar.occurrence', '<=', c.occurrence)
    .orderBy('a.id')
    .limit(MAX_TOPICS * 2)
    .execute();
  const flags = forMember
    ? []
    : await db.selectFrom('flag').select(['id', 'detail']).where('team_id', '=', teamId).where('person_id', '=', c.person_id).where('status', '=', 'open').orderBy('id').execute();
  // The same three questions the leader's brief suggests, from the same answers.
  const suggestions = await suggestQuestions(db, teamId, c.level, [
    {
      checkinId: c.id,
      confidence: { now: null, before: null },
      personId: c.person_id,
      name: names.get(c.person_id) ?? c.person_id,
      part: 'member',
      status: c.status,
      skipReason: null,
      undelivered: null,
      answers: answers.map((a) => ({ question: a.question_text, kind: a.kind, intent: a.intent, value: a.value_text ?? String(a.value_number ?? ''), shared: false })),
      flags: [],
      commitments: [],
    },
  ]);
  return {
    checkinId: c.id,
    memberId: c.person_id,
    memberName: names.get(c.person_id) ?? c.person_id,
    leaderId: c.leader_id,
    leaderName: names.get(c.leader_id) ?? c.leader_id,
    cadenceName: c.cadence_name,
    occurrence: c.occurrence,
    status: c.status,
    readerId: scope.actor.id,
    forMember,
    answers: answers.map((a) => ({ question: a.question_text, value: a.value_text ?? String(a.value_number ?? '') })),
    commitments: commitments.map((m) => ({ id: m.id, text: m.text, dueDate: m.due_date, slips: m.slips, status: m.status, note: m.note })),
    goals: await goalsOf(scope, c.person_id),
    topics: topics.map((t) => ({ id: t.id, authorId: t.author_id, authorName: t.name ?? t.author_id, text: t.text, carriedFrom: t.checkin_id === c.id ? null : t.occurrence })),
    suggestions,
    flags,
    replies: await repliesOf(db, teamId, [c.id]),
    heldAt: c.held_at,
    sharedNote: c.shared_note,
    privateNote: !forMember && mayReadPrivateNote(c.private_note_readers, scope.actor.id) ? c.private_note : null,
  };
}

/** The most topics one 1:1 holds. */
export const MAX_TOPICS = 20;

/** A topic for the 1:1, from the member or their leader (the one who holds the 1:1). */
export async function addAgendaTopic(scope: Scope, input: { personId?: string; text: string }): Promise<Agenda> {
  const text = cleanText(input.text, MAX_TOPIC, 'topic');
  const c = await agendaCheckin(scope, input.personId);
  if (scope.actor.id !== c.person_id && scope.actor.id !== c.leader_id) {
    throw notAllowed(`Topics for this 1:1 come from {@${c.person_id}} and {@${c.leader_id}}, who hold it.`);
  }
  const added = await scope.db.transaction().execute(async (tx) => {
    // Topics of one 1:1 are added one at a time (the check-in's row lock), and the count and the insert are one
    // statement that sees every topic added before it: thirty at once still stop at the cap.
    await tx.selectFrom('checkin').select('id').where('id', '=', c.id).forUpdate().execute();
    const row = await sql<{ id: number }>`
      insert into agenda_item (team_id, checkin_id, author_id, text, created_at)
      select ${scope.teamId}, ${c.id}, ${scope.actor.id}, ${text}, ${scope.now}
      where (select count(*) from agenda_item where checkin_id = ${c.id}) < ${MAX_TOPICS}
      returning id`.execute(tx);
    if (row.rows.length === 0) return false;
    await refreshRoundMessage(tx, scope.teamId, c.round_id, c.leader_id, scope.now);
    return true;
  });
  if (!added) throw invalid(`This 1:1 already has ${MAX_TOPICS} topics: talk through some of them first.`);
  return agendaFor(scope, input.personId);
}

/**
 * Ticks a topic off: it no longer carries over to the next 1:1. Either of the two people who hold that 1:1 may.
 * Returns the agenda as the actor now sees it.
 */
export async function tickOffTopic(scope: Scope, topicId: number): Promise<Agenda> {
  const t = await scope.db
    .selectFrom('agenda_item as a')
    .innerJoin('checkin as c', 'c.id', 'a.checkin_id')
    .innerJoin('round as r', 'r.id', 'c.round_id')
    .select(['a.id', 'a.done_at', 'c.person_id', 'r.leader_id'])
    .where('a.id', '=', topicId)
    .where('a.team_id', '=', scope.teamId)
    .executeTakeFirst();
  if (!t || (scope.actor.id !== t.person_id && scope.actor.id !== t.leader_id)) throw notFound('That topic is not on a 1:1 of yours, or no longer exists.');
  await scope.db.updateTable('agenda_item').set({ done_at: scope.now, done_by: scope.actor.id }).where('id', '=', t.id).where('done_at', 'is', null).execute();
  return agendaFor(scope, scope.actor.id === t.person_id ? undefined : t.person_id);
}

/** What `held` did: the agenda as it now stands, and which notes were added to one already there. */
export interface Held {
  readonly agenda: Agenda;
  readonly appended: { readonly shared: boolean; readonly private: boolean };
}

/** A note added to one already kept: both, in the order written, within the note's length. */
function appendNote(before: string | null, added: string, what: string, personId: string): string {
  if (!before) return added;
  if (before === added || before.endsWith(`\n\n${added}`)) return before;
  const both = `${before}\n\n${added}`;
  if (both.length > MAX_TEXT) {
    throw invalid(`Your ${what} with {@${personId}} and this one together pass ${MAX_TEXT} characters: open the window with {cmd:held {@${personId}}} and edit it there.`);
  }
  return both;
}

/**
 * The leader marks the 1:1 held, with an optional shared note (the member sees it, in the thread of that
 * check-in) and a private one (only the leader and the chain above the leader, as it stands when the note is
 * written). Marking it again keeps the first time; a note given then is added to the one already kept (the
 * command, which says so), or replaces it (`replace`: the window, which showed the note to edit). A private note
 * added to one kept is read by those who could read both.
 */
export async function markHeld(scope: Scope, input: { personId: string; sharedNote?: string; privateNote?: string; replace?: boolean }): Promise<Held> {
  const shared = input.sharedNote !== undefined ? cleanText(input.sharedNote, MAX_TEXT, 'note') : undefined;
  const secret = input.privateNote !== undefined ? cleanText(input.privateNote, MAX_TEXT, 'private note') : undefined;
  const c = await agendaCheckin(scope, input.personId);
  if (scope.actor.id !== c.leader_id) throw notAllowed(`Only {@${c.leader_id}}, who holds this 1:1 with {@${c.person_id}}, can mark it held.`);
  const append = !input.replace;
  const keptPrivate = c.private_note && mayReadPrivateNote(c.private_note_readers, scope.actor.id) ? c.private_note : null;
  const sharedNote = shared === undefined ? undefined : append ? appendNote(c.shared_note, shared, 'shared note', c.person_id) : shared;
  const privateNote = secret === undefined ? undefined : append ? appendNote(keptPrivate, secret, 'private note', c.person_id) : secret;
  const appended = {
    shared: !!c.shared_note && sharedNote !== undefined && sharedNote !== shared && sharedNote !== c.shared_note,
    private: !!keptPrivate && privateNote !== undefined && privateNote !== secret && privateNote !== keptPrivate,
  };
  let readers = secret !== undefined ? await privateNoteReaders(scope.db, scope.teamId, scope.actor.id) : undefined;
  if (readers && appended.private) readers = readers.filter((r) => mayReadPrivateNote(c.private_note_readers, r));
  await scope.db.transaction().execute(async (tx) => {
    await tx
      .updateTable('checkin')
      .set((eb) => ({
        held_at: eb.fn.coalesce('held_at', sql<Date>`${scope.now}`),
        held_by: scope.actor.id,
        ...(sharedNote !== undefined ? { shared_note: sharedNote } : {}),
        ...(privateNote !== undefined ? { private_note: privateNote, private_note_readers: readers! } : {}),
        updated_at: scope.now,
      }))
      .where('id', '=', c.id)
      .execute();
    // What the leader wrote for the member reaches them, in the thread of that check-in: once per note as written.
    if (sharedNote !== undefined && sharedNote !== c.shared_note) {
      await enqueue(tx, 'held_note', { checkinId: c.id }, { teamId: scope.teamId, key: deliveryKey.heldNote(c.id, sharedNote), recipient: c.person_id, notBefore: scope.now });
    }
    await refreshRoundMessage(tx, scope.teamId, c.round_id, c.leader_id, scope.now);
  });
  return { agenda: await agendaFor(scope, input.personId), appended };
}

/** What a held window starts from: the 1:1 it marks, and its notes as the leader may read them. */
export async function heldDraft(scope: Scope, personId: string): Promise<{ memberId: string; memberName: string; occurrence: string; cadenceName: string; sharedNote: string | null; privateNote: string | null }> {
  const c = await agendaCheckin(scope, personId);
  if (scope.actor.id !== c.leader_id) throw notAllowed(`Only {@${c.leader_id}}, who holds this 1:1 with {@${c.person_id}}, can mark it held.`);
  const member = await scope.db.selectFrom('person').select('name').where('team_id', '=', scope.teamId).where('slack_user_id', '=', c.person_id).executeTakeFirst();
  return {
    memberId: c.person_id,
    memberName: member?.name ?? c.person_id,
    occurrence: c.occurrence,
    cadenceName: c.cadence_name,
    sharedNote: c.shared_note,
    privateNote: mayReadPrivateNote(c.private_note_readers, scope.actor.id) ? c.private_note : null,
  };
}

/** What came back down to a member lately: their leaders' replies and the shared notes of their 1:1s (App Home). */
export async function whatCameBack(scope: Scope, limit = 5): Promise<{ replies: (ReplyView & { occurrence: string })[]; notes: { occurrence: string; leaderName: string; note: string; heldAt: Date }[] }> {
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
    replies: replies.map((r) => ({ id: r.id, authorId: r.author_id, authorName: r.name ?? r.author_id, kind: r.kind, text: r.text, parentId: r.parent_id, at: r.created_at, occurrence: r.occurrence })),
    notes: notes.map((n) => ({ occurrence: n.occurrence, leaderName: n.name ?? '', note: n.shared_note!, heldAt: n.held_at ?? new Date(0) })),
  };
}
