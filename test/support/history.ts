import type { Fixture } from './cascade';

/** An answer as seeded history: a text (or a 1–5 rating) to a question of some intent. */
export interface SeededAnswer {
  readonly intent: string;
  readonly question?: string;
  readonly text?: string;
  readonly rating?: number;
  readonly shared?: boolean;
}

/**
 * A past check-in, written straight to the tables (history for figures, themes and trends to read): a closed
 * round of `cadence` led by `leaderId` on `occurrence`, the person's check-in answered (with its answers) or missed.
 */
export async function pastCheckin(
  f: Pick<Fixture, 'db' | 'app'>,
  c: { cadence: string; leaderId: string; personId: string; occurrence: string; answered?: boolean; answers?: readonly SeededAnswer[] },
): Promise<number> {
  const db = f.db.db;
  const teamId = f.app.teamId;
  const k = await db
    .selectFrom('cadence')
    .select('id')
    .where('team_id', '=', teamId)
    .where('key', '=', c.cadence)
    .executeTakeFirstOrThrow();
  const round = await db
    .insertInto('round')
    .values({
      team_id: teamId,
      cadence_id: k.id,
      leader_id: c.leaderId,
      occurrence: c.occurrence,
      status: 'closed',
      closes_at: new Date(`${c.occurrence}T12:00:00Z`),
    })
    .onConflict((oc) => oc.columns(['cadence_id', 'leader_id', 'occurrence']).doUpdateSet({ status: 'closed' }))
    .returning('id')
    .executeTakeFirstOrThrow();
  const due = new Date(`${c.occurrence}T10:00:00Z`);
  const answered = c.answered ?? true;
  const checkin = await db
    .insertInto('checkin')
    .values({
      team_id: teamId,
      round_id: round.id,
      person_id: c.personId,
      status: answered ? 'answered' : 'missed',
      due_at: due,
      closes_at: due,
      answered_at: answered ? due : null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const answers = answered ? (c.answers ?? []) : [];
  if (answers.length > 0)
    await db
      .insertInto('answer')
      .values(
        answers.map((a, i) => ({
          checkin_id: checkin.id,
          question_id: null,
          position: i + 1,
          question_text: a.question ?? a.intent,
          kind: a.rating === undefined ? 'text' : 'rating_1_5',
          intent: a.intent,
          value_text: a.text ?? null,
          value_number: a.rating ?? null,
          shared: a.shared ?? false,
          updated_at: due,
        })),
      )
      .execute();
  return round.id;
}
