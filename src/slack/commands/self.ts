import { personTrends, teamTrends } from '../../checkins/trends';
import { commitmentsStillOpen, commitmentsToReview } from '../../accountability/commitments';
import { whereYouStand } from '../../accountability/standing';
import { answersOf, questionsToAsk } from '../../checkins/answers';
import { myStatus, setPause } from '../../checkins/status';
import { personCheckins, teamOverview } from '../../checkins/team';
import { dayOf } from '../../input';
import { PAUSED_FOR_GOOD } from '../../org/people';
import { answerModal } from '../blocks/answer-modal';
import { nothingToAnswerReply, pauseReply, personCheckinsReply, statusReply, teamReply } from '../blocks/self-service';
import { describe, none, notAMention, optionalPerson, refuse, subcommand, word, type Token } from './kit';

export const status = subcommand({
  path: ['status'],
  usage: '/cascade status',
  about: 'your next check-ins and anything unanswered',
  allowed: 'everyone',
  parse: none('status'),
  run: async ({ deps, scope }) => {
    const now = deps.clock.now();
    const mine = await myStatus(scope);
    return statusReply(mine, now, await whereYouStand(scope, { team: false }));
  },
});

export const checkin = subcommand({
  path: ['checkin'],
  usage: '/cascade checkin',
  about: 'answer your open check-in now',
  allowed: 'everyone',
  parse: none('checkin'),
  run: async ({ deps, caller, scope }) => {
    const { db } = deps;
    const now = deps.clock.now();
    const mine = await myStatus(scope);
    const ctx =
      mine.open.find((c) => c.status === 'sent' || (c.status === 'scheduled' && c.dueAt <= now)) ??
      mine.open.find((c) => c.status === 'answered');
    if (!ctx) return nothingToAnswerReply(mine);
    const questions = await questionsToAsk(db, ctx);
    const reviews = await commitmentsToReview(db, ctx);
    const open = await commitmentsStillOpen(
      db,
      ctx,
      reviews.map((m) => m.id),
    );
    await caller.client.views.open({
      trigger_id: caller.triggerId,
      view: answerModal(ctx, questions, await answersOf(db, ctx.id), reviews, open),
    });
    return null;
  },
});

export const team = subcommand<{ userId?: string }>({
  path: ['team'],
  usage: '/cascade team [@person]',
  about: "your direct reports' last eight weeks, or one person's last twelve weeks and recent check-ins (yours, or someone below you)",
  allowed: 'everyone',
  parse: optionalPerson,
  run: async ({ scope }, a) => {
    if (a.userId) return personCheckinsReply(await personCheckins(scope, a.userId), await personTrends(scope, a.userId));
    return teamReply(await teamOverview(scope), await teamTrends(scope));
  },
});

interface PauseArgs {
  userId?: string;
  until: string | null;
}

function parsePause(tokens: Token[]): PauseArgs | ReturnType<typeof refuse> {
  let rest = tokens;
  let userId: string | undefined;
  if (rest[0]?.kind === 'user') {
    userId = rest[0].id;
    rest = rest.slice(1);
  } else if (rest[0]?.kind === 'word' && rest[0].text.startsWith('@')) {
    return refuse(notAMention(rest[0], 'the person'));
  }
  const w = word(rest[0]);
  if (w === 'off' || w === 'resume' || w === 'end') {
    if (rest.length > 1) return refuse(`Unexpected "${rest.slice(1).map(describe).join(' ')}".`);
    return { ...(userId ? { userId } : {}), until: null };
  }
  if (w !== 'until')
    return refuse(
      'Say until which day, like `/cascade pause until next monday` or a date as YYYY-MM-DD, or `until never` to take someone out of the cascade.',
    );
  if (word(rest[1]) === 'never') {
    if (rest.length > 2) return refuse(`Unexpected "${rest.slice(2).map(describe).join(' ')}".`);
    return { ...(userId ? { userId } : {}), until: PAUSED_FOR_GOOD };
  }
  // The day as people write it: "friday", "next monday", "end of month", or YYYY-MM-DD (read against the
  // paused person's today when it runs).
  const words = rest.slice(1);
  const date = words.every((t) => t.kind === 'word' && !t.quoted) ? words.map((t) => (t as { text: string }).text).join(' ') : '';
  if (!date) return refuse('A day is missing: write a weekday (friday), "next week", "end of month", or a date as YYYY-MM-DD.');
  const read = dayOf(date, '2026-01-05');
  if (!read.ok) return refuse(read.problem);
  return { ...(userId ? { userId } : {}), until: date };
}

export const pause = subcommand<PauseArgs>({
  path: ['pause'],
  usage: '/cascade pause [@person] until <day>',
  about: 'no check-ins until that day (yourself; leaders for their chain, admins for anyone)',
  more: [
    { usage: '/cascade pause @person until never', about: 'take someone out of the cascade for good (their leader, admins)' },
    { usage: '/cascade pause [@person] off', about: 'end a pause' },
  ],
  allowed: 'everyone',
  refreshesHome: true,
  parse: parsePause,
  run: async ({ caller, scope }, a) => {
    const userId = a.userId ?? caller.userId;
    const person = await setPause(scope, { userId, until: a.until });
    return pauseReply(person, userId === caller.userId);
  },
});

export const SELF = [status, checkin, team, pause];
