import { nameOf } from '../org/people';
import { sql, type Kysely } from 'kysely';
import { goalsOf, type Standing } from '../accountability/goals';
import type { CheckinStatus, CommitmentStatus, Database } from '../db/types';
import { invalid, notAllowed, notFound } from '../errors';
import { isBelow, mayReadPrivateNote, privateNoteReaders, type Scope } from '../org/policy';
import { deliveryKey, enqueue } from '../outbox/vocabulary';
import { suggestQuestions } from './briefs';
import { MAX_TEXT, cleanText, memberCheckin } from './replies';
import { type ReplyView, refreshRoundMessage, repliesOf } from './live';

/*
 * The 1:1: its agenda, which both sides add topics to, and the 1:1 marked held with a shared note (the member
 * sees it) and a private one (only the chain above sees it).
 */

const MAX_TOPIC = 500;

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
  const leaderName = await nameOf(db, teamId, c.leader_id);
  return {
    memberId: c.person_id,
    leaderName,
    cadenceName: c.cadence_name,
    occurrence: c.occurrence,
    note: c.shared_note,
    promptChannel: c.channel_id,
    promptTs: c.message_ts,
  };
}

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
  if (!c)
    throw notFound(
      memberId === scope.actor.id
        ? 'You have no one-by-one check-in yet, so there is no 1:1 agenda.'
        : `{@${memberId}} has no one-by-one check-in yet, so there is no 1:1 agenda.`,
    );
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
  readonly commitments: readonly {
    id: number;
    text: string;
    dueDate: string;
    slips: number;
    status: CommitmentStatus;
    note: string | null;
  }[];
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

/** Whose check-in `checkinId` is, in the scope's workspace (undefined: there is none). */
export async function memberOfCheckin(scope: Scope, checkinId: number): Promise<string | undefined> {
  const c = await scope.db
    .selectFrom('checkin')
    .select('person_id')
    .where('id', '=', checkinId)
    .where('team_id', '=', scope.teamId)
    .executeTakeFirst();
  return c?.person_id;
}

/** The agenda of the 1:1 a check-in belongs to (the Agenda button of a live message), as the reader may see it. */
export async function agendaOfCheckin(scope: Scope, checkinId: number): Promise<Agenda> {
  const member = await memberOfCheckin(scope, checkinId);
  if (!member) throw notFound('That check-in no longer exists.');
  return agendaFor(scope, member === scope.actor.id ? undefined : member);
}

/**
 * The 1:1 agenda, as the reader may see it: the member and the people above them; flags and the private note above only.
 * Long on purpose: one query per part of the agenda (answers, commitments, goals, topics, flags), each guarded
 * by what the reader may see of it; the guards read best beside the query they guard.
 */
export async function agendaFor(scope: Scope, personId?: string): Promise<Agenda> {
  const c = await agendaCheckin(scope, personId);
  const { db, teamId } = scope;
  const forMember = c.person_id === scope.actor.id;
  const names = new Map(
    (
      await db
        .selectFrom('person')
        .select(['slack_user_id', 'name'])
        .where('team_id', '=', teamId)
        .where('slack_user_id', 'in', [c.person_id, c.leader_id])
        .execute()
    ).map((p) => [p.slack_user_id, p.name]),
  );
  const answers = await db
    .selectFrom('answer')
    .select(['question_text', 'value_text', 'value_number', 'intent', 'kind'])
    .where('checkin_id', '=', c.id)
    .orderBy('position')
    .execute();
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
    : await db
        .selectFrom('flag')
        .select(['id', 'detail'])
        .where('team_id', '=', teamId)
        .where('person_id', '=', c.person_id)
        .where('status', '=', 'open')
        .orderBy('id')
        .execute();
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
      answers: answers.map((a) => ({
        question: a.question_text,
        kind: a.kind,
        intent: a.intent,
        value: a.value_text ?? String(a.value_number ?? ''),
        shared: false,
      })),
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
    topics: topics.map((t) => ({
      id: t.id,
      authorId: t.author_id,
      authorName: t.name ?? t.author_id,
      text: t.text,
      carriedFrom: t.checkin_id === c.id ? null : t.occurrence,
    })),
    suggestions,
    flags,
    replies: await repliesOf(db, teamId, [c.id]),
    heldAt: c.held_at,
    sharedNote: c.shared_note,
    privateNote: !forMember && mayReadPrivateNote(c.private_note_readers, scope.actor.id) ? c.private_note : null,
  };
}

/** The most topics one 1:1 holds. */
const MAX_TOPICS = 20;

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
  if (!t || (scope.actor.id !== t.person_id && scope.actor.id !== t.leader_id))
    throw notFound('That topic is not on a 1:1 of yours, or no longer exists.');
  await scope.db
    .updateTable('agenda_item')
    .set({ done_at: scope.now, done_by: scope.actor.id })
    .where('id', '=', t.id)
    .where('done_at', 'is', null)
    .execute();
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
    throw invalid(
      `Your ${what} with {@${personId}} and this one together pass ${MAX_TEXT} characters: open the window with {cmd:held {@${personId}}} and edit it there.`,
    );
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
export async function markHeld(
  scope: Scope,
  input: { personId: string; sharedNote?: string; privateNote?: string; replace?: boolean },
): Promise<Held> {
  const shared = input.sharedNote !== undefined ? cleanText(input.sharedNote, MAX_TEXT, 'note') : undefined;
  const secret = input.privateNote !== undefined ? cleanText(input.privateNote, MAX_TEXT, 'private note') : undefined;
  const c = await agendaCheckin(scope, input.personId);
  if (scope.actor.id !== c.leader_id)
    throw notAllowed(`Only {@${c.leader_id}}, who holds this 1:1 with {@${c.person_id}}, can mark it held.`);
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
      await enqueue(
        tx,
        'held_note',
        { checkinId: c.id },
        { teamId: scope.teamId, key: deliveryKey.heldNote(c.id, sharedNote), recipient: c.person_id, notBefore: scope.now },
      );
    }
    await refreshRoundMessage(tx, scope.teamId, c.round_id, c.leader_id, scope.now);
  });
  return { agenda: await agendaFor(scope, input.personId), appended };
}

/** What a held window starts from: the 1:1 it marks, and its notes as the leader may read them. */
export interface HeldDraft {
  readonly memberId: string;
  readonly memberName: string;
  readonly occurrence: string;
  readonly cadenceName: string;
  readonly sharedNote: string | null;
  readonly privateNote: string | null;
}

export async function heldDraft(scope: Scope, personId: string): Promise<HeldDraft> {
  const c = await agendaCheckin(scope, personId);
  if (scope.actor.id !== c.leader_id)
    throw notAllowed(`Only {@${c.leader_id}}, who holds this 1:1 with {@${c.person_id}}, can mark it held.`);
  const memberName = await nameOf(scope.db, scope.teamId, c.person_id);
  return {
    memberId: c.person_id,
    memberName,
    occurrence: c.occurrence,
    cadenceName: c.cadence_name,
    sharedNote: c.shared_note,
    privateNote: mayReadPrivateNote(c.private_note_readers, scope.actor.id) ? c.private_note : null,
  };
}
