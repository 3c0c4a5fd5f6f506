import { audienceOf, requireAdmin, type Scope } from '../../org/policy';
import { helpReply, usageReply } from '../blocks/commands';
import type { Reply } from '../blocks/text';
import { ACCOUNTABILITY, ACCOUNTABILITY_GROUPS } from './accountability';
import { DIGEST_GROUPS, DIGESTS } from './digests';
import { allowedOf, describe, isRefusal, subcommand, tokenize, word, type Allowed, type CommandContext, type Subcommand } from './kit';
import { ORG } from './org';
import { SELF } from './self';
import { SETTINGS, SETTINGS_GROUPS } from './settings';
import { CONVERSATION, CONVERSATION_GROUPS } from './conversation';
import { HOURS, HOURS_GROUPS } from './hours';
import { CRM, CRM_GROUPS } from './crm';

export { tokenize, type Allowed } from './kit';

export const help = subcommand<{ admin?: boolean }>({
  path: ['help'],
  usage: '/cascade help',
  about: 'what Cascade can do',
  allowed: 'everyone',
  parse: (rest) => (word(rest[0]) === 'admin' ? { admin: true } : {}),
  run: async ({ deps, scope, caller }, a) =>
    helpReply(COMMANDS, await audienceOf(deps.db, caller.teamId, caller.userId, scope.configAdmins), a.admin === true),
});

/** Every subcommand: each area's file lists its own, so adding one touches only that file (and its test). */
export const SUBCOMMANDS: readonly Subcommand<any>[] = [
  help,
  ...ORG,
  ...SELF,
  ...CONVERSATION,
  ...ACCOUNTABILITY,
  ...DIGESTS,
  ...SETTINGS,
  ...HOURS,
  ...CRM,
];

/** What a group of subcommands says when its second word is missing or is not one of its own. */
const GROUPS: Record<string, { missing: string; unknown: (w: string) => string }> = {
  org: { missing: 'Say what to do with the org chart.', unknown: (w) => `Unknown org command "${w}".` },
  ...ACCOUNTABILITY_GROUPS,
  ...DIGEST_GROUPS,
  ...SETTINGS_GROUPS,
  ...CONVERSATION_GROUPS,
  ...HOURS_GROUPS,
  ...CRM_GROUPS,
};

/** The help table: each subcommand's usage and what it does, with who may use it. */
export const COMMANDS: readonly { allowed: Allowed; name: string; usage: string; about: string }[] = SUBCOMMANDS.flatMap((s) => [
  { allowed: allowedOf(s), name: s.path[0]!, usage: s.usage, about: s.about },
  ...(s.more ?? []).map((m) => ({ allowed: allowedOf(s), name: s.path[0]!, usage: m.usage, about: m.about })),
]);

const usageOf = (name: string) => COMMANDS.filter((c) => c.name === name).map((c) => c.usage);

/** A parsed command: the subcommand's words joined (`goal.set`) and its arguments, or what was wrong. */
type ParsedCommand =
  | ({ readonly kind: string } & Record<string, any>)
  | { readonly kind: 'usage'; readonly error: string; readonly usage: readonly string[] };

const kindOf = (s: Subcommand<any>) => s.path.join('.');
const BY_KIND = new Map(SUBCOMMANDS.map((s) => [kindOf(s), s]));

/** Turns the text after `/cascade` into a subcommand and its arguments, or a usage message saying what was wrong. Pure. */
export function parseCommand(text: string): ParsedCommand {
  if (text.includes('\u0000'))
    return {
      kind: 'usage',
      error: 'The command contains a NUL character, which Cascade cannot keep: type it again without it.',
      usage: [],
    };
  const tokens = tokenize(text.trim());
  if (tokens.length === 0) return { kind: 'help' };
  const head = word(tokens[0]);
  const family = SUBCOMMANDS.filter((s) => s.path[0] === head || (head !== undefined && s.aliases?.includes(head)));
  if (family.length === 0)
    return { kind: 'usage', error: `Unknown command "${describe(tokens[0]!)}".`, usage: COMMANDS.map((c) => c.usage) };
  const name = family[0]!.path[0]!;
  let entry: Subcommand<any> | undefined;
  let rest = tokens.slice(1);
  if (family.length === 1 && family[0]!.path.length === 1) {
    entry = family[0];
  } else {
    const sub = word(tokens[1]);
    entry = family.find((s) => s.path[1] === sub);
    if (entry) rest = tokens.slice(2);
    // The default subcommand also takes a person straight after the group's word (`agenda @ann`).
    else if (tokens.length === 1 || tokens[1]?.kind === 'user') entry = family.find((s) => s.default);
    if (!entry) {
      const group = GROUPS[name];
      const error = tokens[1]
        ? (group?.unknown(describe(tokens[1])) ?? `Unknown ${name} command.`)
        : group?.missing || `Say what to do with ${name}.`;
      return { kind: 'usage', error, usage: usageOf(name) };
    }
  }
  const args = entry!.parse(rest);
  if (isRefusal(args)) return { kind: 'usage', error: args.refused, usage: usageOf(name) };
  return { kind: kindOf(entry!), ...args };
}

/**
 * `allowed: { admins }`, enforced before a subcommand runs: anyone else is refused, with who can help. A leaders'
 * command is not refused here: what it does for someone who leads nobody (a rep's `/cascade flags`: none below
 * them; an admin outside the chain: the organisation's counts) is the domain's answer, in its own words.
 */
async function mayUse(scope: Scope, entry: Subcommand<any>): Promise<void> {
  if (typeof entry.allowed === 'object') await requireAdmin(scope, entry.allowed.admins);
}

/** One subcommand, run; null when the answer is a window (a modal) rather than a message. */
export async function runCommand(ctx: CommandContext, parsed: ParsedCommand): Promise<Reply | null> {
  if (parsed.kind === 'usage') return usageReply(parsed.error as string, parsed.usage as string[]);
  const entry = BY_KIND.get(parsed.kind)!;
  await mayUse(ctx.scope, entry);
  const { kind: _kind, ...args } = parsed;
  return entry.run(ctx, args);
}

/** Who else's App Home the command changed, besides the caller's: none when it changes nothing there. */
export function homeChanges(parsed: ParsedCommand): readonly string[] | null {
  const entry = BY_KIND.get(parsed.kind);
  if (!entry?.refreshesHome) return null;
  const { kind: _kind, ...args } = parsed;
  return typeof entry.refreshesHome === 'function' ? entry.refreshesHome(args) : [];
}
