import type { Brief } from '../../src/checkins/briefs';
import type { CheckinContext } from '../../src/checkins/context';
import type { Digest } from '../../src/digests/figures';
import type { Commitment, Goal, Person, Question } from '../../src/db/types';
import { briefDetailMessages, briefMessage } from '../../src/slack/blocks/brief';
import { digestMessage } from '../../src/slack/blocks/digest';
import { homeView } from '../../src/slack/blocks/home';
import { promptMessage } from '../../src/slack/blocks/prompt';
import { sharedAnswersMessage } from '../../src/slack/blocks/team';
import {
  commitmentMadeReply,
  commitmentsReply,
  coreValueReply,
  flagClosedReply,
  flagsReply,
  goalsReply,
} from '../../src/slack/blocks/accountability';
import { orgViewReply } from '../../src/slack/blocks/commands';
import { personCheckinsReply, questionsListReply } from '../../src/slack/blocks/self-service';
import { typed } from '../../src/slack/blocks/text';
import { agendaReply, heldNoteMessage, liveRoundMessage, replyToMemberMessage } from '../../src/slack/blocks/conversation';
import { orgImportResultView } from '../../src/slack/blocks/org-import';

/** What people type to mention everyone or disguise a link. */
const HOSTILE = '<!channel> see <http://evil.example|our handbook> & <@U0BOSS>';
const SAFE = '&lt;!channel&gt; see &lt;http://evil.example|our handbook&gt; &amp; &lt;@U0BOSS&gt;';

/** Every mrkdwn string of a message or view, with its fallback text. */
function mrkdwnOf(reply: { text?: string; blocks?: unknown[] }): string {
  const out: string[] = reply.text ? [reply.text] : [];
  const walk = (x: unknown): void => {
    if (Array.isArray(x)) x.forEach(walk);
    else if (x && typeof x === 'object') {
      const o = x as Record<string, unknown>;
      if (o.type === 'mrkdwn' && typeof o.text === 'string') out.push(o.text);
      else Object.values(o).forEach(walk);
    }
  };
  walk(reply.blocks ?? []);
  return out.join('\n');
}

function expectSafe(reply: { text?: string; blocks?: unknown[] }): void {
  const all = mrkdwnOf(reply);
  expect(all).toContain(SAFE);
  expect(all).not.toContain('<!channel>');
  expect(all).not.toContain('<http://evil');
}

const person = (name: string): Person =>
  ({
    team_id: 'T1',
    slack_user_id: 'UREP1',
    name,
    email: null,
    role: 'rep',
    reports_to: 'UMGR',
    is_admin: false,
    tz: 'UTC',
    paused_until: null,
    active: true,
  }) as unknown as Person;

const commitment = (text: string): Commitment =>
  ({
    id: 7,
    team_id: 'T1',
    owner_id: 'UREP1',
    leader_id: 'UMGR',
    text,
    due_date: '2026-12-01',
    status: 'open',
    slips: 0,
    note: HOSTILE,
  }) as unknown as Commitment;

const goal = (name: string): Goal =>
  ({
    id: 1,
    team_id: 'T1',
    owner_id: 'UREP1',
    scope: 'person',
    name,
    unit: 'USD',
    target: '1000',
    period: 'month',
    active: true,
  }) as unknown as Goal;

describe('Text people typed is shown as typed, on every surface', () => {
  test('The one helper turns &, < and > into entities and leaves everything else alone', () => {
    expect(typed(HOSTILE)).toBe(SAFE);
    expect(typed('Plain *bold* words')).toBe('Plain *bold* words');
    expect(typed(null)).toBe('');
  });

  test('When an answer, a name, a skip reason, a commitment, a flag or a highlight carries markup, then a brief shows it as text', () => {
    const brief: Brief = {
      roundId: 1,
      teamId: 'T1',
      leaderId: 'UMGR',
      cadenceName: 'Manager ↔ each rep, weekly',
      level: 'manager_reps',
      occurrence: '2026-11-23',
      members: [
        {
          checkinId: 1,
          personId: 'UREP1',
          name: HOSTILE,
          part: 'member',
          status: 'answered',
          skipReason: null,
          undelivered: null,
          confidence: { now: 2, before: 4 },
          commitments: [
            { id: 3, text: HOSTILE, status: 'partly', dueDate: '2026-12-01', slips: 0, note: HOSTILE, reviewedHere: true, madeHere: false },
            { id: 5, text: HOSTILE, status: 'open', dueDate: '2026-12-01', slips: 1, note: null, reviewedHere: false, madeHere: true },
          ],
          flags: [{ id: 4, rule: 'goal_pace', detail: HOSTILE, raisedAt: new Date('2026-11-20T00:00:00Z') }],
          answers: [
            { question: HOSTILE, kind: 'long_text', intent: 'methodology', value: HOSTILE, shared: true },
            { question: HOSTILE, kind: 'text', intent: 'obstacles', value: HOSTILE, shared: false },
          ],
        },
        {
          checkinId: 2,
          personId: 'UREP2',
          name: 'Sam',
          part: 'member',
          status: 'skipped',
          skipReason: HOSTILE,
          undelivered: null,
          confidence: { now: null, before: null },
          commitments: [],
          flags: [],
          answers: [],
        },
      ],
      before: null,
      attention: [{ personId: 'UREP1', name: HOSTILE, why: HOSTILE, since: null }],
      heard: [
        {
          depth: 1,
          label: HOSTILE,
          due: 1,
          answered: 1,
          dueBefore: 0,
          answeredBefore: 0,
          held: 0,
          heldBefore: 0,
          obstacle: { phrase: HOSTILE, count: 2 },
          highlight: { name: HOSTILE, text: HOSTILE },
          broken: [{ name: HOSTILE, due: 2 }],
        },
      ],
      themes: [{ kind: 'factor', key: 'k', phrase: HOSTILE, count: 2, before: 3, trend: 'fading', quote: null }],
      escalations: [],
      suggestions: [`Ask about ${HOSTILE}`],
    } as unknown as Brief;
    const all = mrkdwnOf(briefMessage(brief));
    expect(all).not.toContain('<!channel>');
    // Who needs attention and why, the name, the obstacle, the commitment and its note, the new one, the skip reason, the level, its obstacle and highlight…
    expect(all.split(SAFE).length - 1).toBeGreaterThanOrEqual(7);
    // …and in the thread the answers in full, the commitments and their notes.
    const thread = briefDetailMessages(brief).map(mrkdwnOf).join('');
    expect(thread).not.toContain('<!channel>');
    expect(thread.split(SAFE).length - 1).toBeGreaterThanOrEqual(5);
  });

  test('When a shared highlight, a leader’s name or the core value carries markup, then the digest shows it as text', () => {
    const digest: Digest = {
      scope: 'org',
      ownerName: null,
      period: { start: '2026-11-16', end: '2026-11-22' },
      previous: { start: '2026-11-09', end: '2026-11-15' },
      levels: [],
      brokenLinks: [{ name: HOSTILE, label: 'Manager ↔ reps', due: 3 }],
      participation: { now: 0.5, before: 0.4 },
      commitments: { made: { now: 1, before: 0 }, kept: { now: 1, before: 0 }, closed: { now: 1, before: 0 } },
      ratings: [],
      highlights: [{ name: HOSTILE, question: 'q', text: HOSTILE }],
      themes: [
        { kind: 'obstacle', key: 'k', phrase: HOSTILE, count: 2, before: 0, trend: 'new', quote: { person: 'UREP1', text: HOSTILE } },
      ],
      themeAnswers: 2,
      openFlags: { now: 0, before: 0 },
      goals: [{ leader: HOSTILE, goals: 1, attainment: 0.5, paceGap: -3, before: null }],
      coreValue: HOSTILE,
    };
    expectSafe(digestMessage(digest));
  });

  test('When goal names, commitments and the leader’s name carry markup, then App Home shows them as text', () => {
    const view = homeView({
      coreValue: 'Sales Excellence',
      isAdmin: false,
      peopleCount: 3,
      view: { person: person('Raj'), chain: [], reports: [] },
      goals: [
        {
          goal: goal(HOSTILE),
          ownerName: 'Raj',
          period: { start: '2026-11-01', end: '2026-11-30' },
          value: 10,
          attainment: 0.01,
          expected: 0.5,
          paceGap: -49,
          tooEarly: false,
        },
      ],
      openCommitments: [commitment(HOSTILE)],
      overdue: 0,
      keptRate: null,
      next: [{ cadenceKey: 'manager_reps', cadenceName: 'Weekly', withName: HOSTILE, date: '2026-12-01', localTime: '10:00' }],
      reports: [],
      aggregates: null,
    } as any);
    expectSafe(view);
  });

  test('When commands answer with commitments, goals, flags, a closed flag’s answer, the core value or names from a CSV, then each shows them as text', () => {
    expectSafe(commitmentMadeReply(commitment(HOSTILE)));
    expectSafe(commitmentsReply([{ ...commitment(HOSTILE), ownerName: HOSTILE, leaderName: HOSTILE }], false));
    expectSafe(
      goalsReply([
        {
          goal: goal(HOSTILE),
          ownerName: 'Raj',
          period: { start: '2026-11-01', end: '2026-11-30' },
          value: 1,
          attainment: 0.001,
          expected: 0.5,
          paceGap: -50,
          tooEarly: false,
        } as any,
      ]),
    );
    expectSafe(
      flagsReply(
        [
          {
            id: 1,
            person_id: 'UREP1',
            rule: 'goal_pace',
            detail: HOSTILE,
            personName: HOSTILE,
            raised_at: new Date('2026-11-20T00:00:00Z'),
          } as any,
        ],
        new Date('2026-11-23T00:00:00Z'),
      ),
    );
    expectSafe(flagClosedReply({ id: 1, rule: 'goal_pace', org_factors: HOSTILE } as any, HOSTILE));
    expectSafe(coreValueReply(HOSTILE));
    expectSafe(orgViewReply({ person: person(HOSTILE), chain: [person(HOSTILE)], reports: [] }));
    expectSafe(
      personCheckinsReply({
        person: person(HOSTILE),
        checkins: [
          {
            id: 1,
            cadenceName: 'Weekly',
            occurrence: '2026-11-23',
            status: 'skipped',
            skipReason: HOSTILE,
            answers: [{ question: HOSTILE, value: HOSTILE }],
            replies: [],
            heldAt: null,
            sharedNote: null,
            privateNote: null,
          },
        ] as any,
      }),
    );
    // What came back down — replies, the member's answer, the 1:1 notes — is text people typed too.
    const said = mrkdwnOf(
      personCheckinsReply({
        person: person('Raj'),
        checkins: [
          {
            cadenceName: 'Weekly',
            occurrence: '2026-11-23',
            status: 'answered',
            skipReason: null,
            answers: [],
            replies: [{ id: 1, authorId: 'UMGR', authorName: HOSTILE, kind: 'reply', text: HOSTILE, parentId: null, at: new Date() }],
            heldAt: new Date(),
            sharedNote: HOSTILE,
            privateNote: HOSTILE,
          },
        ],
      }),
    );
    expect(said).not.toContain('<!channel>');
    expect(said.split(SAFE).length).toBeGreaterThan(3);
    expectSafe(
      questionsListReply([
        {
          id: 3,
          text: HOSTILE,
          kind: 'choice',
          intent: 'process',
          fixed: false,
          required: false,
          audience: 'member',
          levels: ['manager_reps'],
          choices: ['a', HOSTILE],
        } as unknown as Question,
      ]),
    );
  });

  test('When a skip reason or a leader’s name carries markup, then the prompt shows it as text; a team thread shows shared answers as text', () => {
    const ctx = {
      id: 1,
      status: 'skipped',
      skipReason: HOSTILE,
      part: 'member',
      leaderName: HOSTILE,
      cadenceName: 'Weekly',
      personTz: 'UTC',
      closesAt: new Date('2026-11-25T10:00:00Z'),
      snoozedUntil: null,
    } as unknown as CheckinContext;
    expectSafe(promptMessage(ctx));
    expectSafe(sharedAnswersMessage(HOSTILE, [{ question: HOSTILE, value: HOSTILE }]));
  });

  test('When a title from the CSV carries markup, then org show, the import report, and the levels named from titles in briefs and digests show it as text', () => {
    const titled = { ...person('Raj'), role: HOSTILE } as Person;
    expectSafe(orgViewReply({ person: titled, chain: [], reports: [titled] }));
    expectSafe(orgImportResultView(`Imported: 1 added.\n+ Raj (UREP1): ${HOSTILE}`, 'applied') as unknown as { blocks: unknown[] });
    const level = {
      depth: 1,
      label: `${HOSTILE} ↔ reps`,
      due: 1,
      answered: 1,
      dueBefore: 0,
      answeredBefore: 0,
      held: 0,
      heldBefore: 0,
      obstacle: null,
      highlight: null,
      broken: [{ name: HOSTILE, due: 3 }],
    };
    const brief = briefMessage({
      roundId: 1,
      teamId: 'T1',
      leaderId: 'UMGR',
      cadenceName: 'c',
      level: 'manager_reps',
      occurrence: '2026-11-23',
      members: [],
      before: null,
      attention: [],
      heard: [level],
      themes: [
        { kind: 'obstacle', key: 'k', phrase: HOSTILE, count: 3, before: 1, trend: 'growing', quote: { person: 'UREP1', text: HOSTILE } },
      ],
      escalations: [],
      suggestions: [],
    } as Brief);
    expect(mrkdwnOf(brief)).toContain(SAFE);
    expect(mrkdwnOf(brief)).not.toContain('<!channel>');
  });

  test('When answers, replies, topics and 1:1 notes carry markup, then the live round message, the reply in a thread and the agenda show them as text', () => {
    const r = { id: 1, authorId: 'UMGR', authorName: HOSTILE, kind: 'reply' as const, text: HOSTILE, parentId: null, at: new Date() };
    const live = liveRoundMessage({
      roundId: 1,
      teamId: 'T1',
      leaderId: 'UMGR',
      cadenceName: HOSTILE,
      occurrence: '2026-11-23',
      open: true,
      closesAt: null,
      liveChannel: null,
      liveTs: null,
      members: [
        {
          checkinId: 1,
          personId: 'UREP1',
          name: HOSTILE,
          status: 'answered',
          answers: [{ question: HOSTILE, value: HOSTILE, kind: 'text', intent: 'obstacles' }],
          commitments: [{ text: HOSTILE, dueDate: '2026-12-01', status: 'open' }],
          replies: [r],
          held: true,
          snoozed: false,
        },
      ],
    });
    expectSafe(live);
    expectSafe(
      replyToMemberMessage({
        reply: r,
        parent: null,
        answer: null,
        checkinId: 1,
        memberId: 'UREP1',
        memberName: HOSTILE,
        cadenceName: 'c',
        occurrence: '2026-11-23',
        promptChannel: null,
        promptTs: null,
        roundLeaderId: 'UMGR',
        liveChannel: null,
        liveTs: null,
      }),
    );
    expectSafe(
      replyToMemberMessage({
        reply: r,
        parent: null,
        answer: { ...r, id: 2, kind: 'answer', parentId: 1 },
        checkinId: 1,
        memberId: 'UREP1',
        memberName: HOSTILE,
        cadenceName: 'c',
        occurrence: '2026-11-23',
        promptChannel: null,
        promptTs: null,
        roundLeaderId: 'UMGR',
        liveChannel: null,
        liveTs: null,
      }),
    );
    expectSafe(
      heldNoteMessage({
        memberId: 'UREP1',
        leaderName: HOSTILE,
        cadenceName: HOSTILE,
        occurrence: '2026-11-23',
        note: HOSTILE,
        promptChannel: null,
        promptTs: null,
      }),
    );
    expectSafe(
      agendaReply({
        checkinId: 1,
        memberId: 'UREP1',
        memberName: HOSTILE,
        leaderId: 'UMGR',
        leaderName: HOSTILE,
        cadenceName: HOSTILE,
        occurrence: '2026-11-23',
        status: 'answered',
        readerId: 'UMGR',
        forMember: false,
        answers: [{ question: HOSTILE, value: HOSTILE }],
        commitments: [],
        goals: [],
        topics: [{ id: 1, authorId: 'UREP1', authorName: HOSTILE, text: HOSTILE, carriedFrom: '2026-11-16' }],
        suggestions: [HOSTILE],
        flags: [{ id: 1, detail: HOSTILE }],
        replies: [r],
        heldAt: new Date(),
        sharedNote: HOSTILE,
        privateNote: HOSTILE,
      }),
    );
  });
});
