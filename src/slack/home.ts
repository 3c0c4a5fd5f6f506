import type { webApi } from '@slack/bolt';
import { flagsBelow } from '../accountability/flags';
import { pastAttainments } from '../accountability/goals';
import { whereYouStand } from '../accountability/standing';
import { latestAnswered, whatCameBack } from '../checkins/replies';
import { oneOnOneId } from '../checkins/one-on-one';
import { myStatus } from '../checkins/status';
import { fromTheTop } from '../digests/exec';
import { execPeople } from '../org/chain';
import { addDays, localDate } from '../time/calendar';
import { personCheckins } from '../checkins/team';
import { personTrends, teamTrends } from '../checkins/trends';
import type { Scope } from '../org/policy';
import { scopeFor } from './deps';
import { homeView, type HomeExtras } from './blocks/home';
import type { SlackDeps } from './deps';

async function extrasFor(scope: Scope, stand: Awaited<ReturnType<typeof whereYouStand>>): Promise<HomeExtras | undefined> {
  const me = stand.view?.person;
  if (!me?.in_chain) return undefined;
  const status = await myStatus(scope);
  const open = status.open.find((c) => c.status === 'sent' && c.part === 'member') ?? status.open.find((c) => c.status === 'sent') ?? null;
  const recent = await personCheckins(scope, me.slack_user_id, 8);
  const history = new Map<number, { attainment: number; end: string }[]>();
  for (const g of stand.goals) history.set(g.goal.id, await pastAttainments(scope.db, g.goal, me, scope.now, 3));
  return {
    openCheckinId: open?.id ?? null,
    agendaCheckinId: await oneOnOneId(scope, me.slack_user_id),
    cameBack: await whatCameBack(scope),
    recent: recent.checkins.map((c) => {
      const rating = c.answers.find((a) => /confident/i.test(a.question) && /^[1-5]$/.test(a.value));
      return { occurrence: c.occurrence, status: c.status, confidence: rating ? Number(rating.value) : null };
    }),
    goalHistory: history,
    trends: await personTrends(scope, me.slack_user_id),
    teamTrends: stand.reports.length ? await teamTrends(scope) : [],
    latest: await latestAnswered(
      scope,
      stand.reports.map((r) => r.personId),
    ),
    flags: stand.reports.length ? await flagsBelow(scope) : [],
    top: (await execPeople(scope.db, scope.teamId)).some((p) => p.id === me.slack_user_id && !p.top)
      ? await fromTheTop(scope.db, scope.teamId, addDays(localDate(scope.now, me.tz), -60), scope.now)
      : null,
  };
}

/**
 * Publishes App Home for each person, after anything that changes what it shows. A failure is logged
 * and never fails the action that caused it.
 */
export async function publishHome(deps: SlackDeps, client: webApi.WebClient, teamId: string, userIds: readonly string[]): Promise<void> {
  for (const userId of new Set(userIds)) {
    try {
      const scope = await scopeFor(deps, teamId, userId);
      const stand = await whereYouStand(scope);
      const view = homeView(stand, await extrasFor(scope, stand));
      await client.views.publish({ user_id: userId, view });
    } catch (err) {
      deps.log.warn({ err, user: userId }, 'could not publish App Home');
    }
  }
}
