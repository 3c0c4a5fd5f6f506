import { checkinsWithPerson, readableInRound } from './context';
import type { Kysely } from 'kysely';
import type { CheckinStatus, CommitmentStatus, Database, Reply } from '../db/types';
import { notFound } from '../errors';
import type { Scope } from '../org/policy';
import { deliveryKey, enqueue } from '../outbox/vocabulary';

/*
 * The leader's live view of a round as members answer: one message, edited as answers, replies and "Got it"
 * come in, and the leader's choice of a message per answer.
 */

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
  const checkins = await checkinsWithPerson(db)
    .select(['c.id', 'c.person_id', 'c.status', 'c.held_at', 'c.snoozed_until', 'p.name'])
    .where('c.round_id', '=', roundId)
    .where('c.part', '=', 'member')
    .orderBy('p.name')
    .execute();
  const { shown, answers } = await readableInRound(db, round, checkins);
  const ids = shown.map((c) => c.id);
  const commitments = ids.length
    ? await db
        .selectFrom('commitment')
        .select(['owner_id', 'text', 'due_date', 'status'])
        .where('team_id', '=', round.team_id)
        .where('leader_id', '=', round.leader_id)
        .where(
          'owner_id',
          'in',
          shown.map((c) => c.person_id),
        )
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
      answers: answers
        .filter((a) => a.checkin_id === c.id)
        .map((a) => ({ question: a.question_text, value: a.value_text ?? String(a.value_number ?? ''), kind: a.kind, intent: a.intent })),
      commitments: commitments
        .filter((m) => m.owner_id === c.person_id)
        .map((m) => ({ text: m.text, dueDate: m.due_date, status: m.status })),
      replies: replies.filter((r) => r.checkinId === c.id),
      held: c.held_at !== null,
      snoozed: c.snoozed_until !== null && c.status === 'sent',
    })),
  };
}

export async function repliesOf(
  db: Kysely<Database>,
  teamId: string,
  checkinIds: readonly number[],
): Promise<(ReplyView & { checkinId: number })[]> {
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
  return rows.map((r) => ({ ...replyViewOf(r), checkinId: r.checkin_id }));
}

/** A reply row as the surfaces read it; the author's name where the org chart has it. */
export function replyViewOf(r: {
  id: number;
  author_id: string;
  name: string | null;
  kind: Reply['kind'];
  text: string | null;
  parent_id: number | null;
  created_at: Date;
}): ReplyView {
  return {
    id: r.id,
    authorId: r.author_id,
    authorName: r.name ?? r.author_id,
    kind: r.kind,
    text: r.text,
    parentId: r.parent_id,
    at: r.created_at,
  };
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
export async function refreshRoundMessage(
  db: Kysely<Database>,
  teamId: string,
  roundId: number,
  leaderId: string,
  now: Date,
): Promise<void> {
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
    await enqueue(
      db,
      'team_update',
      { roundId },
      { teamId, key: deliveryKey.teamRoundUpdate(roundId, latest?.id ?? 0), recipient: round.channel_id!, notBefore: now },
    );
  } else {
    await enqueue(
      db,
      'round_live_update',
      { roundId },
      { teamId, key: deliveryKey.roundLiveUpdate(roundId, latest?.id ?? 0), recipient: leaderId, notBefore: now },
    );
  }
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
