import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/types';
import { notFound } from '../errors';
import { requireAdmin, type Scope } from './policy';

/** What `forget` removed, by kind. */
interface Forgotten {
  readonly personId: string;
  readonly name: string;
  readonly answers: number;
  readonly commitments: number;
  readonly replies: number;
  readonly notes: number;
  readonly topics: number;
}

/** Where a forgotten commitment's words were: its status, dates and who it was made to stay, so counts stay. */
const REMOVED = '(removed at their request)';

/**
 * `cascade forget` / `/cascade forget @p` (admins): a person's words go — their answers, the text of their
 * commitments, the replies and "Got it"s on their check-ins and the ones they wrote, the 1:1 notes and skip
 * reasons of their check-ins, and the topics of their 1:1s — in one transaction. What the digests counted stays:
 * the check-ins (answered, missed or skipped), the commitments' outcomes and dates, goals and progress figures,
 * and the person in the org chart (an admin removes them from it as ever).
 */
export async function forgetPerson(db: Kysely<Database>, teamId: string, ref: string): Promise<Forgotten> {
  const person = await db
    .selectFrom('person')
    .select(['slack_user_id', 'name'])
    .where('team_id', '=', teamId)
    .where((eb) => eb.or([eb('slack_user_id', '=', ref), eb(sql`lower(email)`, '=', ref.toLowerCase())]))
    .executeTakeFirst();
  if (!person) throw notFound(`{@${ref}} is not a person of this workspace (give a Slack user ID or an email).`);
  const id = person.slack_user_id;
  return db.transaction().execute(async (tx) => {
    const theirs = sql`(select c.id from checkin c where c.team_id = ${teamId} and c.person_id = ${id})`;
    const count = (r: { numAffectedRows?: bigint }) => Number(r.numAffectedRows ?? 0);
    const answers = count(await sql`delete from answer where checkin_id in ${theirs}`.execute(tx));
    const replies = count(
      await sql`delete from reply where team_id = ${teamId} and (author_id = ${id} or checkin_id in ${theirs})`.execute(tx),
    );
    const topics = count(
      await sql`delete from agenda_item where team_id = ${teamId} and (author_id = ${id} or checkin_id in ${theirs})`.execute(tx),
    );
    const notes = count(
      await sql`
        update checkin set shared_note = null, private_note = null, skip_reason = null
        where team_id = ${teamId} and person_id = ${id}
          and (shared_note is not null or private_note is not null or skip_reason is not null)`.execute(tx),
    );
    const commitments = count(
      await sql`
        update commitment set text = ${REMOVED}, note = null
        where team_id = ${teamId} and owner_id = ${id} and text <> ${REMOVED}`.execute(tx),
    );
    return { personId: id, name: person.name, answers, commitments, replies, notes, topics };
  });
}

/** The same, asked for in Slack: admins only. */
export async function forgetFor(scope: Scope, ref: string): Promise<Forgotten> {
  await requireAdmin(scope, 'remove what a person wrote');
  return forgetPerson(scope.db, scope.teamId, ref);
}

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** What was removed, in one line (the caller escapes). */
export function describeForgotten(f: Forgotten): string {
  return `Removed what ${f.name} wrote: ${count(f.answers, 'answer', 'answers')}, the words of ${count(f.commitments, 'commitment', 'commitments')}, ${count(f.replies, 'reply', 'replies')}, the notes of ${count(f.notes, 'check-in', 'check-ins')}, ${count(f.topics, '1:1 topic', '1:1 topics')}. Kept: their check-ins (answered or not), the outcomes of their commitments, their goals and progress, and their place in the org chart.`;
}
