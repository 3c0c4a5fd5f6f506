import type { Question } from '../db/types';

/*
 * What the demo people say. Each question of the bank has its own answers, written for it, with each person's
 * own accounts and teammates filled in, so that a few dozen different answers exist per question and a
 * leader's brief reads like a team's week, not like a loop of five sentences.
 */

/** A demo person's world: their accounts, their region, the teammate they work with most. */
interface Persona {
  readonly accounts: readonly [string, string, string];
  readonly region: string;
  readonly peer: string;
  /** Their usual confidence (1–5) when nothing in the story moves it. */
  readonly confidence: number;
}

export const PERSONAS: Readonly<Record<string, Persona>> = {
  URAJ00001: { accounts: ['Acme Logistics', 'Northwind', 'Halden Bank'], region: 'the UK', peer: 'Mia', confidence: 4 },
  UMIA00001: { accounts: ['Globex UK', 'Tessera Health', 'Brightline'], region: 'the UK', peer: 'Raj', confidence: 4 },
  UKAI00001: { accounts: ['Fjord Energy', 'Lumen Retail', 'Corvid Labs'], region: 'the Nordics', peer: 'Noa', confidence: 4 },
  UNOA00001: { accounts: ['Initech', 'Pinecrest Insurance', 'Harbor Supply'], region: 'the East Coast', peer: 'Kai', confidence: 3 },
  ULEO00001: { accounts: ['Globex', 'Sunward Solar', 'Pacifica Foods'], region: 'California', peer: 'Ava', confidence: 3 },
  UAVA00001: { accounts: ['Redwood Media', 'Cascadia Health', 'Vantage Air'], region: 'the Pacific Northwest', peer: 'Leo', confidence: 4 },
  UJON00001: { accounts: ['Stellar Games', 'Mesa Credit', 'Orchard Labs'], region: 'the Southwest', peer: 'Eli', confidence: 3 },
  UELI00001: { accounts: ['Hudson Partners', 'Keystone Mutual', 'Atlas Rail'], region: 'New York', peer: 'Jon', confidence: 4 },
  UPRI00001: { accounts: ['Indus Textiles', 'Bayview Telecom', 'Sagar Pharma'], region: 'West India', peer: 'Mei', confidence: 5 },
  UARJ00001: { accounts: ['Deccan Steel', 'Lotus Payments', 'Kaveri Foods'], region: 'South India', peer: 'Priya', confidence: 4 },
  UMEI00001: { accounts: ['Jade Logistics', 'Orchid Hotels', 'Straits Capital'], region: 'Singapore', peer: 'Arjun', confidence: 4 },
  UOMA00001: { accounts: ['Falcon Freight', 'Cedar Insurance', 'Oasis Retail'], region: 'the Gulf', peer: 'Priya', confidence: 3 },
  UANN00001: { accounts: ['Acme Logistics', 'Globex UK', 'Fjord Energy'], region: 'EMEA', peer: 'Bob', confidence: 4 },
  UBOB00001: { accounts: ['Globex', 'Redwood Media', 'Hudson Partners'], region: 'the West', peer: 'Dev', confidence: 3 },
  UDEV00001: { accounts: ['Indus Textiles', 'Lotus Payments', 'Jade Logistics'], region: 'APAC', peer: 'Ann', confidence: 4 },
  UPAT00001: { accounts: ['Globex', 'Acme Logistics', 'Indus Textiles'], region: 'the whole org', peer: 'Casey', confidence: 4 },
  UCASEY001: { accounts: ['Globex', 'Acme Logistics', 'Halden Bank'], region: 'the company', peer: 'Pat', confidence: 4 },
};

/** The reps of each manager, by first name, for what managers say about their team. */
const TEAMS: Readonly<Record<string, readonly string[]>> = {
  UANN00001: ['Raj', 'Mia', 'Kai', 'Noa'],
  UBOB00001: ['Leo', 'Ava', 'Jon', 'Eli'],
  UDEV00001: ['Priya', 'Arjun', 'Mei', 'Omar'],
  UPAT00001: ['Ann', 'Bob', 'Dev'],
  UCASEY001: ['Pat'],
};

/** Answers for each question of the bank, by its text; `{a}` and `{b}` are accounts, `{peer}`, `{rep}` and `{rep2}` people, `{region}` a place. */
const BY_QUESTION: Readonly<Record<string, readonly string[]>> = {
  // Reps.
  'What worked this week, and why?': [
    'Multi-threading into {a}: I got the CFO and the ops lead on the same call, so nobody could stall it alone.',
    'Sending {a} a mutual action plan right after discovery. They added two dates of their own, which tells me they are serious.',
    'Leading the {a} demo with their own numbers instead of our slides; the questions got sharper straight away.',
    'Booking the next meeting before leaving the room with {a}. It saved a week of email tag.',
    'A short recap email within the hour after the {a} call; their champion forwarded it to procurement as it was.',
    'Asking {a} what happens if they do nothing. It moved the conversation from features to the cost of waiting.',
    'Role-playing the pricing objection with {peer} before the {a} call; I held the price without a discount.',
    'Calling {b} back the same day they read the pricing page: a meeting booked in ten minutes.',
  ],
  'Where did your process get stuck this week?': [
    'Legal review on the {a} contract: the redlines have sat with their counsel for nine days.',
    'Pricing approval for the {a} multi-year deal took a week on our side.',
    'I could not get the economic buyer at {a} into the room; my champion keeps promising.',
    '{a} wants a 240-question security questionnaire before the next step.',
    'Three of my deals sat in proposal with no next step booked.',
    'Waiting on a custom demo environment for {b}.',
    'Procurement at {a} added a new vendor-onboarding step halfway through.',
  ],
  'What would help you most from me?': [
    'Join the {a} call on Thursday: a manager in the room would help.',
    'A quicker answer on discounts over 15%.',
    'Help getting legal to look at the {a} redlines this week.',
    'A second pair of eyes on my forecast before Friday.',
    'Protected time for prospecting; my calendar is all internal meetings.',
    'An introduction to someone who has sold into {region} before.',
    'Nothing new this week; keeping our Monday slot helps.',
  ],
  'What would you share with the team that others could use?': [
    'The one-page mutual action plan {a} signed off on: happy to share it.',
    'Open discovery with "what made you take this call now?" It finds the trigger event fast.',
    'A two-minute video recap instead of an email; {a} answered within the hour.',
    'Ask for the procurement steps at the first meeting, not the last.',
    'Keep a "why now" line on every opportunity; forecast calls get shorter.',
    'Write down the walk-away price before a pricing call. I gave away less with {a}.',
  ],
  'What did a customer teach you this week?': [
    '{a} does not care about features; they care about getting through audit season with fewer people.',
    "{a}'s buyer said a competitor's onboarding took four months: speed of rollout is our story.",
    'The CFO at {a} reads the first paragraph only. Shorter proposals from now on.',
    '{a} bought for the integration, not the price. I had been leading with price.',
    '{b} left us two years ago over slow support, and noticed it is better now.',
    '{a} asked for references in their own industry, not big logos.',
  ],
  'Which obstacle is slowing you down most right now?': [
    'Legal review slows every contract',
    'Pricing approvals for multi-year deals take a week',
    'Not enough qualified leads from marketing in {region}',
    'The CRM is slow on mobile, so call notes get lost',
    'Security questionnaires on enterprise deals',
    'Getting the economic buyer into the room',
    'Legal review on enterprise contracts',
    'Procurement adds steps late in the cycle',
  ],
  // Managers.
  'What worked for your team recently, and why do you think it worked?': [
    'Deal reviews with one question each, "what is the next step and who owns it?" Our pipeline meeting on {a} took ten minutes, not forty.',
    '{rep} shared the mutual action plan template and three reps used it this week.',
    'Pairing {rep} with {rep2} on discovery calls; {rep2} asks sharper questions now.',
    'No discounting in the first call; {rep} held the price with {a} and the deal size held.',
    'Twenty-minute Monday 1:1s built on the agenda; {rep} and {rep2} came with their own topics.',
    'A Friday forecast call of fifteen minutes, commits only: {rep} called {a} at 90% and it closed.',
  ],
  'How is your team feeling about the period so far?': [
    "Upbeat after {rep}'s win, and tired of legal delays.",
    'Stretched: two reps carry most of the pipeline.',
    'Focused; the quarter-end push has not started yet.',
    'Mixed: {rep} is worried about the territory changes.',
    'Good energy; {rep2} is finally back to full speed.',
  ],
  'Where did a deal get stuck in the process, and what would have moved it forward?': [
    "{rep}'s {a} deal waited nine days on legal redlines; a pre-approved clause library would have saved a week.",
    '{a} stalled at procurement because we learnt their steps too late; asking at discovery would have moved it.',
    'Pricing approval for a multi-year deal took a week; a clear discount table for managers would fix it.',
    "{rep}'s deal with {a} had no economic buyer; an exec-to-exec call would have moved it.",
  ],
  'Which rep grew the most lately, and what helped them grow?': [
    '{rep}: asks about the cost of doing nothing now; the shadowing sessions helped.',
    '{rep2}: runs pricing calls without discounting; we role-played it twice.',
    '{rep}: multi-threads every deal now, after losing one to a single champion.',
  ],
  'What would help you most from me in the next two weeks?': [
    'Push legal for a standard fallback clause on the MSA.',
    "Join {rep}'s executive call with {a}.",
    "Clarity on next quarter's territories before the team hears rumours.",
    'Approve the extra SDR hours for {region}.',
    'A faster yes or no on pricing exceptions.',
  ],
  'What is one habit of yours that other managers could use?': [
    'I read the brief before each 1:1 and pick one question, not five; with {rep} it was the {a} redlines.',
    'I ask every rep for one deal they would drop; {rep} dropped {b} and found time for {a}.',
    'I answer every check-in the same day, even with a "Got it".',
    'I shadow one discovery call per rep per month.',
  ],
  'Which obstacle keeps coming up in your one-to-ones?': [
    'Legal review on enterprise contracts',
    'Pricing approvals for multi-year deals',
    'Lead quality from marketing in {region}',
    'Getting the economic buyer into the room',
  ],
  // The top.
  'Are you happy with where sales performance is heading, and what would make you happier?': [
    'Mostly: EMEA is ahead of plan, APAC is building. I would be happier with legal turnaround under a week.',
    'Not yet: the West is behind on new pipeline. A second SDR there would make me happier.',
    'Yes on activity, no on conversion; contract cycles are too long.',
  ],
  'What are we doing as an organisation that reinforces sales excellence — and what are we only wishing for?': [
    'Weekly 1:1s happen at every level now. We only wish for a pricing process that moves at the same pace.',
    'Deal reviews are real. Enablement is still a wish: nobody owns it.',
  ],
  'Which practice did a team use this month that the rest of the organisation should learn from?': [
    "EMEA's mutual action plans: every late-stage deal has one, and their slip rate halved.",
    "APAC's Friday fifteen-minute forecast call.",
  ],
  'Where is our sales process slowing good deals down, and what would speed them up?': [
    'Legal review: a clause library and a one-week service level would speed up every enterprise deal.',
    'Pricing approvals: give managers a discount table up to 15%.',
  ],
  'What support would make your next conversations with the managers count the most?': [
    'Numbers by team a day before, so we talk about what changed.',
    'Your view on next year’s territories, so I can answer the managers.',
  ],
  'Which obstacle outside the sales team’s control is affecting results most?': [
    'Legal review on enterprise contracts',
    'Lead quality from marketing',
  ],
  'What did the managers’ conversations with their reps teach you this month?': [
    'The reps name the same two blockers every week: legal and pricing. That is ours to fix, not theirs.',
    'Where the 1:1 happens weekly, commitments are kept; where it slips, so do they.',
  ],
  'What role did I play in where sales are today?': [
    'I pushed for pace and did not ask enough about what gets in the way. Legal has been a blocker for a quarter.',
    'I held the line on pricing discipline, which helped margins and cost us two deals.',
  ],
  'What is the organisation willing to invest against what it wants from sales?': [
    'We want 30% growth and have funded 10% more people. The gap is in enablement.',
    'We will fund a deal desk if it cuts approval time in half.',
  ],
};

/** What each person commits to, in their own accounts' names. */
const COMMITMENTS: Readonly<Record<'rep' | 'manager' | 'top', readonly string[]>> = {
  rep: [
    'Send {a} a mutual action plan',
    "Get {a}'s economic buyer on a call",
    'Book three discovery calls in {region}',
    'Put a next step on every open deal',
    'Run the {a} pricing call without offering a discount first',
    'Ask {b} for a reference in their industry',
    'Follow up on every demo within the hour',
    'Send {a} the security questionnaire answers',
  ],
  manager: [
    'Unblock the {a} redlines with legal',
    'Run a pricing-objection workshop for the team',
    'Shadow one discovery call of each rep',
    'Review next steps with each rep before Friday',
    "Join {rep}'s {a} executive call",
  ],
  top: [
    'Agree a one-week legal service level with the general counsel',
    'Fund a deal desk pilot for Q1',
    'Sit in on one 1:1 per manager this month',
  ],
};

/** What a reviewed commitment's note says, by outcome. */
const REVIEW_NOTES: Readonly<Record<'done' | 'partly' | 'not_yet', readonly (string | null)[]>> = {
  done: [null, null, '{a} added dates of their own', '{a} signed off on it', 'a day early'],
  partly: ['sent 2 of 3', '{a} moved the call to next week', 'half of it; the rest waits on legal', 'done for {a}, not yet for {b}'],
  not_yet: ["{a}'s CFO was out all week", 'lost the week to a customer escalation', 'waiting on legal'],
};

/** What a leader writes back to an answer. */
const REPLIES: readonly string[] = [
  'Great call on {a}. Bring the plan to our 1:1, I would like the team to copy it.',
  'Let us look at the {a} redlines together on Wednesday.',
  'I will chase legal on this today.',
  'Nice work. What would make it repeatable?',
  'Send me the pricing request and I will approve it by tomorrow.',
  'Can you share this with the team? Others would use it.',
  'Good. Who else at {a} should we meet?',
];

const REPLY_ANSWERS: readonly string[] = [
  'Will do, thanks.',
  'Sent it over just now.',
  'Wednesday at 2 works.',
  'The ops lead and their CFO.',
  'Yes, I will post it in the channel.',
];

/** The shared note of a 1:1 marked held, and now and then a private one for the chain above. */
const HELD_NOTES: readonly string[] = [
  'Agreed: you lead the {a} executive call, I join for pricing.',
  'We will review the {a} plan next Monday.',
  'Good progress on prospecting; keep the Friday block.',
  'Focus on two deals this week: {a} and {b}.',
  'You own the security answers for {a}; I will get legal on the redlines.',
];
const PRIVATE_NOTES: readonly string[] = [
  'Sounds stretched; watch the workload.',
  'Ready for bigger accounts next quarter.',
  'Needs help with pricing conversations.',
];

/** Topics people add to their next 1:1. */
const TOPICS: readonly string[] = [
  'Discount approval for {a}',
  'Territory split with {peer}',
  'Help with the {a} security questionnaire',
  'Moving to enterprise accounts next year',
  'The {b} renewal',
];

/** A small deterministic chooser: the same seed tells the same story. */
export type Random = () => number;
export const pick = <T>(r: Random, list: readonly T[]): T => list[Math.floor(r() * list.length)]!;

function fill(template: string, personId: string, r: Random): string {
  const p = PERSONAS[personId];
  const accounts = p?.accounts ?? ['Acme', 'Globex', 'Initech'];
  const i = Math.floor(r() * 3);
  const team = TEAMS[personId] ?? [p?.peer ?? 'the team'];
  const j = Math.floor(r() * team.length);
  return template
    .replaceAll('{a}', accounts[i]!)
    .replaceAll('{b}', accounts[(i + 1) % 3]!)
    .replaceAll('{peer}', p?.peer ?? 'a teammate')
    .replaceAll('{region}', p?.region ?? 'the region')
    .replaceAll('{rep}', team[j]!)
    .replaceAll('{rep2}', team[(j + 1) % team.length]!);
}

const roleOf = (personId: string): 'rep' | 'manager' | 'top' =>
  TEAMS[personId] ? (personId === 'UPAT00001' || personId === 'UCASEY001' ? 'top' : 'manager') : 'rep';

/** A text answer to `q`, in `personId`'s words; `confidence` answers a rating question. */
export function answerOf(
  q: Pick<Question, 'text' | 'kind' | 'intent' | 'choices'>,
  personId: string,
  confidence: number,
  r: Random,
): string {
  switch (q.kind) {
    case 'rating_1_5':
      return String(confidence);
    case 'number':
      return String(4 + Math.floor(r() * 11));
    case 'yes_no':
      return r() < 0.75 ? 'yes' : 'no';
    case 'choice':
      return q.choices?.[0] ?? '';
    case 'commitment':
      return fill(pick(r, COMMITMENTS[roleOf(personId)]), personId, r);
    default: {
      const pool =
        BY_QUESTION[q.text] ??
        BY_QUESTION[Object.keys(BY_QUESTION).find((k) => k.startsWith(q.text.slice(0, 30))) ?? ''] ??
        fallback(q.intent);
      return fill(pick(r, pool), personId, r);
    }
  }
}

function fallback(intent: string): readonly string[] {
  if (intent === 'obstacles') return BY_QUESTION['Which obstacle is slowing you down most right now?']!;
  if (intent === 'process') return BY_QUESTION['Where did your process get stuck this week?']!;
  if (intent === 'support') return BY_QUESTION['What would help you most from me?']!;
  if (intent === 'reflection') return BY_QUESTION['What role did I play in where sales are today?']!;
  if (intent === 'experience') return BY_QUESTION['What did a customer teach you this week?']!;
  return BY_QUESTION['What worked this week, and why?']!;
}

/** The note of a reviewed commitment, about the account the commitment names when it names one of the person's. */
export const reviewNote = (outcome: 'done' | 'partly' | 'not_yet', personId: string, commitment: string, r: Random): string | null => {
  const t = pick(r, REVIEW_NOTES[outcome]);
  if (t === null) return null;
  const named = PERSONAS[personId]?.accounts.find((a) => commitment.includes(a));
  return fill(named ? t.replaceAll('{a}', named) : t, personId, r);
};
export const replyText = (memberId: string, r: Random) => fill(pick(r, REPLIES), memberId, r);
export const replyAnswer = (r: Random) => pick(r, REPLY_ANSWERS);
export const heldNote = (memberId: string, r: Random) => fill(pick(r, HELD_NOTES), memberId, r);
export const privateNote = (r: Random) => pick(r, PRIVATE_NOTES);
export const topicText = (memberId: string, r: Random) => fill(pick(r, TOPICS), memberId, r);
