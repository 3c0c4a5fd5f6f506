import { sql, type Kysely } from 'kysely';

type Q = [text: string, kind: string, intent: string, options?: { fixed?: boolean; required?: boolean; leader?: boolean }];

/**
 * The bank Cascade ships with (team_id null): constructive questions about a person's own experience
 * and process, never interrogations. Fixed ones are asked every round, the rest rotate.
 */
const BANK: Record<string, Q[]> = {
  ceo_president: [
    ['Are you happy with where sales performance is heading, and what would make you happier?', 'long_text', 'experience', { fixed: true, required: true }],
    ['What are we doing as an organisation that reinforces sales excellence — and what are we only wishing for?', 'long_text', 'reflection', { fixed: true }],
    ['How confident are you that the organisation reaches this quarter’s goal? (1 = not at all, 5 = fully)', 'rating_1_5', 'goals', { fixed: true, required: true }],
    ['Which practice did a team use this month that the rest of the organisation should learn from?', 'long_text', 'methodology'],
    ['Where is our sales process slowing good deals down, and what would speed them up?', 'long_text', 'process'],
    ['What support would make your next conversations with the managers count the most?', 'text', 'support'],
    ['Which obstacle outside the sales team’s control is affecting results most?', 'text', 'obstacles'],
    ['What did the managers’ conversations with their reps teach you this month?', 'long_text', 'experience'],
    ['What will you commit to before our next conversation?', 'commitment', 'commitment'],
    ['What role did I play in where sales are today?', 'long_text', 'reflection', { fixed: true, required: true, leader: true }],
    ['What is the organisation willing to invest against what it wants from sales?', 'long_text', 'reflection', { leader: true }],
    ['What will I commit to, for the sales organisation, before our next conversation?', 'commitment', 'commitment', { leader: true }],
  ],
  president_managers: [
    ['What worked for your team recently, and why do you think it worked?', 'long_text', 'methodology', { fixed: true, required: true }],
    ['How confident are you in your team’s goal this period? (1 = not at all, 5 = fully)', 'rating_1_5', 'goals', { fixed: true, required: true }],
    ['How is your team feeling about the period so far?', 'text', 'experience'],
    ['Where did a deal get stuck in the process, and what would have moved it forward?', 'long_text', 'process'],
    ['Which rep grew the most lately, and what helped them grow?', 'text', 'experience'],
    ['What would help you most from me in the next two weeks?', 'text', 'support'],
    ['What is one habit of yours that other managers could use?', 'text', 'methodology'],
    ['Which obstacle keeps coming up in your one-to-ones?', 'text', 'obstacles'],
    ['What will you commit to before our next conversation?', 'commitment', 'commitment'],
  ],
  manager_reps: [
    ['What worked this week, and why?', 'long_text', 'methodology', { fixed: true, required: true }],
    ['How confident are you in reaching your goal? (1 = not at all, 5 = fully)', 'rating_1_5', 'goals', { fixed: true, required: true }],
    ['Where did your process get stuck this week?', 'text', 'process'],
    ['What would help you most from me?', 'text', 'support'],
    ['What would you share with the team that others could use?', 'long_text', 'methodology'],
    ['What did a customer teach you this week?', 'text', 'experience'],
    ['Which obstacle is slowing you down most right now?', 'text', 'obstacles'],
    ['How many meaningful customer conversations did you have this week?', 'number', 'process'],
    ['Did you get the coaching you needed this week?', 'yes_no', 'support'],
    ['What will you commit to before our next conversation?', 'commitment', 'commitment'],
  ],
};

export async function up(db: Kysely<any>): Promise<void> {
  for (const [level, questions] of Object.entries(BANK)) {
    let position = 0;
    for (const [text, kind, intent, options = {}] of questions) {
      position += 10;
      await sql`
        insert into question (team_id, text, kind, intent, levels, audience, required, fixed, position)
        values (null, ${text}, ${kind}, ${intent}, ${sql.raw(`array['${level}']`)}, ${options.leader ? 'leader' : 'member'},
                ${options.required ?? false}, ${options.fixed ?? false}, ${position})`.execute(db);
    }
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`delete from question where team_id is null`.execute(db);
}
