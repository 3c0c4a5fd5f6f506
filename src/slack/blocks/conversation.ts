import type { types } from '@slack/bolt';
import { paceBar } from '../../accountability/goals';
import { ORG_FACTORS_QUESTION } from '../../accountability/flags';
import type { Agenda, Held, HeldDraft, HeldNoteDelivery } from '../../checkins/one-on-one';
import type { LiveMember, LiveRound, ReplyView } from '../../checkins/live';
import type { ReplyDelivery } from '../../checkins/replies';
import { IDS, LIMITS } from '../ids';
import { context, dayLabel, section, truncate, typed, type Block, type Reply } from './text';

/*
 * What comes back down: the leader's live message for a round, replies and "Got it" in the member's prompt
 * thread, the member's answer back, and the 1:1 agenda. Buttons carry `r<check-in>` or `a<reply>`.
 */

const firstName = (name: string) => name.split(' ')[0] || name;

/** One thing said about a check-in, as `readerId` reads it: "You" for their own words, the author's name otherwise. */
function replyLine(r: ReplyView, readerId: string): string {
  const who = r.authorId === readerId ? 'You' : typed(firstName(r.authorName));
  if (r.kind === 'ack') return `:eyes: ${who} read it`;
  if (r.kind === 'answer') return `:speech_balloon: ${who} answered: “${typed(truncate(r.text ?? '', 300))}”`;
  return `:speech_balloon: ${who} replied: “${typed(truncate(r.text ?? '', 300))}”`;
}

/**
 * What a member said, in a few words: their confidence and the obstacle they named. The answers in full are
 * in the brief's thread at the close (and in the agenda any time), never repeated here.
 */
function answerHeadline(answers: readonly { value: string; kind: string; intent: string }[]): string {
  const parts: string[] = [];
  const confidence = answers.find((a) => a.kind === 'rating_1_5' && a.intent === 'goals');
  if (confidence) parts.push(`confidence ${confidence.value}`);
  const obstacle = answers.find((a) => a.intent === 'obstacles' && a.kind !== 'rating_1_5' && a.value.trim());
  if (obstacle) parts.push(`“${typed(truncate(obstacle.value.replace(/\s+/g, ' '), 70))}”`);
  return parts.join(' · ');
}

/** What was said since, in one line as the leader reads it: "You replied · Raj answered". */
function saidSince(m: LiveMember, leaderId: string): string | null {
  const said: string[] = [];
  for (const r of m.replies) {
    if (r.kind === 'ack') continue;
    const line =
      r.kind === 'answer'
        ? `${typed(firstName(m.name))} answered`
        : r.authorId === leaderId
          ? 'You replied'
          : `${typed(firstName(r.authorName))} replied`;
    if (!said.includes(line)) said.push(line);
  }
  return said.length ? `:speech_balloon: ${said.join(' · ')}` : null;
}

function answeredBlocks(m: LiveMember, open: boolean, leaderId: string): Block[] {
  const headline = answerHeadline(m.answers);
  const since = saidSince(m, leaderId);
  const line = `*${typed(m.name)}* — answered${headline ? ` · ${headline}` : ''}${m.held ? ' · 1:1 held' : ''}${since ? `\n${since}` : ''}`;
  const acked = m.replies.some((r) => r.kind === 'ack');
  const blocks: Block[] = [section(truncate(line, LIMITS.sectionText))];
  const buttons: types.Button[] = [
    { type: 'button', action_id: IDS.conversation.reply, text: { type: 'plain_text', text: 'Reply' }, value: `r${m.checkinId}` },
  ];
  if (!acked)
    buttons.push({
      type: 'button',
      action_id: IDS.conversation.ack,
      text: { type: 'plain_text', text: 'Got it' },
      value: `r${m.checkinId}`,
    });
  buttons.push({
    type: 'button',
    action_id: IDS.conversation.agenda,
    text: { type: 'plain_text', text: 'Agenda' },
    value: `r${m.checkinId}`,
  });
  if (open || m.replies.length === 0 || !acked) blocks.push({ type: 'actions', elements: buttons });
  return blocks;
}

/** The leader's one message for a round, edited in place as members answer. */
export function liveRoundMessage(live: LiveRound): Reply {
  const answered = live.members.filter((m) => m.status === 'answered');
  const waiting = live.members.filter((m) => m.status === 'scheduled' || m.status === 'sent');
  const other = live.members.filter((m) => m.status === 'missed' || m.status === 'skipped');
  const date = dayLabel(live.occurrence, 'short');
  const state = live.open
    ? `${answered.length} of ${live.members.length} answered so far`
    : `closed: ${answered.length} of ${live.members.length} answered — your brief has the rest`;
  const text = `Your round: ${typed(live.cadenceName)} (${date}) — ${state}`;
  const blocks: Block[] = [section(`*${typed(live.cadenceName)}* (${date}) — ${state}`)];
  // Slack allows 50 blocks a message: two per answered member, and the rest named in one line.
  const room = Math.floor((LIMITS.blocksPerMessage - 4) / 2);
  for (const m of answered.slice(0, room)) blocks.push(...answeredBlocks(m, live.open, live.leaderId));
  if (answered.length > room) blocks.push(context(`…and ${answered.length - room} more answered: your brief at the close has everyone.`));
  if (waiting.length)
    blocks.push(context(`Waiting for ${waiting.map((m) => `${typed(m.name)}${m.snoozed ? ' (snoozed)' : ''}`).join(', ')}.`));
  if (other.length) blocks.push(context(other.map((m) => `${typed(m.name)}: ${m.status}`).join(' · ')));
  blocks.push(
    context(
      'Agenda shows their answers in full; Reply answers them in their own thread; Got it tells them you read it. Your brief at the close has everyone.',
    ),
  );
  return { text, blocks };
}

/** One answer, to a leader who asked for a message per answer. */
export function answerNoteMessage(live: LiveRound, checkinId: number): Reply | null {
  const m = live.members.find((x) => x.checkinId === checkinId);
  if (!m) return null;
  return {
    text: `${typed(m.name)} answered their check-in (${typed(live.cadenceName)})`,
    blocks: answeredBlocks(m, live.open, live.leaderId),
  };
}

/** In the member's prompt thread: the leader's reply (with one answer allowed, until given) or "Ann read your check-in". */
export function replyToMemberMessage(d: ReplyDelivery): Reply {
  const who = d.reply.authorName;
  if (d.reply.kind === 'ack')
    return { text: `${typed(who)} read your check-in.`, blocks: [context(`:eyes: *${typed(who)}* read your check-in.`)] };
  // The fallback text is mrkdwn too (notifications): escaped like the blocks.
  const text = `${typed(who)} replied: ${typed(d.reply.text ?? '')}`;
  const quote = (s: string) => `>${typed(s).replace(/\n/g, '\n>')}`;
  const replied = section(truncate(`*${typed(who)}* replied:\n${quote(d.reply.text ?? '')}`, LIMITS.sectionText));
  if (d.answer) {
    return {
      text: truncate(text, 3000),
      blocks: [replied, section(truncate(`*You answered:*\n${quote(d.answer.text ?? '')}`, LIMITS.sectionText))],
    };
  }
  return {
    text: truncate(text, 3000),
    blocks: [
      replied,
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            action_id: IDS.conversation.answerReply,
            text: { type: 'plain_text', text: `Answer ${truncate(firstName(who), 30)}` },
            value: `a${d.reply.id}`,
          },
        ],
      },
    ],
  };
}

/** In the member's prompt thread: what their leader wrote for them when marking the 1:1 held. */
export function heldNoteMessage(d: HeldNoteDelivery): Reply {
  const head = `${typed(d.leaderName)} marked your 1:1 of ${dayLabel(d.occurrence, 'short')} held`;
  return {
    text: truncate(`${head}: ${typed(d.note)}`, 3000),
    blocks: [section(truncate(`*${head}*, with a note for you:\n>${typed(d.note).replace(/\n/g, '\n>')}`, LIMITS.sectionText))],
  };
}

/** Back to the leader: the member's one answer to a reply. */
export function answerToLeaderMessage(d: ReplyDelivery): Reply {
  const text = `${typed(d.memberName)} answered your reply: ${typed(d.reply.text ?? '')}`;
  const quoted = d.parent ? `_You: “${typed(truncate(d.parent.text ?? '', 200))}”_\n` : '';
  return {
    text: truncate(text, 3000),
    blocks: [
      section(
        truncate(`${quoted}*${typed(d.memberName)}* answered:\n>${typed(d.reply.text ?? '').replace(/\n/g, '\n>')}`, LIMITS.sectionText),
      ),
    ],
  };
}

function textModal(
  callbackId: string,
  title: string,
  label: string,
  metadata: object,
  intro: string,
  placeholder: string,
): types.ModalView {
  return {
    type: 'modal',
    callback_id: callbackId,
    private_metadata: JSON.stringify(metadata),
    title: { type: 'plain_text', text: truncate(title, LIMITS.modalTitle) },
    submit: { type: 'plain_text', text: 'Send' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      section(intro),
      {
        type: 'input',
        block_id: IDS.conversation.textBlock,
        label: { type: 'plain_text', text: label },
        element: {
          type: 'plain_text_input',
          action_id: IDS.conversation.textInput,
          multiline: true,
          max_length: 3000,
          placeholder: { type: 'plain_text', text: placeholder },
        },
      },
    ],
  };
}

export function replyModal(checkinId: number, memberName: string): types.ModalView {
  return textModal(
    IDS.conversation.replyView,
    'Reply',
    'Your reply',
    { checkinId },
    `*${typed(memberName)}* gets it in the thread of their check-in, and can answer once.`,
    'What stood out, a question, a thank-you…',
  );
}

export function answerReplyModal(replyId: number, leaderName: string): types.ModalView {
  return textModal(
    IDS.conversation.answerView,
    'Answer',
    'Your answer',
    { replyId },
    `Your answer goes to *${typed(leaderName)}*. You can answer each reply once.`,
    'Your answer…',
  );
}

/** What became of a commitment this check-in reviewed, in the member's words; open ones with their due date. */
const REVIEWED: Record<string, string> = { done: 'done', partly: 'partly', missed: 'missed', dropped: 'dropped' };

/** The 1:1 agenda's parts, each a section; topics apart, each with its Done button (which carries the id). */
function agendaParts(a: Agenda): { head: string; topics: Block[]; rest: string[]; hint: string } {
  const withWhom = a.forMember ? `with ${typed(a.leaderName)}` : `with ${typed(a.memberName)}`;
  const head = `*Your 1:1 ${withWhom}* — ${typed(a.cadenceName)}, ${dayLabel(a.occurrence, 'short')}${a.heldAt ? ' · held' : ''}`;
  const topics: Block[] = a.topics.slice(0, 20).map((t) => ({
    type: 'section',
    text: {
      type: 'mrkdwn',
      text: truncate(
        `• ${typed(t.text)} — _${typed(firstName(t.authorName))}${t.carriedFrom ? `, from ${dayLabel(t.carriedFrom, 'short')}` : ''}_`,
        LIMITS.sectionText,
      ),
    },
    accessory: { type: 'button', action_id: IDS.conversation.topicDone, text: { type: 'plain_text', text: 'Done' }, value: `t${t.id}` },
  }));
  const rest: string[] = [];
  if (!a.forMember && a.flags.length)
    rest.push(`*Flags* (your side only) — _${ORG_FACTORS_QUESTION}_\n${a.flags.map((f) => `• ${typed(f.detail)}`).join('\n')}`);
  if (a.answers.length)
    rest.push(
      `*${a.forMember ? 'Your answers' : `${typed(firstName(a.memberName))}'s answers`}*\n${a.answers.map((x) => `• _${typed(truncate(x.question, 120))}_ ${typed(truncate(x.value, 300))}`).join('\n')}`,
    );
  else rest.push(`_${a.status === 'missed' ? 'The check-in was missed.' : 'No answers yet.'}_`);
  if (a.commitments.length) {
    rest.push(
      `*Commitments*\n${a.commitments
        .map((m) => {
          const said = m.note ? `: “${typed(truncate(m.note, 200))}”` : '';
          if (m.status !== 'open') return `• “${typed(truncate(m.text, 150))}” — ${REVIEWED[m.status] ?? m.status}${said}`;
          return `• “${typed(truncate(m.text, 150))}” — due ${dayLabel(m.dueDate)}${m.slips ? `, slipped ${m.slips}×` : ''}${said}`;
        })
        .join('\n')}`,
    );
  }
  if (a.goals.length) rest.push(`*Goals*\n${a.goals.map((g) => `• ${typed(g.goal.name)} \`${paceBar(g)}\``).join('\n')}`);
  if (!a.forMember && a.suggestions.length) rest.push(`*Questions to ask*\n${a.suggestions.map((s) => `• ${typed(s)}`).join('\n')}`);
  const said = a.replies.filter((r) => r.kind !== 'ack');
  if (said.length) rest.push(`*Said since*\n${said.map((r) => replyLine(r, a.readerId)).join('\n')}`);
  if (a.sharedNote) rest.push(`*Shared note*\n${typed(a.sharedNote)}`);
  if (a.privateNote) rest.push(`*Private note* (only the chain above ${typed(firstName(a.memberName))} sees it)\n${typed(a.privateNote)}`);
  const hint = a.forMember
    ? 'A topic stays on your 1:1s until one of you presses Done.'
    : `A topic stays on your 1:1s until one of you presses Done. After the conversation, \`/cascade held <@${a.memberId}>\` keeps a note for ${typed(firstName(a.memberName))} and a private one.`;
  return { head, topics, rest, hint };
}

function topicsText(a: Agenda): string {
  return a.topics.map((t) => `• ${typed(t.text)} — _${typed(firstName(t.authorName))}_`).join('\n');
}

/** The 1:1 agenda, as a message (`/cascade agenda`): what both sides bring, and for the leader the flags to ask about first. */
export function agendaReply(a: Agenda): Reply {
  const { head, topics, rest, hint } = agendaParts(a);
  const add = `\`/cascade agenda add${a.forMember ? '' : ` <@${a.memberId}>`} "topic"\``;
  const topicHead = a.topics.length ? '*Topics*' : `*Topics*\n_None yet: ${add}._`;
  const text = [head, a.topics.length ? `*Topics*\n${topicsText(a)}` : topicHead, ...rest].join('\n\n');
  const blocks: Block[] = [
    section(head),
    section(topicHead),
    ...topics,
    ...rest.map((part) => section(truncate(part, LIMITS.sectionText))),
    context(`${hint} Add a topic with ${add}.`),
  ];
  return { text: truncate(text, 3000), blocks: blocks.slice(0, LIMITS.blocksPerMessage) };
}

/** The 1:1 agenda in a window (the Agenda buttons): the same, and a field to add a topic there. */
export function agendaModal(a: Agenda): types.ModalView {
  const { head, topics, rest, hint } = agendaParts(a);
  const blocks: Block[] = [
    section(head),
    section(a.topics.length ? '*Topics*' : '*Topics*\n_None yet._'),
    ...topics,
    {
      type: 'input',
      block_id: IDS.conversation.topicBlock,
      label: { type: 'plain_text', text: 'Add a topic' },
      element: {
        type: 'plain_text_input',
        action_id: IDS.conversation.textInput,
        max_length: 500,
        placeholder: { type: 'plain_text', text: 'Something to talk about at the 1:1' },
      },
    },
    ...rest.map((part) => section(truncate(part, LIMITS.sectionText))),
    context(hint),
  ];
  return {
    type: 'modal',
    callback_id: IDS.conversation.agendaView,
    private_metadata: JSON.stringify({ personId: a.forMember ? null : a.memberId }),
    title: { type: 'plain_text', text: '1:1 agenda' },
    submit: { type: 'plain_text', text: 'Add topic' },
    close: { type: 'plain_text', text: 'Close' },
    blocks: blocks.slice(0, LIMITS.blocksPerView) as types.ModalView['blocks'],
  };
}

/** What `held` kept, quoted as stored: the shared note the member sees, and the private one; a note added to one kept says so. */
export function heldReply(held: Held): Reply {
  const a = held.agenda;
  const name = typed(firstName(a.memberName));
  const lines = [`Marked held: your 1:1 with <@${a.memberId}> (${typed(a.cadenceName)}, ${dayLabel(a.occurrence, 'short')}).`];
  const added = (yes: boolean) => (yes ? ' — _added to the note already there_' : '');
  lines.push(
    a.sharedNote
      ? `*Shared note* (${name} gets it in the thread of that check-in)${added(held.appended.shared)}: “${typed(truncate(a.sharedNote, 1200))}”`
      : `_No shared note: ${name} sees only that it was held._`,
  );
  if (a.privateNote)
    lines.push(
      `*Private note* (you and the chain above you, never ${name})${added(held.appended.private)}: “${typed(truncate(a.privateNote, 1200))}”`,
    );
  if (held.appended.shared || held.appended.private)
    lines.push(`_To rewrite a note instead, \`/cascade held <@${a.memberId}>\` opens both to edit._`);
  return { text: lines.join('\n') };
}

/** `held` with no note typed: the two notes in two fields, so that one can never be taken for the other. */
export function heldModal(d: HeldDraft): types.ModalView {
  const field = (blockId: string, label: string, hint: string, initial: string | null): types.InputBlock => ({
    type: 'input',
    block_id: blockId,
    optional: true,
    label: { type: 'plain_text', text: label },
    hint: { type: 'plain_text', text: hint },
    element: {
      type: 'plain_text_input',
      action_id: IDS.conversation.textInput,
      multiline: true,
      max_length: 3000,
      ...(initial ? { initial_value: initial } : {}),
    },
  });
  return {
    type: 'modal',
    callback_id: IDS.conversation.heldView,
    private_metadata: JSON.stringify({ personId: d.memberId }),
    title: { type: 'plain_text', text: '1:1 held' },
    submit: { type: 'plain_text', text: 'Mark held' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      section(`Your 1:1 with *${typed(d.memberName)}* — ${typed(d.cadenceName)}, ${dayLabel(d.occurrence, 'short')}.`),
      field(
        IDS.conversation.sharedBlock,
        `Shared note (${truncate(firstName(d.memberName), 30)} sees it)`,
        `What you agreed, in words ${truncate(firstName(d.memberName), 30)} will read.`,
        d.sharedNote,
      ),
      field(
        IDS.conversation.privateBlock,
        'Private note (never shown to them)',
        'For you and the chain above you: never shown to the member, nor to a leader who takes over later.',
        d.privateNote,
      ),
    ],
  };
}

/** After the held window: the notes as kept. */
export function heldResultModal(reply: Reply): types.ModalView {
  return {
    type: 'modal',
    title: { type: 'plain_text', text: '1:1 held' },
    close: { type: 'plain_text', text: 'Close' },
    blocks: [section(truncate(reply.text, LIMITS.sectionText))],
  };
}

export function repliedReply(memberId: string, occurrence: string): Reply {
  return { text: `Sent to <@${memberId}>, in the thread of their check-in of ${dayLabel(occurrence, 'short')}. They can answer once.` };
}
