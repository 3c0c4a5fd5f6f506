import { addAgendaTopic, agendaFor, heldDraft, markHeld } from '../../checkins/one-on-one';
import { replyToLatest } from '../../checkins/replies';
import { setNotifyEachAnswer } from '../../checkins/live';
import { agendaReply, heldModal, heldReply, repliedReply } from '../blocks/conversation';
import { describe, notAMention, refuse, subcommand, word, type Token } from './kit';

/** The rest of a command as one text: a quoted phrase, or the words as typed. */
const textOf = (tokens: Token[]) =>
  tokens
    .map((t) => (t.kind === 'word' ? t.text : describe(t)))
    .join(' ')
    .trim();

export const reply = subcommand<{ userId: string; text: string }>({
  path: ['reply'],
  usage: '/cascade reply @person "<text>"',
  about: 'answer someone below you: it goes in the thread of their latest answered check-in, and they can answer once',
  allowed: 'leaders',
  parse: (rest) => {
    const [who, ...words] = rest;
    if (who?.kind !== 'user') return refuse(notAMention(who, 'the person to reply to'));
    const text = textOf(words);
    if (!text) return refuse('Write the reply after the person, in quotes: `/cascade reply @raj "Great call with Acme"`.');
    return { userId: who.id, text };
  },
  run: async ({ scope }, a) => {
    const sent = await replyToLatest(scope, { personId: a.userId, text: a.text });
    return repliedReply(a.userId, sent.occurrence);
  },
});

export const notify = subcommand<{ on: boolean }>({
  path: ['notify'],
  usage: '/cascade notify each-answer on|off',
  about: 'a message for each answer to your rounds, besides the live message (leaders)',
  allowed: 'leaders',
  parse: (rest) => {
    const [what, value, ...extra] = rest;
    if (word(what) !== 'each-answer' || !['on', 'off'].includes(word(value) ?? '') || extra.length > 0)
      return refuse('Say `/cascade notify each-answer on` or `off`.');
    return { on: word(value) === 'on' };
  },
  run: async ({ scope }, a) => {
    await setNotifyEachAnswer(scope, a.on);
    return {
      text: a.on
        ? 'From now on each answer to your rounds also comes as a message of its own, in the thread of the round’s live message.'
        : 'Answers now come only in each round’s live message, edited as they arrive.',
    };
  },
});

const agendaShow = subcommand<{ userId?: string }>({
  path: ['agenda', 'show'],
  default: true,
  usage: '/cascade agenda show [@person]',
  about: 'the agenda of your 1:1 (or of someone below you): answers, commitments, goals, topics',
  more: [{ usage: '/cascade agenda [@person]', about: 'the same, for short' }],
  allowed: 'everyone',
  parse: (rest) => {
    if (rest.length === 0) return {};
    const [who, ...extra] = rest;
    if (who?.kind !== 'user') return refuse(notAMention(who, 'the person'));
    if (extra.length > 0) return refuse(`Unexpected "${extra.map(describe).join(' ')}".`);
    return { userId: who.id };
  },
  run: async ({ scope }, a) => agendaReply(await agendaFor(scope, a.userId)),
});

const agendaAdd = subcommand<{ userId?: string; text: string }>({
  path: ['agenda', 'add'],
  usage: '/cascade agenda add [@person] "<topic>"',
  about: 'add a topic to your 1:1 (yours, or with someone you lead)',
  allowed: 'everyone',
  parse: (rest) => {
    // "@Raj" typed without picking Raj from Slack's list is a person Cascade cannot read, not the topic's first word.
    if (rest[0]?.kind === 'word' && rest[0].text.startsWith('@')) return refuse(notAMention(rest[0], 'the person'));
    const person = rest[0]?.kind === 'user' ? rest[0].id : undefined;
    const text = textOf(person ? rest.slice(1) : rest);
    if (!text) return refuse('Write the topic in quotes: `/cascade agenda add "Territory split for Q1"`.');
    return { ...(person ? { userId: person } : {}), text };
  },
  run: async ({ scope }, a) => agendaReply(await addAgendaTopic(scope, { ...(a.userId ? { personId: a.userId } : {}), text: a.text })),
});

/** `private`, `Private`, `private:` — the word that starts the private note of `held`. */
const PRIVATE_MARK = /^private:?$/i;
const HELD_EXAMPLE = '`/cascade held @rae "Good call on Acme" private "Ask about the Q1 territory"`';

/**
 * The notes of `held`, read so that a private note can never be taken for the shared one: each note is one
 * quoted phrase, the private one after `private` (or `private:`); unquoted words are a shared note only when no
 * `private` is anywhere near. Anything it cannot tell apart is refused, and nothing is kept.
 */
export function readHeldNotes(tokens: Token[]): { sharedNote?: string; privateNote?: string } | { refused: string } {
  const unquoted = (t: Token) => t.kind === 'word' && !t.quoted;
  const marks = tokens.flatMap((t, i) => (unquoted(t) && PRIVATE_MARK.test((t as { text: string }).text) ? [i] : []));
  if (tokens.some((t) => unquoted(t) && /^private:./i.test((t as { text: string }).text)))
    return refuse(`Put the private note in quotes after \`private\`, like ${HELD_EXAMPLE}.`);
  if (marks.length > 1) return refuse(`Give one private note, after one \`private\`, like ${HELD_EXAMPLE}.`);
  const quotedOnly = (ts: Token[]) => ts.length === 1 && ts[0]!.kind === 'word' && ts[0]!.quoted === true;
  if (marks.length === 1) {
    const before = tokens.slice(0, marks[0]);
    const after = tokens.slice(marks[0]! + 1);
    if (before.length > 0 && !quotedOnly(before))
      return refuse(
        `Put the shared note in quotes before \`private\`, like ${HELD_EXAMPLE}: Cascade will not guess where one note ends and the other begins.`,
      );
    if (!quotedOnly(after)) return refuse(`Put the private note in quotes after \`private\`, like ${HELD_EXAMPLE}.`);
    const shared = before.length ? textOf(before) : '';
    const secret = textOf(after);
    if (!secret) return refuse('The private note is empty: write it in the quotes after `private`.');
    return { ...(shared ? { sharedNote: shared } : {}), privateNote: secret };
  }
  if (tokens.length > 1 && tokens.some((t) => t.kind === 'word' && t.quoted))
    return refuse(`Put the shared note in one pair of quotes, like ${HELD_EXAMPLE}.`);
  const shared = textOf(tokens);
  return shared ? { sharedNote: shared } : {};
}

export const held = subcommand<{ userId: string; window?: boolean; sharedNote?: string; privateNote?: string }>({
  path: ['held'],
  usage: '/cascade held @person ["<shared note>"] [private "<note>"]',
  about:
    'mark your 1:1 with someone held, with a note they see and a private one for you and the chain above you (leaders); with no note, a window with both',
  allowed: 'leaders',
  parse: (rest) => {
    const [who, ...more] = rest;
    if (who?.kind !== 'user') return refuse(notAMention(who, 'the person you held the 1:1 with'));
    if (more.length === 0) return { userId: who.id, window: true };
    const notes = readHeldNotes(more);
    if ('refused' in notes) return notes;
    return { userId: who.id, ...notes };
  },
  run: async ({ scope, caller }, a) => {
    if (a.window) {
      await caller.client.views.open({ trigger_id: caller.triggerId, view: heldModal(await heldDraft(scope, a.userId)) });
      return null;
    }
    return heldReply(
      await markHeld(scope, {
        personId: a.userId,
        ...(a.sharedNote ? { sharedNote: a.sharedNote } : {}),
        ...(a.privateNote ? { privateNote: a.privateNote } : {}),
      }),
    );
  },
});

export const CONVERSATION = [reply, notify, agendaShow, agendaAdd, held];

export const CONVERSATION_GROUPS = {
  agenda: { missing: '', unknown: (w: string) => `Unknown agenda command "${w}".` },
};
