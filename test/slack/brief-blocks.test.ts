import { attentionOf, type Brief, type BriefMember } from '../../src/checkins/briefs';
import { ATTENTION_SHOWN, briefDetailMessages, briefMessage } from '../../src/slack/blocks/brief';
import { LIMITS } from '../../src/slack/ids';
import { linesOf } from '../support/lines';

const NOW = new Date('2026-11-25T12:00:00Z');

function member(i: number, over: Partial<BriefMember> = {}): BriefMember {
  const missed = i % 3 === 0;
  return {
    checkinId: 100 + i,
    personId: `UREP${i}`,
    name: `Rep ${i}`,
    part: 'member',
    status: missed ? 'missed' : 'answered',
    skipReason: null,
    undelivered: null,
    commitments: [],
    flags: [],
    confidence: { now: missed ? null : 4, before: missed ? null : 3 },
    answers: missed
      ? []
      : [
          { question: 'What worked this week, and why?', kind: 'long_text', intent: 'methodology', value: 'w'.repeat(900), shared: false },
          { question: 'How confident are you in reaching your goal?', kind: 'rating_1_5', intent: 'goals', value: '4', shared: false },
          {
            question: 'What is in your way?',
            kind: 'text',
            intent: 'obstacles',
            value: 'Legal review slows every deal we close',
            shared: false,
          },
        ],
    ...over,
  };
}

function brief(members: BriefMember[], over: Partial<Brief> = {}): Brief {
  return {
    roundId: 1,
    teamId: 'T1',
    leaderId: 'UMGR',
    cadenceName: 'Manager ↔ each rep, weekly',
    level: 'manager_reps',
    occurrence: '2026-11-23',
    members,
    before: { answered: 7, due: 8 },
    attention: attentionOf(members),
    heard: [],
    themes: [],
    escalations: [],
    suggestions: [
      'What would help you most from me?',
      'Which obstacle is slowing you down most right now?',
      'What did a customer teach you this week?',
    ],
    ...over,
  };
}

describe('The brief, read in a minute', () => {
  test('When a manager of eight gets the brief, then it is at most 25 lines: who needs them (three at most), one line per person, three questions', () => {
    const team = Array.from({ length: 8 }, (_, i) => member(i));
    team[1] = member(1, {
      confidence: { now: 2, before: 4 },
      flags: [{ id: 7, rule: 'confidence_drop', detail: 'confidence went from 4 to 2', raisedAt: new Date('2026-11-24T10:00:00Z') }],
    });
    team[2] = member(2, {
      commitments: [
        {
          id: 3,
          text: 'Call Acme',
          status: 'open',
          dueDate: '2026-11-30',
          slips: 1,
          note: 'their CFO was away',
          reviewedHere: true,
          madeHere: false,
        },
        {
          id: 4,
          text: 'Send Globex the proposal',
          status: 'partly',
          dueDate: '2026-11-20',
          slips: 0,
          note: 'Globex waits on procurement',
          reviewedHere: true,
          madeHere: false,
        },
        {
          id: 5,
          text: 'Book the CFO meeting',
          status: 'open',
          dueDate: '2026-11-30',
          slips: 0,
          note: null,
          reviewedHere: false,
          madeHere: true,
        },
      ],
    });
    team[3] = member(3, {
      flags: [{ id: 9, rule: 'missed_in_a_row', detail: 'missed 2 check-ins in a row', raisedAt: new Date('2026-11-16T10:00:00Z') }],
    });
    const message = briefMessage(brief(team), NOW);
    const lines = linesOf(message);
    expect(lines.length).toBeLessThanOrEqual(25);
    const text = lines.join('\n');
    // Most urgent first: missed twice, then confidence of 2, then a slipping commitment; the rest counted.
    const attention = lines.slice(
      lines.indexOf('*Needs your attention*') + 1,
      lines.indexOf('*Needs your attention*') + 1 + ATTENTION_SHOWN,
    );
    expect(attention).toEqual([
      '• *Rep 3* — missed 2 check-ins in a row · for 9 days',
      '• *Rep 1* — confidence 2 of 5 (was 4) · since yesterday',
      '• *Rep 2* — “Call Acme” slipped once · today',
    ]);
    expect(text).toContain('_and 2 more: `/cascade flags`_');
    expect(text.split('could territory, tooling, training, process or support explain this').length).toBe(2);
    // One line per person: state, confidence with its trend, the obstacle in their words, what became of each commitment with its note, the new one.
    expect(text).toContain(
      '• *Rep 2* — answered · confidence 4 (3 → 4) · obstacle: “Legal review slows every deal we close” · not yet: “Call Acme” (their CFO was away) · partly: “Send Globex the proposal” (Globex waits on procurement) · new: “Book the CFO meeting”',
    );
    expect(lines.filter((l) => l.startsWith('• *Rep ')).length).toBe(8 + ATTENTION_SHOWN);
    // Each answer in full once, in the thread; never in the brief itself.
    expect(text).not.toContain('w'.repeat(100));
    const thread = JSON.stringify(briefDetailMessages(brief(team)));
    expect(thread.split('w'.repeat(590)).length - 1).toBe(5);
    expect(thread).toContain('“Send Globex the proposal” — partly done: _Globex waits on procurement_');
    // No database ids in front of people.
    expect(`${text}${thread}`).not.toMatch(/[Cc]ommitment \d|flag \d/);
    expect(message.blocks![1]).toEqual(expect.objectContaining({ type: 'context' }));
    expect(JSON.stringify(message.blocks![1])).toContain('5 of 8 answered (7 of 8 the round before)');
  });

  test('When nobody needs the leader, then that is one line', () => {
    const calm = Array.from({ length: 3 }, (_, i) => member(i + 1, { status: 'answered', confidence: { now: 4, before: 4 } }));
    const lines = linesOf(briefMessage(brief(calm), NOW));
    expect(lines.filter((l) => l.includes('Needs your attention'))).toEqual(['*Needs your attention*: nobody this round.']);
    expect(lines.join('\n')).not.toContain('could territory');
  });

  test('When a leader of leaders gets the brief, then what was heard further down is one line per level, and the whole is at most 30 lines however deep', () => {
    const managers = Array.from({ length: 4 }, (_, i) => member(i + 1, { name: `Manager ${i + 1}` }));
    const heard = Array.from({ length: 6 }, (_, d) => ({
      depth: d + 1,
      label: `Level ${d + 2} ↔ level ${d + 3}`,
      due: 40,
      answered: 33,
      dueBefore: 40,
      answeredBefore: 30,
      held: 20,
      heldBefore: 18,
      obstacle: { phrase: 'legal review', count: 4 },
      highlight: { name: 'Raj Patel', text: 'Multi-threading into the CFO early' },
      broken: d === 1 ? [{ name: 'Bob Stone', due: 3 }] : [],
    }));
    const message = briefMessage(brief(managers, { heard, cadenceName: 'CRO ↔ each RVP, monthly' }), NOW);
    const lines = linesOf(message);
    expect(lines.length).toBeLessThanOrEqual(30);
    expect(lines).toContain(
      '• *Level 2 ↔ level 3*: 33 of 40 answered (30 of 40 before) · 20 1:1s held (18 before) · obstacle: “legal review” (4 people) · “Multi-threading into the CFO early” — Raj',
    );
    // A round nobody answered is named, on its level's line.
    expect(lines).toContain(
      '• *Level 3 ↔ level 4*: 33 of 40 answered (30 of 40 before) · 20 1:1s held (18 before) · obstacle: “legal review” (4 people) · *broken link*: Bob Stone (0 of 3) · “Multi-threading into the CFO early” — Raj',
    );
  });

  test('When a round has sixty people, then each is still one line, within Slack’s limits for a message', () => {
    const big = brief(Array.from({ length: 60 }, (_, i) => member(i)));
    const message = briefMessage(big, NOW);
    expect(message.blocks!.length).toBeLessThanOrEqual(LIMITS.blocksPerMessage);
    for (const b of message.blocks!) if (b.type === 'section') expect((b as any).text.text.length).toBeLessThanOrEqual(LIMITS.sectionText);
    const lines = linesOf(message);
    expect(lines.slice(lines.indexOf('*Your team*')).filter((l) => /^• \*Rep \d+\* — (answered|missed)/.test(l)).length).toBe(60);
    expect(message.text).toBe('Your brief for Manager ↔ each rep, weekly (23 Nov 2026): 40 of 60 answered.');
    for (const detail of briefDetailMessages(big)) {
      expect(detail.blocks!.length).toBeLessThanOrEqual(LIMITS.blocksPerMessage);
      for (const b of detail.blocks!) expect((b as any).text.text.length).toBeLessThanOrEqual(LIMITS.sectionText);
    }
  });
});
