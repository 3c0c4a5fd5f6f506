import type { Brief } from '../../src/checkins/briefs';
import { briefMessage } from '../../src/slack/blocks/brief';
import { LIMITS } from '../../src/slack/ids';

function brief(members: number, answerLength: number): Brief {
  return {
    roundId: 1,
    teamId: 'T1',
    leaderId: 'UMGR',
    cadenceName: 'Manager ↔ each rep, weekly',
    level: 'manager_reps',
    occurrence: '2026-11-23',
    members: Array.from({ length: members }, (_, i) => ({
      personId: `UREP${i}`,
      name: `Rep ${i}`,
      part: 'member' as const,
      status: i % 3 === 0 ? ('missed' as const) : ('answered' as const),
      skipReason: null,
      undelivered: null,
      commitments: [],
      flags: [],
      answers:
        i % 3 === 0
          ? []
          : [
              { question: 'What worked this week, and why?', kind: 'long_text', intent: 'methodology', value: 'w'.repeat(answerLength), shared: false },
              { question: 'How confident are you in reaching your goal?', kind: 'rating_1_5', intent: 'goals', value: '4', shared: false },
            ],
    })),
    rollUp: [],
    escalations: [],
    suggestions: ['What would help you most from me?', 'Which obstacle is slowing you down most right now?', 'What did a customer teach you this week?'],
  };
}

describe('The brief as Slack blocks', () => {
  test('When a round has more people than one message holds, then it is cut at 50 blocks with a pointer to /cascade team, and the suggestions stay', () => {
    const message = briefMessage(brief(60, 100));
    expect(message.blocks!.length).toBe(LIMITS.blocksPerMessage);
    const text = JSON.stringify(message.blocks);
    expect(text).toContain('…and 14 more sections that do not fit in one message: open anyone');
    expect(text).toContain('`/cascade team @person`');
    expect(text).toContain('*Questions for the conversation*\\n1. What would help you most from me?');
    expect(message.text).toBe('Your brief for Manager ↔ each rep, weekly (23 Nov 2026): 40 of 60 answered.');
  });

  test('When answers are very long, then each stays within Slack’s 3,000 characters per section', () => {
    const message = briefMessage(brief(3, 10_000));
    for (const b of message.blocks!) if (b.type === 'section') expect((b as any).text.text.length).toBeLessThanOrEqual(LIMITS.sectionText);
    expect(message.blocks!.length).toBe(2 + 3 + 1);
  });
});
