import { sql, type Kysely } from 'kysely';
import type { Database, Relationship, Question, QuestionKind } from '../db/types';
import { invalid, notFound } from '../errors';
import { LEVELS } from '../calendar/schedule';

export const QUESTION_KINDS = [
  'text',
  'long_text',
  'rating_1_5',
  'number',
  'yes_no',
  'choice',
  'commitment',
] as const satisfies readonly QuestionKind[];
export const QUESTION_INTENTS = [
  'experience',
  'process',
  'methodology',
  'goals',
  'obstacles',
  'support',
  'reflection',
  'commitment',
] as const;
type QuestionIntent = (typeof QUESTION_INTENTS)[number];

/** Slack's limits for a static select: options, and characters in an option's text. */
const MAX_CHOICES = 100;
const MAX_CHOICE_LENGTH = 75;

export interface QuestionDraft {
  readonly level: string;
  readonly kind: QuestionKind;
  readonly intent: QuestionIntent;
  readonly text: string;
  readonly fixed: boolean;
  readonly required: boolean;
  readonly choices?: readonly string[];
  /** A number question whose answers are progress towards the person's goal of this name. */
  readonly goalName?: string;
}

/**
 * Wordings that put a person on trial instead of asking about their experience and process. Each comes
 * with what to ask instead.
 */
const INTERROGATIONS: readonly [RegExp, string][] = [
  [
    /\bwhy (didn['’]?t|did not|haven['’]?t|have not|hasn['’]?t|wasn['’]?t|weren['’]?t|couldn['’]?t|can['’]?t|won['’]?t) you\b|\bwhy (did|do|have|were|are|could) you not\b/i,
    '"What got in the way, and what would help next time?"',
  ],
  [
    /\bexplain (your|the|this|that)? ?(failure|failures|miss|misses|shortfall|mistake)/i,
    '"What did you learn from this, and what would you try differently?"',
  ],
  [/\bjustify\b/i, '"What led you to that choice, and what did you see that others might not?"'],
  [/\b(whose|who['’]?s) (fault|to blame)\b|\bblame\b/i, '"What in the process made this hard, and how could we change it?"'],
  [
    /\bwhy (did|do|are|were) you (fail|failing|miss|missing|so slow|behind|late)\b/i,
    '"What is slowing things down, and what support would help?"',
  ],
  [/\bwhat['’]?s wrong with you\b|\byour (failure|incompetence|excuse)/i, '"What would make the next week go better for you?"'],
];

/** Null when the wording is constructive; otherwise the refusal, with a suggestion to rephrase. Pure. */
export function interrogationIn(text: string): string | null {
  for (const [pattern, instead] of INTERROGATIONS) {
    const found = pattern.exec(text);
    if (found) {
      return `"${found[0].trim()}" reads as an interrogation, and Cascade asks constructive questions about a person's own experience and process. Try something like ${instead}`;
    }
  }
  return null;
}

function checkLevel(level: string): Relationship {
  if (!(level in LEVELS)) throw invalid(`"${level}" is not a level: use ${Object.keys(LEVELS).join(', ')}.`);
  return level as Relationship;
}

function checkText(text: string): string {
  const clean = text.trim().replace(/\s+/g, ' ');
  if (clean.length < 8) throw invalid('That question is too short to answer: write it as a full question.');
  if (clean.length > 2000) throw invalid('A question can be at most 2,000 characters.');
  const refusal = interrogationIn(clean);
  if (refusal) throw invalid(refusal);
  return clean;
}

/**
 * Gives a workspace its own copy of the bank Cascade ships (once per question: the unique key on
 * team and source makes repeats and concurrent calls harmless), so its admins can edit and retire them.
 */
export async function ensureDefaultQuestions(db: Kysely<Database>, teamId: string): Promise<void> {
  await sql`
    insert into question (team_id, text, kind, intent, levels, audience, choices, required, fixed, position, goal_name, ask_when, source_id)
    select ${teamId}, q.text, q.kind, q.intent, q.levels, q.audience, q.choices, q.required, q.fixed, q.position, q.goal_name, q.ask_when, q.id
    from question q
    where q.team_id is null and q.active
      and not exists (select 1 from question c where c.team_id = ${teamId} and c.source_id = q.id)
    on conflict (team_id, source_id) do nothing`.execute(db);
}

export async function listQuestions(db: Kysely<Database>, teamId: string, level?: string): Promise<Question[]> {
  let q = db.selectFrom('question').selectAll().where('team_id', '=', teamId).where('active', '=', true);
  if (level) q = q.where(sql<boolean>`${checkLevel(level)} = any(levels)`);
  return q.orderBy(sql`levels[1]`).orderBy('audience').orderBy('position').orderBy('id').execute();
}

export async function addQuestion(db: Kysely<Database>, teamId: string, draft: QuestionDraft): Promise<Question> {
  const level = checkLevel(draft.level);
  const text = checkText(draft.text);
  if (draft.kind === 'choice' && (!draft.choices || draft.choices.length < 2))
    throw invalid('A choice question needs at least two choices: add choices "a|b|c".');
  if (draft.kind !== 'choice' && draft.choices) throw invalid('Only a choice question takes choices.');
  // Slack refuses a whole answer window whose select breaks its limits, for everyone at that level.
  if (draft.choices && draft.choices.length > MAX_CHOICES)
    throw invalid(
      `A choice question can have at most ${MAX_CHOICES} choices (Slack's limit for a menu); this one has ${draft.choices.length}.`,
    );
  const long = draft.choices?.find((c) => c.length > MAX_CHOICE_LENGTH);
  if (long)
    throw invalid(
      `Each choice can be at most ${MAX_CHOICE_LENGTH} characters (Slack's limit); "${long.slice(0, 40)}…" has ${long.length}.`,
    );
  const seen = new Set<string>();
  const twice = draft.choices?.find((c) => seen.size === seen.add(c.toLowerCase()).size);
  if (twice) throw invalid(`The choice "${twice}" is given twice: each choice must be different.`);
  if (draft.goalName !== undefined && draft.kind !== 'number') throw invalid('Only a number question can report progress towards a goal.');
  const last = await db
    .selectFrom('question')
    .select((eb) => eb.fn.max('position').as('position'))
    .where('team_id', '=', teamId)
    .where(sql<boolean>`${level} = any(levels)`)
    .executeTakeFirst();
  return db
    .insertInto('question')
    .values({
      team_id: teamId,
      text,
      kind: draft.kind,
      intent: draft.intent,
      levels: [level],
      choices: draft.choices ? [...draft.choices] : null,
      fixed: draft.fixed,
      required: draft.required,
      position: Number(last?.position ?? 0) + 10,
      goal_name: draft.goalName ?? null,
      source_id: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Rewords a question from now on; answers already given keep the text that was asked. */
export async function editQuestion(db: Kysely<Database>, teamId: string, id: number, newText: string): Promise<Question> {
  return changeQuestion(db, teamId, id, { text: checkText(newText) });
}

export async function retireQuestion(db: Kysely<Database>, teamId: string, id: number): Promise<Question> {
  return changeQuestion(db, teamId, id, { active: false });
}

/** An active question of the workspace, changed; a number that names none is the person's to correct. */
async function changeQuestion(
  db: Kysely<Database>,
  teamId: string,
  id: number,
  set: { text: string } | { active: false },
): Promise<Question> {
  const row = await db
    .updateTable('question')
    .set(set)
    .where('id', '=', id)
    .where('team_id', '=', teamId)
    .where('active', '=', true)
    .returningAll()
    .executeTakeFirst();
  if (!row) throw notFound(`There is no question number ${id}: see {cmd:questions list}.`);
  return row;
}
