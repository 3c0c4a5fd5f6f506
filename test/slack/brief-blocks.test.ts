import type { Brief } from '../../src/checkins/briefs';
import { briefDetailMessages, briefMessage } from '../../src/slack/blocks/brief';
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
    expect(text).toContain('…and 16 more sections that do not fit in one message: open anyone');
    expect(text).toContain('`/cascade team @person`');
    expect(text).toContain('*Questions for the conversation*\\n1. What would help you most from me?');
    expect(message.text).toBe('Your brief for Manager ↔ each rep, weekly (23 Nov 2026): 40 of 60 answered.');
  });

  test('When answers are very long, then each stays within Slack’s 3,000 characters per section', () => {
    const message = briefMessage(brief(3, 10_000));
    for (const b of message.blocks!) if (b.type === 'section') expect((b as any).text.text.length).toBeLessThanOrEqual(LIMITS.sectionText);
    // Header and context, who needs attention, a section per person, the questions, and the pointer to the thread.
    expect(message.blocks!.length).toBe(2 + 1 + 3 + 1 + 1);
    for (const detail of briefDetailMessages(brief(3, 10_000))) for (const b of detail.blocks!) expect((b as any).text.text.length).toBeLessThanOrEqual(LIMITS.sectionText);
  });

  test('When a team of eight answered, then the brief leads with who needs attention and why, asks the organisational question once, and keeps each person short; the answers in full go in its thread', () => {
    const b = brief(8, 900);
    (b.members[1]!.flags as unknown[]).push({ id: 7, rule: 'confidence_falling', detail: 'confidence fell from 4 to 2' }, { id: 8, rule: 'goal_pace', detail: 'behind pace by 30 pts' });
    (b.members[2]!.commitments as unknown[]).push({ id: 3, text: 'Call Acme', status: 'open', dueDate: '2026-11-30', slips: 1 }, { id: 4, text: 'Send the deck', status: 'done', dueDate: '2026-11-20', slips: 0 });
    const message = briefMessage(b);
    const sections = message.blocks!.filter((x) => x.type === 'section').map((x) => (x as any).text.text as string);
    expect(sections[0]).toMatch(/^\*Needs your attention\*\n• \*Rep 0\* — missed this check-in\n• \*Rep 1\* — .*confidence fell from 4 to 2.*behind pace by 30 pts.*\n• \*Rep 2\* — 1 commitment slipping\n• \*Rep 3\* — missed/);
    expect(JSON.stringify(message.blocks).split('could territory, tooling, training, process or support explain this').length).toBe(2);
    const rep2 = sections.find((t) => t.startsWith('*Rep 2*'))!;
    expect(rep2).toContain(':pushpin: Open: “Call Acme” (due Mon 30 Nov, slipped 1×)');
    expect(rep2).toContain(':white_check_mark: Closed since the last round: “Send the deck” done');
    expect(rep2.indexOf('Open:')).toBeGreaterThan(rep2.indexOf('How confident'));
    // One screen: every person's section is short, whatever they wrote.
    for (const t of sections.filter((x) => x.startsWith('*Rep '))) expect(t.length).toBeLessThan(600);
    expect(JSON.stringify(message.blocks)).toContain('answers in full are in the thread');
    const detail = JSON.stringify(briefDetailMessages(b));
    expect(detail).toContain('w'.repeat(590));
    expect(detail).toContain('Commitment 3: “Call Acme” — open');
  });
});
