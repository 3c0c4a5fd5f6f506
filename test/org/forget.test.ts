import { sql } from 'kysely';
import { questionsFor, submitAnswers } from '../../src/checkins/answers';
import { checkinContext } from '../../src/checkins/context';
import { addAgendaTopic } from '../../src/checkins/one-on-one';
import { answerReply, replyTo } from '../../src/checkins/replies';
import { buildDigest } from '../../src/digests/figures';
import { scopeOf } from '../../src/org/policy';
import { tick } from '../../src/scheduler/tick';
import { tickDeps, useFixture } from '../support/cascade';
import { PEOPLE } from '../support/org-fixture';

/*
 * Forgetting a person (GDPR's "erase what I wrote"): an admin removes Raj's words — answers, the text of his
 * commitments, replies, 1:1 notes and topics — and what the digests counted stays as it was.
 */
const now = { current: new Date('2026-11-23T10:00:00Z') };
const f = useFixture({ now });
const WEEK = { start: '2026-11-23', end: '2026-11-29' };

async function answer(personId: string, words: string): Promise<number> {
  const row = await f.db.db.selectFrom('checkin').select('id').where('person_id', '=', personId).executeTakeFirstOrThrow();
  const ctx = (await checkinContext(f.db.db, row.id))!;
  const questions = await questionsFor(f.db.db, ctx);
  const raw = Object.fromEntries(
    questions.map((q) => [
      q.id,
      q.kind === 'rating_1_5' ? '4' : q.kind === 'number' ? '3' : q.kind === 'yes_no' ? 'yes' : `${words} (${q.id})`,
    ]),
  );
  await submitAnswers(await scopeOf(f.db.db, f.app.teamId, personId, [], now.current), { checkinId: ctx.id, questions, raw });
  return ctx.id;
}

const say = async (userId: string, text: string) => {
  const { responseId } = await f.app.command(userId, text);
  return (await f.app.reply(responseId)).text;
};

test('When an admin forgets Raj, then his words are gone everywhere and the counts the digests read stay', async () => {
  await tick(tickDeps(f.db, f.slack, f.app.log), now.current);
  const raj = await answer(PEOPLE.raj.id, 'Northwind wants a second security review');
  await answer(PEOPLE.mia.id, 'Globex signed the pilot');
  const as = (who: string) => scopeOf(f.db.db, f.app.teamId, who, [], now.current);
  const reply = await replyTo(await as(PEOPLE.ann.id), { checkinId: raj, text: 'Send me the review questions' });
  await answerReply(await as(PEOPLE.raj.id), { replyId: reply.id, text: 'Sent them this morning' });
  await addAgendaTopic(await as(PEOPLE.raj.id), { text: 'My pay plan' });
  await f.db.db
    .updateTable('checkin')
    .set({ shared_note: 'We agreed on two deals', private_note: 'Raj seems tired' })
    .where('id', '=', raj)
    .execute();
  const digest = async () => {
    const d = await buildDigest(f.db.db, {
      teamId: f.app.teamId,
      scope: 'org',
      current: WEEK,
      previous: { start: '2026-11-16', end: '2026-11-22' },
    });
    return JSON.stringify(d.levels);
  };
  const before = await digest();
  const commitmentsBefore = await f.db.db
    .selectFrom('commitment')
    .select(['status', 'due_date'])
    .where('owner_id', '=', PEOPLE.raj.id)
    .execute();
  expect(commitmentsBefore).toHaveLength(1);

  expect(await say(PEOPLE.ann.id, `forget <@${PEOPLE.raj.id}>`)).toContain('Only Cascade admins can remove what a person wrote');
  const forgotten = await say(PEOPLE.admin.id, `forget <@${PEOPLE.raj.id}>`);
  expect(forgotten).toMatch(
    /^Removed what Raj Patel wrote: \d+ answers, the words of 1 commitment, 2 replies, the notes of 1 check-in, 1 1:1 topic\. Kept: their check-ins/,
  );

  const words = await sql<{ n: number }>`
    select count(*)::int as n from answer a join checkin c on c.id = a.checkin_id where c.person_id = ${PEOPLE.raj.id}`.execute(f.db.db);
  expect(words.rows[0]!.n).toBe(0);
  const mia = await sql<{ n: number }>`
    select count(*)::int as n from answer a join checkin c on c.id = a.checkin_id where c.person_id = ${PEOPLE.mia.id}`.execute(f.db.db);
  expect(mia.rows[0]!.n).toBeGreaterThan(0);
  expect(await f.db.db.selectFrom('reply').selectAll().where('checkin_id', '=', raj).execute()).toEqual([]);
  expect(await f.db.db.selectFrom('agenda_item').selectAll().where('author_id', '=', PEOPLE.raj.id).execute()).toEqual([]);
  const checkin = await f.db.db
    .selectFrom('checkin')
    .select(['status', 'shared_note', 'private_note'])
    .where('id', '=', raj)
    .executeTakeFirstOrThrow();
  expect(checkin).toEqual({ status: 'answered', shared_note: null, private_note: null });
  const commitments = await f.db.db
    .selectFrom('commitment')
    .select(['text', 'status', 'due_date'])
    .where('owner_id', '=', PEOPLE.raj.id)
    .execute();
  expect(commitments).toEqual([{ text: '(removed at their request)', ...commitmentsBefore[0] }]);
  expect(JSON.stringify(await f.db.db.selectFrom('answer').selectAll().execute())).not.toContain('Northwind');
  expect(await digest()).toBe(before);
});
