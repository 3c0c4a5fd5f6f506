import type { Relationship, Role } from '../db/types';

export type { Role };

/** The four words of the first charts: still valid titles, shown with their old labels. */
const ROLES = ['ceo', 'president', 'manager', 'rep'] as const;

/** The longest title a person can have. */
export const MAX_TITLE = 100;

const ROLE_LABEL: Record<(typeof ROLES)[number], string> = {
  ceo: 'CEO',
  president: 'President of Sales',
  manager: 'Sales manager',
  rep: 'Rep',
};

/** How a title is kept: one of the four old words in lower case, anything else as written (spaces tidied). */
export function normalizeTitle(raw: string): string {
  const clean = raw.trim().replace(/\s+/g, ' ');
  const lower = clean.toLowerCase();
  return (ROLES as readonly string[]).includes(lower) ? lower : clean;
}

/** A person's title as people read it. */
export function titleOf(role: Role): string {
  return (ROLE_LABEL as Record<string, string>)[role] ?? role;
}

/** The short names the four old words had in the cascade's labels ("CEO ↔ President", "Manager ↔ reps"). */
const OLD_SHORT: Record<string, { one: string; many: string }> = {
  ceo: { one: 'CEO', many: 'CEOs' },
  president: { one: 'President', many: 'presidents' },
  manager: { one: 'Manager', many: 'managers' },
  rep: { one: 'Rep', many: 'reps' },
};

/** The labels of the four-level chart, kept where a level is exactly that shape. */
const OLD_PAIRS: Record<string, string> = {
  'ceo>president': 'CEO ↔ President',
  'president>manager': 'President ↔ managers',
  'manager>rep': 'Manager ↔ reps',
};

/** The generic names of each kind of relationship, for a chart that has none of it yet. */
export const KIND_LABEL: Record<Relationship, string> = {
  ceo_president: 'CEO ↔ President',
  president_managers: 'President ↔ managers',
  manager_reps: 'Manager ↔ reps',
};

const isAcronym = (word: string) => word.length > 1 && word === word.toUpperCase();

function plural(title: string): string {
  const old = OLD_SHORT[title];
  if (old) return old.many;
  // The noun is the last word before a qualifier: "Account executive, EMEA" → "account executives, EMEA".
  const comma = title.indexOf(',');
  const head = comma < 0 ? title : title.slice(0, comma);
  const words = head.split(' ');
  const first = words[0]!;
  // "Director" → "directors", "SDR" → "SDRs", "Account executive" → "account executives".
  if (!isAcronym(first)) words[0] = first.charAt(0).toLowerCase() + first.slice(1);
  const last = words[words.length - 1]!;
  if (!/s$/i.test(last)) words[words.length - 1] = `${last}s`;
  return words.join(' ') + (comma < 0 ? '' : title.slice(comma));
}

function singular(title: string): string {
  return OLD_SHORT[title]?.one ?? title;
}

export interface TitleCount {
  readonly title: string;
  readonly count: number;
}

/**
 * One name for the titles of a group: the title when they share one, their common first words when they
 * have some ("RVP West", "RVP East" → "RVP"), else the two most common joined ("Director & SDR manager").
 */
function groupTitles(titles: readonly TitleCount[]): string[] {
  const merged = new Map<string, number>();
  for (const t of titles) merged.set(t.title, (merged.get(t.title) ?? 0) + t.count);
  const sorted = [...merged.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([t]) => t);
  if (sorted.length <= 1) return sorted;
  const split = sorted.map((t) => t.split(' '));
  const common: string[] = [];
  for (let i = 0; split.every((w) => w.length > i + 1 && w[i] === split[0]![i]); i++) common.push(split[0]![i]!);
  // A shared head names the group when what follows is a qualifier: "RVP West" and "RVP East", or
  // "Sales manager, EMEA" and "Sales manager, West" — not "Sales manager" and "Sales director".
  const head = common.join(' ');
  if (head && (head.endsWith(',') || isAcronym(common[common.length - 1]!))) return [head.replace(/,$/, '')];
  return sorted.slice(0, 2);
}

/**
 * The name of one level of the chain, from the titles of its leaders and of their reports: "CEO ↔ CRO",
 * "RVPs ↔ directors". A level shaped exactly like the four-level chart keeps its old label.
 */
export function relationshipLabel(leaders: readonly TitleCount[], members: readonly TitleCount[]): string {
  const leaderTitles = groupTitles(leaders);
  const memberTitles = groupTitles(members);
  if (leaderTitles.length === 1 && memberTitles.length === 1) {
    const old = OLD_PAIRS[`${leaderTitles[0]}>${memberTitles[0]}`];
    if (old) return old;
  }
  const leaderCount = leaders.reduce((n, t) => n + t.count, 0);
  const left = leaderTitles.map((t) => (leaderCount === 1 ? singular(t) : capitalize(plural(t)))).join(' & ') || 'Leaders';
  const memberCount = members.reduce((n, t) => n + t.count, 0);
  const right = memberTitles.map((t) => (memberCount === 1 ? singular(t) : plural(t))).join(' & ') || 'reports';
  return `${left} ↔ ${right}`;
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** Slack user IDs: U… for workspace users, W… for Enterprise Grid users. */
export const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;
