import type { Role } from '../../db/types';
import { MAX_TITLE, normalizeTitle } from '../../org/roles';
import { removePerson, setPerson, showPerson } from '../../org/service';
import { chartCsv } from '../../org/import';
import { orgRemoveReply, orgSetReply, orgViewReply } from '../blocks/commands';
import { orgImportModal } from '../blocks/org-import';
import { slackDirectory } from '../directory';
import { describe, notAMention, refuse, subcommand, unexpected, word, type Token } from './kit';
import { describeForgotten, forgetFor } from '../../org/forget';
import { typed } from '../blocks/text';

const orgShow = subcommand<{ userId?: string }>({
  path: ['org', 'show'],
  usage: '/cascade org show [@person]',
  about: "someone's chain up and direct reports (yours by default)",
  allowed: 'everyone',
  parse: (rest) => {
    if (rest.length === 0) return {};
    const [who, ...extra] = rest;
    if (who?.kind !== 'user') return refuse(notAMention(who, 'the person'));
    if (extra.length > 0) return unexpected(extra);
    return { userId: who.id };
  },
  run: async ({ deps, caller }, a) => orgViewReply(await showPerson(deps.db, caller.teamId, a.userId ?? caller.userId)),
});

interface OrgSetArgs {
  userId: string;
  role: Role;
  reportsTo?: string | null;
  admin?: boolean;
  inChain?: boolean;
}

/** Words after the title; a title of several words is quoted ("RVP West"). */
const ORG_SET_WORDS = new Set([
  'reports-to',
  'reports_to',
  'reports',
  'admin',
  'not-admin',
  'no-admin',
  'notadmin',
  'top',
  'outside',
  'in-chain',
]);

function parseOrgSet(tokens: Token[]): OrgSetArgs | ReturnType<typeof refuse> {
  const [who, roleToken, ...rest] = tokens;
  if (who?.kind !== 'user') return refuse(notAMention(who, 'the person'));
  const title = roleToken?.kind === 'word' && !ORG_SET_WORDS.has(roleToken.text.toLowerCase()) ? normalizeTitle(roleToken.text) : '';
  if (!title) {
    return refuse(
      roleToken
        ? `"${describe(roleToken)}" is not a title: give their title first, like rep, manager, CRO or "RVP West" (quoted when it has spaces).`
        : 'Give their title: like rep, manager, CRO or "RVP West" (quoted when it has spaces).',
    );
  }
  if (title.length > MAX_TITLE) return refuse(`A title has at most ${MAX_TITLE} characters.`);
  let reportsTo: string | null | undefined;
  let admin: boolean | undefined;
  let inChain: boolean | undefined;
  for (let i = 0; i < rest.length; i++) {
    const t = rest[i]!;
    const w = word(t);
    if (w === 'reports-to' || w === 'reports_to' || (w === 'reports' && word(rest[i + 1]) === 'to')) {
      if (w === 'reports') i += 1;
      const leader = rest[i + 1];
      if (leader?.kind !== 'user') return refuse(notAMention(leader, 'the leader after reports-to'));
      if (reportsTo !== undefined) return refuse('reports-to is given twice.');
      reportsTo = leader.id;
      i += 1;
    } else if (w === 'top') {
      if (reportsTo !== undefined) return refuse('top means reporting to no one: leave out reports-to.');
      reportsTo = null;
    } else if (w === 'outside') {
      inChain = false;
    } else if (w === 'in-chain') {
      inChain = true;
    } else if (w === 'admin') {
      admin = true;
    } else if (w === 'not-admin' || w === 'no-admin' || w === 'notadmin') {
      admin = false;
    } else {
      return refuse(`Unexpected "${describe(t)}".`);
    }
  }
  if (inChain === false && reportsTo) return refuse('Someone outside the chain reports to no one: leave out reports-to.');
  if (title === 'ceo' && reportsTo) return refuse('The CEO reports to no one: leave out reports-to.');
  if (reportsTo === who.id) return refuse('Nobody can report to themselves.');
  return {
    userId: who.id,
    role: title,
    ...(reportsTo ? { reportsTo } : {}),
    ...(reportsTo === null && title !== 'ceo' ? { reportsTo: null } : {}),
    ...(admin !== undefined ? { admin } : {}),
    ...(inChain !== undefined ? { inChain } : {}),
  };
}

const orgSet = subcommand<OrgSetArgs>({
  path: ['org', 'set'],
  usage: '/cascade org set @person <title> [reports-to @leader|top|outside] [admin|not-admin]',
  about: 'add a person or change their title, leader, place in the chain or admin flag (admins)',
  allowed: { admins: 'change the org chart' },
  parse: parseOrgSet,
  run: async (ctx, a) => {
    const { person, created } = await setPerson(ctx.scope, slackDirectory(ctx.caller.client), a);
    return orgSetReply(person, created);
  },
});

const orgRemove = subcommand<{ userId: string }>({
  path: ['org', 'remove'],
  usage: '/cascade org remove @person',
  about: 'take a person out of the org chart; their history is kept (admins)',
  allowed: { admins: 'change the org chart' },
  parse: (rest) => {
    const [who, ...extra] = rest;
    if (who?.kind !== 'user') return refuse(notAMention(who, 'the person to remove'));
    if (extra.length > 0) return unexpected(extra);
    return { userId: who.id };
  },
  run: async (ctx, a) => orgRemoveReply(await removePerson(ctx.scope, { userId: a.userId })),
});

export const orgImport = subcommand({
  path: ['org', 'import'],
  usage: '/cascade org import',
  about: 'paste a CSV of the whole org chart (admins)',
  allowed: { admins: 'import the org chart' },
  parse: (rest) => (rest.length > 0 ? refuse('`/cascade org import` takes no arguments: it opens a window to paste the CSV in.') : {}),
  run: async ({ caller, scope }) => {
    await caller.client.views.open({ trigger_id: caller.triggerId, view: orgImportModal({ csv: await chartCsv(scope.db, scope.teamId) }) });
    return null;
  },
});

const forget = subcommand<{ userId: string }>({
  path: ['forget'],
  usage: '/cascade forget @person',
  about: 'remove what a person wrote — answers, commitments’ words, replies, notes, topics — and keep the counts (admins)',
  allowed: { admins: 'remove what a person wrote' },
  refreshesHome: (a) => [a.userId],
  parse: (rest) => {
    const [who, ...extra] = rest;
    if (who?.kind !== 'user') return refuse(notAMention(who, 'whose words to remove'));
    if (extra.length) return unexpected(extra);
    return { userId: who.id };
  },
  run: async ({ scope }, a) => ({ text: typed(describeForgotten(await forgetFor(scope, a.userId))) }),
});

export const ORG = [orgShow, orgSet, orgRemove, orgImport, forget];
