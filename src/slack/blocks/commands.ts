import type { OrgView } from '../../org/service';
import { titleOf } from '../../org/roles';
import { PAUSED_FOR_GOOD } from '../../org/people';
import type { Person } from '../../db/types';
import { context, header, section, sections, typed, type Reply } from './text';

/**
 * `/cascade help`: the commands this person may use (leaders also see theirs; admins are pointed to
 * `/cascade help admin`), split at whole lines into as many sections as it takes, never cut.
 */
export function helpReply(
  commands: readonly { allowed: 'everyone' | 'leaders' | 'admins'; usage: string; about: string }[],
  audience: { leader: boolean; admin: boolean },
  adminList = false,
): Reply {
  const shown = commands.filter((c) =>
    adminList ? c.allowed === 'admins' : c.allowed === 'everyone' || (c.allowed === 'leaders' && (audience.leader || audience.admin)),
  );
  const lines = shown.map((c) => `\`${c.usage}\` — ${c.about}`);
  const intro = adminList
    ? audience.admin
      ? '*Admin commands*: setting Cascade up for the whole organisation.'
      : '*Admin commands*: only Cascade admins can use these; ask one of them.'
    : 'Cascade schedules the conversations your sales organisation should have at every level, and shows whether they happen all the way down.';
  const tail =
    !adminList && audience.admin ? [context('You are a Cascade admin: `/cascade help admin` lists the commands that set Cascade up.')] : [];
  return {
    text: `Cascade commands:\n${shown.map((c) => c.usage).join('\n')}`,
    blocks: [header(adminList ? 'Cascade: admin commands' : 'Cascade'), section(intro), ...sections(lines.join('\n'), 40), ...tail],
  };
}

export function usageReply(error: string, usage: readonly string[]): Reply {
  const lines = usage.length ? `\nUsage:\n${usage.map((u) => `\`${u}\``).join('\n')}` : '';
  const text = `${error}${lines}\nType \`/cascade help\` for everything Cascade can do.`;
  return { text };
}

export function errorReply(message: string): Reply {
  return { text: message };
}

const personLine = (p: Person) => `<@${p.slack_user_id}> — ${typed(titleOf(p.role))}${p.is_admin ? ' · admin' : ''}`;

export function orgViewReply(view: OrgView): Reply {
  const { person, chain, reports } = view;
  const up =
    chain.length > 0
      ? chain.map(personLine).join('\n')
      : person.in_chain
        ? '_No one: the top of the chain._'
        : '_No one: outside the chain (no check-ins; the organisation’s figures only)._';
  const down = reports.length > 0 ? reports.map(personLine).join('\n') : '_No direct reports._';
  const paused =
    person.paused_until === PAUSED_FOR_GOOD
      ? ' · out of the cascade until further notice'
      : person.paused_until
        ? ` · paused until ${person.paused_until}`
        : '';
  const text = `${typed(person.name)}: ${typed(titleOf(person.role))}; ${person.in_chain ? `reports to ${chain.length ? typed(chain[chain.length - 1]!.name) : 'no one'}` : 'outside the chain'}; ${reports.length} direct report${reports.length === 1 ? '' : 's'}.`;
  return {
    text,
    blocks: [
      section(
        `*${typed(person.name)}* (<@${person.slack_user_id}>) — ${typed(titleOf(person.role))}${person.is_admin ? ' · admin' : ''} · ${person.tz}${paused}`,
      ),
      section(`*Chain up*\n${up}`),
      section(`*Direct reports (${reports.length})*\n${down}`),
      context('`/cascade org show @person` shows anyone’s place in the org chart.'),
    ],
  };
}

export function orgSetReply(person: Person, created: boolean): Reply {
  const leader = person.reports_to ? `, reporting to <@${person.reports_to}>` : '';
  const verb = created ? 'Added' : 'Updated';
  return { text: `${verb} <@${person.slack_user_id}>: ${typed(titleOf(person.role))}${leader}${person.is_admin ? ', admin' : ''}.` };
}

export function orgRemoveReply(person: Person): Reply {
  return { text: `Removed <@${person.slack_user_id}> from the org chart. Their history is kept.` };
}
