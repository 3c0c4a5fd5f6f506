import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { commitmentsStillOpen, commitmentsToReview, listCommitments, makeCommitment, markDone } from '../../../accountability/commitments';
import { goalsOf, reportProgress, setGoal } from '../../../accountability/goals';
import { closeFlag, flagsBelow, listFlagRules, setFlagRule } from '../../../accountability/flags';
import {
  commitmentDoneReply,
  commitmentMadeReply,
  commitmentsReply,
  coreValueReply,
  flagClosedReply,
  flagRulesReply,
  flagsReply,
  goalSetReply,
  goalsReply,
  progressReply,
} from '../../blocks/accountability';
import { answersOf, questionsToAsk } from '../../../checkins/answers';
import { ensureWorkspaceDefaults, updateCadence } from '../../../checkins/cadences';
import { listCadences } from '../../../calendar/upcoming';
import { addQuestion, editQuestion, listQuestions, retireQuestion } from '../../../checkins/questions';
import { myStatus, setPause } from '../../../checkins/status';
import { personCheckins, teamOverview } from '../../../checkins/team';
import { audienceOf, requireAdmin } from '../../../org/access';
import { setCoreValue } from '../../../org/people';
import { publishHome } from '../../home';
import { buildDigest } from '../../../digests/figures';
import { claimDigestNow, releaseDigestClaim, digestChannel, previewTarget, setDigestChannel, setDigestSchedule } from '../../../digests/settings';
import { requeue } from '../../../outbox/store';
import { deliveryHandlers } from '../../deliveries';
import type { Deliveries } from '../../../outbox/vocabulary';
import { slackMessenger } from '../../messenger';
import { dayLabel } from '../../blocks/text';
import { exportFor } from '../../../digests/export';
import { digestMessage } from '../../blocks/digest';
import { whereYouStand } from '../../../accountability/standing';
import { answerModal } from '../../blocks/answer-modal';
import {
  cadenceListReply,
  cadenceSetReply,
  nothingToAnswerReply,
  pauseReply,
  personCheckinsReply,
  teamReply,
  questionChangedReply,
  questionsListReply,
  statusReply,
} from '../../blocks/self-service';
import { removePerson, setPerson, showPerson } from '../../../org/service';
import { helpReply, orgRemoveReply, orgSetReply, orgViewReply, usageReply } from '../../blocks/commands';
import { orgImportModal } from '../../blocks/org-import';
import type { Reply } from '../../blocks/text';
import { parseCommand, type ParsedCommand } from '../../command';
import type { SlackDeps } from '../../deps';
import { slackDirectory } from '../../directory';
import { failureReply } from '../reply';
import { channelProblem, ensureInChannel, slackErrorCode } from '../../channels';
import { WEEKDAYS, addDays } from '../../../time/calendar';

type Args = AllMiddlewareArgs & SlackCommandMiddlewareArgs;

export const cascadeCommand = (deps: SlackDeps) => async ({ ack, command, respond, client }: Args) => {
  await ack();
  const parsed = parseCommand(command.text ?? '');
  let reply: Reply | null;
  try {
    reply = await runCommand(deps, parsed, { teamId: command.team_id, userId: command.user_id, triggerId: command.trigger_id, client });
  } catch (err) {
    reply = failureReply(err, deps.log, { command: parsed.kind, user: command.user_id });
  }
  if (reply) await respond({ response_type: 'ephemeral', ...reply });
  // What App Home shows changed for the caller (and, for a goal, its owner): publish it again.
  if (HOME_CHANGES.has(parsed.kind)) {
    const owner = parsed.kind === 'goal.set' ? [parsed.userId] : [];
    await publishHome(deps, client, command.team_id, [command.user_id, ...owner]);
  }
};

const HOME_CHANGES = new Set<ParsedCommand['kind']>(['commit', 'done', 'progress', 'goal.set', 'flag.close', 'core-value', 'pause']);

interface Caller {
  readonly teamId: string;
  readonly userId: string;
  readonly triggerId: string;
  readonly client: Args['client'];
}

/** One domain call per command; null when the answer is a modal rather than a message. */
async function runCommand(deps: SlackDeps, parsed: ParsedCommand, caller: Caller): Promise<Reply | null> {
  const { db, clock, admins } = deps;
  const orgDeps = { db, clock, admins, directory: slackDirectory(caller.client) };
  switch (parsed.kind) {
    case 'help':
      return helpReply(await audienceOf(db, caller.teamId, caller.userId, admins), parsed.admin === true);
    case 'usage':
      return usageReply(parsed.error, parsed.usage);
    case 'org.show':
      return orgViewReply(await showPerson(db, caller.teamId, parsed.userId ?? caller.userId));
    case 'org.set': {
      const { person, created } = await setPerson(orgDeps, {
        teamId: caller.teamId,
        actorId: caller.userId,
        userId: parsed.userId,
        role: parsed.role,
        reportsTo: parsed.reportsTo,
        admin: parsed.admin,
      });
      return orgSetReply(person, created);
    }
    case 'org.remove':
      return orgRemoveReply(await removePerson(orgDeps, { teamId: caller.teamId, actorId: caller.userId, userId: parsed.userId }));
    case 'org.import':
      await requireAdmin(db, caller.teamId, caller.userId, admins, 'import the org chart');
      await caller.client.views.open({ trigger_id: caller.triggerId, view: orgImportModal() });
      return null;
    case 'status': {
      const now = clock.now();
      const status = await myStatus(db, caller.teamId, caller.userId, now);
      return statusReply(status, now, await whereYouStand(db, caller.teamId, caller.userId, admins, now, { team: false }));
    }
    case 'checkin': {
      const now = clock.now();
      const status = await myStatus(db, caller.teamId, caller.userId, now);
      const ctx = status.open.find((c) => c.status === 'sent' || (c.status === 'scheduled' && c.dueAt <= now)) ?? status.open.find((c) => c.status === 'answered');
      if (!ctx) return nothingToAnswerReply(status);
      const questions = await questionsToAsk(db, ctx);
      const reviews = await commitmentsToReview(db, ctx);
      const open = await commitmentsStillOpen(db, ctx, reviews.map((m) => m.id));
      await caller.client.views.open({ trigger_id: caller.triggerId, view: answerModal(ctx, questions, await answersOf(db, ctx.id), reviews, open) });
      return null;
    }
    case 'commit':
      return commitmentMadeReply(await makeCommitment(db, { teamId: caller.teamId, ownerId: caller.userId, text: parsed.text, by: parsed.by, now: clock.now() }));
    case 'commitments':
      return commitmentsReply(await listCommitments(db, caller.teamId, caller.userId, parsed.userId ?? caller.userId), parsed.userId === undefined || parsed.userId === caller.userId);
    case 'done':
      return commitmentDoneReply(await markDone(db, caller.teamId, caller.userId, parsed.id, clock.now()));
    case 'goal.set': {
      const goal = await setGoal(db, {
        teamId: caller.teamId,
        actorId: caller.userId,
        draft: { ownerId: parsed.userId, scope: parsed.scope, name: parsed.name, target: parsed.target, unit: parsed.unit, period: parsed.period },
        admins,
        now: clock.now(),
      });
      return goalSetReply(goal);
    }
    case 'progress':
      return progressReply(await reportProgress(db, { teamId: caller.teamId, personId: caller.userId, name: parsed.name, value: parsed.value, now: clock.now() }));
    case 'goals':
      return goalsReply(await goalsOf(db, caller.teamId, caller.userId, parsed.userId ?? caller.userId, clock.now()));
    case 'digest.channel': {
      const set = await setDigestChannel(db, {
        teamId: caller.teamId,
        actorId: caller.userId,
        scope: parsed.scope,
        channelId: parsed.channelId,
        admins,
        now: clock.now(),
        leaderId: parsed.leaderId,
        checkChannel: (id) => ensureInChannel(caller.client, id),
      });
      return { text: `The ${set.scope} digest${set.ownerId ? ` of <@${set.ownerId}>'s team` : ''} goes to ${set.channelId === 'dm' ? 'the CEO and the President by DM' : `<#${set.channelId}>`}.` };
    }
    case 'digest.schedule': {
      const set = await setDigestSchedule(db, { teamId: caller.teamId, actorId: caller.userId, scope: parsed.scope, frequency: parsed.frequency, weekday: parsed.weekday, localTime: parsed.localTime, admins, now: clock.now() });
      const day = WEEKDAYS[set.weekday]!;
      return { text: `The ${set.scope} digest goes out ${set.frequency === 'weekly' ? `every ${day}` : `on the first ${day} of each month`} at ${set.localTime}, covering the last complete ${set.frequency === 'weekly' ? 'week' : 'month'}.` };
    }
    case 'digest.preview':
    case 'digest.now': {
      const now = clock.now();
      const target = await previewTarget(db, { teamId: caller.teamId, actorId: caller.userId, scope: parsed.scope, admins, now });
      if (parsed.kind === 'digest.preview') {
        return digestMessage(await buildDigest(db, { teamId: caller.teamId, scope: parsed.scope, ownerId: target.ownerId, current: target.current, previous: target.previous }));
      }
      if (parsed.scope !== 'team' || target.ownerId !== caller.userId) await requireAdmin(db, caller.teamId, caller.userId, admins, 'post this digest now');
      const channel = await digestChannel(db, caller.teamId, parsed.scope, target.ownerId);
      if (!channel || channel === 'dm') return { text: `The ${parsed.scope} digest has no channel yet: set one with \`/cascade digest channel ${parsed.scope} #channel\`.` };
      const range = `${dayLabel(target.current.start, 'short')} – ${dayLabel(target.current.end, 'short')}`;
      const claim = await claimDigestNow(db, { teamId: caller.teamId, scope: parsed.scope, ownerId: target.ownerId, period: target.current, channelId: channel, now });
      if (!claim.claimed) {
        const where = claim.channelId ? ` in <#${claim.channelId}>` : '';
        return { text: claim.status === 'sent' ? `The ${parsed.scope} digest for ${range} was already posted${where}: one digest per period.` : `The ${parsed.scope} digest for ${range} is already on its way${where}.` };
      }
      const delivery = await db.selectFrom('delivery').selectAll().where('id', '=', claim.id).executeTakeFirstOrThrow();
      try {
        await deliveryHandlers.digest({ db, log: deps.log, messenger: slackMessenger(caller.client) }, { ...delivery, was: 'queued' }, delivery.payload as Deliveries['digest'], clock.now());
      } catch (err) {
        // A channel Slack refuses gives the period back (the person fixes the channel and tries again);
        // anything else is not lost: the outbox posts it, and retries, like a scheduled digest.
        if (channelProblem(slackErrorCode(err))) await releaseDigestClaim(db, claim.id);
        else await requeue(db, claim.id, clock.now(), err instanceof Error ? err.message : String(err));
        throw err;
      }
      return { text: `Posted the ${parsed.scope} digest for ${range} in <#${channel}>. It is this period's digest: the schedule will not post it again.` };
    }
    case 'export': {
      const today = clock.now().toISOString().slice(0, 10);
      const from = parsed.from ?? addDays(today, -90);
      const to = parsed.to ?? today;
      const { kind, files } = await exportFor(db, { teamId: caller.teamId, actorId: caller.userId, admins, from, to });
      const what = kind === 'figures' ? 'the organisation’s figures, week by week (you are outside the chain, so no one’s answers or names)' : 'your own rows and those of the people below you, plus answers their authors shared';
      const dm = await caller.client.conversations.open({ users: caller.userId });
      await caller.client.filesUploadV2({
        channel_id: dm.channel!.id!,
        initial_comment: `Cascade export, ${from} to ${to}: ${what}. Text cells that could run as spreadsheet formulas start with an apostrophe.`,
        file_uploads: Object.entries(files).map(([filename, text]) => ({ file: Buffer.from(text, 'utf8'), filename })),
      });
      const n = Object.keys(files).length;
      return { text: `Sent ${n} CSV file${n === 1 ? '' : 's'} (${from} to ${to}) to your DM with Cascade: ${what}.` };
    }
    case 'core-value':
      await requireAdmin(db, caller.teamId, caller.userId, admins, 'change the core-value statement');
      return coreValueReply(await setCoreValue(db, caller.teamId, parsed.text, clock.now()));
    case 'flag.rules':
      return flagRulesReply(await listFlagRules(db, caller.teamId));
    case 'flag.rule':
      await requireAdmin(db, caller.teamId, caller.userId, admins, 'change flag rules');
      return flagRulesReply([await setFlagRule(db, caller.teamId, parsed.key, { active: parsed.active, threshold: parsed.threshold })]);
    case 'flags':
      return flagsReply(await flagsBelow(db, caller.teamId, caller.userId));
    case 'flag.close':
      return flagClosedReply(await closeFlag(db, { teamId: caller.teamId, actorId: caller.userId, id: parsed.id, orgFactors: parsed.answer, now: clock.now() }));
    case 'team':
      if (parsed.userId) return personCheckinsReply(await personCheckins(db, caller.teamId, caller.userId, parsed.userId));
      return teamReply(await teamOverview(db, caller.teamId, caller.userId, clock.now()));
    case 'pause': {
      const userId = parsed.userId ?? caller.userId;
      const person = await setPause(db, { teamId: caller.teamId, actorId: caller.userId, userId, until: parsed.until, now: clock.now(), admins });
      return pauseReply(person, userId === caller.userId);
    }
    case 'cadence.list':
      await ensureWorkspaceDefaults(db, caller.teamId);
      return cadenceListReply(await listCadences(db, caller.teamId));
    case 'cadence.set':
      await requireAdmin(db, caller.teamId, caller.userId, admins, 'change cadences');
      await ensureWorkspaceDefaults(db, caller.teamId);
      if (parsed.changes.channelId) await ensureInChannel(caller.client, parsed.changes.channelId);
      return cadenceSetReply(await updateCadence(db, caller.teamId, parsed.key, parsed.changes));
    case 'questions.list':
      await ensureWorkspaceDefaults(db, caller.teamId);
      return questionsListReply(await listQuestions(db, caller.teamId, parsed.level));
    case 'questions.add':
      await requireAdmin(db, caller.teamId, caller.userId, admins, 'add questions');
      return questionChangedReply('Added', await addQuestion(db, caller.teamId, parsed.draft));
    case 'questions.edit':
      await requireAdmin(db, caller.teamId, caller.userId, admins, 'reword questions');
      await ensureWorkspaceDefaults(db, caller.teamId);
      return questionChangedReply('Reworded', await editQuestion(db, caller.teamId, parsed.id, parsed.text));
    case 'questions.retire':
      await requireAdmin(db, caller.teamId, caller.userId, admins, 'retire questions');
      await ensureWorkspaceDefaults(db, caller.teamId);
      return questionChangedReply('Retired', await retireQuestion(db, caller.teamId, parsed.id));
  }
}
