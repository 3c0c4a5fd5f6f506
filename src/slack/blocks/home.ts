import type { types } from '@slack/bolt';
import type { HomeSummary } from '../../org/service';
import { ROLE_LABEL } from '../../org/roles';
import { context, header, section } from './text';

export function homeView(summary: HomeSummary): types.HomeView {
  const blocks: types.KnownBlock[] = [header(summary.coreValue), context('Cascade: the right conversations, at every level, every period.')];
  const view = summary.view;
  if (!view) {
    blocks.push(section("*You are not in the org chart yet.*\nAn admin adds people with `/cascade org set` or `/cascade org import`."));
  } else {
    const leader = view.chain.length ? `<@${view.chain[view.chain.length - 1]!.slack_user_id}>` : 'no one (top of the chain)';
    blocks.push(
      section(`*Your place*\n${ROLE_LABEL[view.person.role]}, reporting to ${leader}.`),
      section(
        view.reports.length
          ? `*Your direct reports (${view.reports.length})*\n${view.reports.slice(0, 40).map((p) => `<@${p.slack_user_id}> — ${ROLE_LABEL[p.role]}`).join('\n')}`
          : '*Your direct reports*\n_None._',
      ),
    );
  }
  if (summary.isAdmin) {
    blocks.push(
      { type: 'divider' },
      section(`*Admin*\n${summary.peopleCount} people in the org chart. Load it with \`/cascade org import\`, adjust with \`/cascade org set\`.`),
    );
  }
  blocks.push(context('Type `/cascade help` for every command.'));
  return { type: 'home', blocks };
}
