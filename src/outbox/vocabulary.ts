import { createHash } from 'node:crypto';
import { sql, type Expression, type Kysely, type RawBuilder } from 'kysely';
import type { Database, DeliveryKind, DeliveryLane } from '../db/types';

/**
 * The outbox's vocabulary: what each kind of delivery is about. Adding a kind is one entry here and one
 * handler in the Slack adapter (`slack/deliveries.ts`); the dispatcher never tells kinds apart itself.
 */
export interface Deliveries {
  /** A check-in's prompt, by DM. */
  prompt: { checkinId: number };
  /** The one reminder, in the prompt's thread (or when a snooze ends). */
  reminder: { checkinId: number };
  /** A team round's reminder, in its channel thread, naming who has not answered. */
  team_reminder: { roundId: number };
  /** A prompt edited in place (missed, closed). */
  update: { checkinId: number };
  /** A team round's channel message edited in place (closed). */
  team_update: { roundId: number };
  /** A leader's brief when a round closes. */
  brief: { roundId: number };
  /** A team round's channel message. */
  team_post: { roundId: number };
  /** What a member shared, in the team round's thread. */
  share: { checkinId: number };
  /** A digest for a scope and period, to a channel or (exec by DM) a person. */
  digest: { scope: 'team' | 'org' | 'exec'; ownerId: string; start: string; end: string };
  /** A round's live message to its leader, posted when the round's first prompt goes out. */
  round_live: { roundId: number };
  /** The live message edited in place (an answer came in, a reply or "Got it" was given). */
  round_live_update: { roundId: number };
  /** One answer, to a leader who asked for one message per answer. */
  answer_note: { checkinId: number };
  /** A reply or "Got it" in the member's prompt thread, or the member's answer to the leader. */
  reply: { replyId: number };
  /** A reply the member answered, edited in their thread: the answer shown, the Answer button gone. */
  reply_update: { replyId: number };
  /** The shared note of a 1:1 marked held, in the member's thread of that check-in. */
  held_note: { checkinId: number };
  /**
   * The monthly analytics pack for the top and one direct report (`month`: its first day), to one of the two,
   * before the conversation of the report's check-in `checkinId` (after it, the pack has nothing left to prepare).
   */
  pack: { checkinId: number; reportId: string; month: string };
  /** The first-run DM to whoever added Cascade to a workspace: what to do next. */
  welcome: Record<string, never>;
}

type Payload<K extends DeliveryKind> = Deliveries[K];

/**
 * The kinds that edit a message in place (`chat.update`, which Slack limits on its own, Tier 3): they are paced
 * apart from the kinds that post (outbox/pace.ts). The database derives each delivery's `lane` from its kind
 * with this same list (migrations `2026-11-28T0800-pace-lanes`, `2026-12-04T0700-both-sides`); a new kind that edits needs it there too.
 */
const UPDATE_KINDS: readonly DeliveryKind[] = ['update', 'team_update', 'round_live_update', 'reply_update'];

/**
 * The kinds that reach a person directly and notify them (a DM, or a reply in their DM's thread): they wait for
 * the person's working hours (calendar/hours.ts). Edits notify nobody, and channel posts are the channel's.
 * A digest is one of them when it goes to a person (the exec digest by DM).
 */
const PERSONAL_KINDS: readonly DeliveryKind[] = [
  'prompt',
  'reminder',
  'brief',
  'round_live',
  'answer_note',
  'reply',
  'held_note',
  'digest',
  'pack',
];

/** Whether a delivery writes to a person (who has working hours) rather than to a channel. */
export function writesToPerson(d: { kind: DeliveryKind; recipient: string }): boolean {
  return PERSONAL_KINDS.includes(d.kind) && /^[UW][A-Z0-9]+$/.test(d.recipient);
}

/**
 * The kinds a person's action causes (a reply, "Got it", an answer shown on the live message, a held note, a
 * shared answer): queuing one wakes the dispatcher at once — `NOTIFY` on `OUTBOX_CHANNEL`, delivered when the
 * transaction commits, to every replica — so it reaches Slack within a second instead of at the next pass.
 */
const INTERACTIVE_KINDS: readonly DeliveryKind[] = [
  'reply',
  'reply_update',
  'round_live_update',
  'team_update',
  'answer_note',
  'held_note',
  'share',
];

/** The channel the outbox's wake-ups go on (`LISTEN`/`NOTIFY`). */
export const OUTBOX_CHANNEL = 'cascade_outbox';

export function laneOf(kind: DeliveryKind): DeliveryLane {
  return UPDATE_KINDS.includes(kind) ? 'update' : 'post';
}

/** Where a delivery goes and when, and the unique key that makes it happen once. */
interface EnqueueOptions {
  readonly teamId: string;
  readonly key: string;
  readonly recipient: string;
  readonly notBefore: Date;
  readonly channelId?: string | null;
}

/**
 * Queues one delivery of `kind`, once: the key is unique, and a second enqueue with it changes nothing
 * (unless `reschedule`, which moves a still-queued delivery's time, as a snooze does).
 */
export async function enqueue<K extends DeliveryKind>(
  db: Kysely<Database>,
  kind: K,
  payload: Payload<K>,
  options: EnqueueOptions & { reschedule?: boolean; wake?: boolean },
): Promise<boolean> {
  return (await enqueueMany(db, kind, [{ payload, ...options }], { reschedule: options.reschedule, wake: options.wake })) > 0;
}

/**
 * Queues several deliveries of one kind in one statement; returns how many were new. A kind a person's action
 * causes (`INTERACTIVE_KINDS`) wakes the dispatcher at once, and so does any kind queued with `wake` (a digest asked for now).
 */
export async function enqueueMany<K extends DeliveryKind>(
  db: Kysely<Database>,
  kind: K,
  items: readonly (EnqueueOptions & { payload: Payload<K> })[],
  options: { reschedule?: boolean; wake?: boolean } = {},
): Promise<number> {
  if (items.length === 0) return 0;
  const p = (x: Payload<K>) => x as Record<string, unknown>;
  const result = await db
    .insertInto('delivery')
    .values(
      items.map((i) => ({
        team_id: i.teamId,
        kind,
        dedupe_key: i.key,
        checkin_id: typeof p(i.payload).checkinId === 'number' ? (p(i.payload).checkinId as number) : null,
        round_id: typeof p(i.payload).roundId === 'number' ? (p(i.payload).roundId as number) : null,
        recipient: i.recipient,
        channel_id: i.channelId ?? null,
        not_before: i.notBefore,
        payload: sql`${JSON.stringify(i.payload)}::jsonb`,
      })),
    )
    .onConflict((oc) =>
      options.reschedule
        ? oc
            .column('dedupe_key')
            .doUpdateSet((eb) => ({ not_before: eb.ref('excluded.not_before') }))
            .where('delivery.status', '=', 'queued')
        : oc.column('dedupe_key').doNothing(),
    )
    .executeTakeFirst();
  const queued = Number(result.numInsertedOrUpdatedRows ?? 0);
  // Sent with the commit (or at once outside a transaction); a rolled-back enqueue wakes nobody.
  if (queued > 0 && (options.wake || INTERACTIVE_KINDS.includes(kind))) await sql`select pg_notify(${OUTBOX_CHANNEL}, '')`.execute(db);
  return queued;
}

/**
 * The unique keys of the deliveries that are about one check-in or one round: each written here once, as the
 * prefix the subject's id follows, for a key made one at a time (`deliveryKey`) and for keys made in SQL by a
 * set-based producer (`enqueueFrom`) alike.
 */
const KEY_PREFIX = {
  prompt: 'prompt:',
  reminder: 'reminder:',
  teamReminder: 'reminder:round:',
  /** A prompt edited to say its window closed unanswered. */
  missed: 'update:missed:',
  /** An answered prompt edited the day its window closes: its "Edit answers" button goes. */
  answeredClosed: 'update:closed:',
  roundClosed: 'update:round:',
  brief: 'brief:',
  teamPost: 'team_post:',
  share: 'share:',
  roundLive: 'round_live:',
  /** The live message edited to say its round closed. */
  roundLiveClosed: 'round_live:closed:',
} as const;

type SubjectKey = keyof typeof KEY_PREFIX;

const subjectKey = (name: SubjectKey) => (id: number) => `${KEY_PREFIX[name]}${id}`;

/** The same key made in SQL from a column holding the subject's id (`sql.ref('r.id')`). */
export function keyInSql(name: SubjectKey, subject: Expression<number>): RawBuilder<string> {
  return sql<string>`${KEY_PREFIX[name]}::text || ${subject}`;
}

/** The unique keys: one delivery per check-in, round, or digest period and recipient. */
export const deliveryKey = {
  prompt: subjectKey('prompt'),
  reminder: subjectKey('reminder'),
  teamReminder: subjectKey('teamReminder'),
  missed: subjectKey('missed'),
  roundClosed: subjectKey('roundClosed'),
  brief: subjectKey('brief'),
  teamPost: subjectKey('teamPost'),
  share: subjectKey('share'),
  roundLive: subjectKey('roundLive'),
  /** The edit of a round's live message that follows edit `after` (0: the first). */
  roundLiveUpdate: (roundId: number, after: number) => `round_live:update:${roundId}:after:${after}`,
  /** The edit of a team round's channel message that follows edit `after` (0: the first). */
  teamRoundUpdate: (roundId: number, after: number) => `update:round:${roundId}:after:${after}`,
  answerNote: (checkinId: number, at: Date) => `answer_note:${checkinId}:${at.getTime()}`,
  reply: (replyId: number) => `reply:${replyId}`,
  replyAnswered: (replyId: number) => `reply:answered:${replyId}`,
  /** One message per shared note as written: the same note never twice, a changed one once more. */
  heldNote: (checkinId: number, note: string) => `held_note:${checkinId}:${createHash('sha256').update(note).digest('hex').slice(0, 16)}`,
  /** One pack a month for each pair, to each of the two: a second conversation that month gets none. */
  pack: (p: Pick<Deliveries['pack'], 'reportId' | 'month'>, recipient: string) => `pack:${p.month}:${p.reportId}:${recipient}`,
  digest: (d: Deliveries['digest'], recipient = '') =>
    `digest:${d.scope}:${d.ownerId}:${d.start}:${d.end}${recipient ? `:${recipient}` : ''}`,
} as const;

/** The kinds whose payload is one check-in, and those whose payload is one round: the ones a set-based producer queues. */
type CheckinKind = { [K in DeliveryKind]: Deliveries[K] extends { checkinId: number } ? K : never }[DeliveryKind];
type RoundKind = { [K in DeliveryKind]: Deliveries[K] extends { roundId: number } ? K : never }[DeliveryKind];

const ABOUT_A_CHECKIN: { readonly [K in CheckinKind]: true } = {
  prompt: true,
  reminder: true,
  update: true,
  share: true,
  answer_note: true,
  held_note: true,
  pack: true,
};

/**
 * What a set-based producer queues: one row per subject (a check-in or a round, by its id), with the workspace,
 * the recipient, the channel (null: none) and when it may go, as the columns of its select.
 */
export interface QueueRow {
  team_id: string;
  subject: number;
  recipient: string;
  channel_id: string | null;
  not_before: Date;
}

/**
 * The one door for set-based producers: an insert of one delivery of `kind` per row of `rows`, its key (the
 * prefix `key` names, and the subject's id) and its payload written here and nowhere else, each once (a key
 * already queued changes nothing). Returned unexecuted, so that a producer can run it, or use it in a larger
 * statement (`with queued as (…)`, adding `returning`). It wakes nobody: planned deliveries wait for the pass.
 */
export function enqueueFrom(db: Kysely<Database>, kind: CheckinKind | RoundKind, key: SubjectKey, rows: RawBuilder<QueueRow>) {
  const checkin = kind in ABOUT_A_CHECKIN;
  const payload = checkin ? sql`jsonb_build_object('checkinId', q.subject)` : sql`jsonb_build_object('roundId', q.subject)`;
  return db
    .insertInto('delivery')
    .columns(['team_id', 'kind', 'dedupe_key', checkin ? 'checkin_id' : 'round_id', 'recipient', 'channel_id', 'not_before', 'payload'])
    .expression(
      db
        .selectFrom(sql<QueueRow>`(${rows})`.as('q'))
        .select([
          'q.team_id',
          sql.lit(kind).as('kind'),
          keyInSql(key, sql.ref<number>('q.subject')).as('dedupe_key'),
          'q.subject',
          'q.recipient',
          'q.channel_id',
          'q.not_before',
          payload.as('payload'),
        ]),
    )
    .onConflict((oc) => oc.column('dedupe_key').doNothing());
}
