import { leaderRoleOf, type Role } from './roles';

/** One person in a proposed org chart. `line` is set when the entry came from a CSV. */
export interface ChartEntry {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  readonly reportsTo: string | null;
  readonly line?: number;
}

export interface ChartProblem {
  readonly line?: number;
  readonly personId: string;
  readonly message: string;
}

/**
 * Checks a whole org chart: one CEO, every leader known, no cycles, and each person reporting to the
 * role just above theirs. Pure: the same rules serve a CSV import and a single `/cascade org set`.
 */
export function validateChart(entries: readonly ChartEntry[]): ChartProblem[] {
  const problems: ChartProblem[] = [];
  const byId = new Map(entries.map((e) => [e.id, e]));
  const label = (e: ChartEntry) => e.name || e.id;
  const add = (e: ChartEntry, message: string) => problems.push({ line: e.line, personId: e.id, message });

  const ceos = entries.filter((e) => e.role === 'ceo');
  if (entries.length > 0 && ceos.length === 0) {
    problems.push({ personId: '', message: 'the org chart has no CEO: exactly one person must have the role ceo' });
  }
  for (const extra of ceos.slice(1)) {
    const first = ceos[0]!;
    add(extra, `a second CEO: ${label(first)}${first.line ? ` (line ${first.line})` : ''} is already the CEO, and there can be only one`);
  }

  const inCycle = new Set<string>();
  for (const start of entries) {
    if (inCycle.has(start.id)) continue;
    const path: string[] = [];
    const seen = new Set<string>();
    let current: ChartEntry | undefined = start;
    while (current && current.reportsTo && !seen.has(current.id)) {
      seen.add(current.id);
      path.push(current.id);
      current = byId.get(current.reportsTo);
    }
    if (current && seen.has(current.id)) {
      const cycle = path.slice(path.indexOf(current.id));
      if (!cycle.some((id) => inCycle.has(id))) {
        const names = [...cycle, current.id].map((id) => label(byId.get(id)!)).join(' → ');
        for (const id of cycle) inCycle.add(id);
        const first = byId.get(cycle[0]!)!;
        add(first, `reporting lines form a cycle: ${names}`);
      }
    }
  }

  for (const e of entries) {
    const wanted = leaderRoleOf(e.role);
    if (wanted === null) {
      if (e.reportsTo) add(e, `the CEO reports to no one, but has manager ${e.reportsTo}`);
      continue;
    }
    if (!e.reportsTo) {
      add(e, `a ${e.role} must report to a ${wanted}, but no leader is given for ${label(e)}`);
      continue;
    }
    const leader = byId.get(e.reportsTo);
    if (!leader) {
      add(e, `unknown manager ${e.reportsTo}: they are not in the org chart`);
      continue;
    }
    if (inCycle.has(e.id)) continue;
    if (leader.role !== wanted) {
      add(
        e,
        `a ${e.role} must report to a ${wanted}, but ${label(leader)} is ${article(leader.role)} ${leader.role} ` +
          `(the chain runs CEO → president → manager → rep)`,
      );
    }
  }
  return problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
}

function article(word: string): string {
  return /^[aeiou]/i.test(word) ? 'an' : 'a';
}

/** Everyone below `leaderId` in the chain (direct and indirect reports), nearest first. */
export function descendantsOf(leaderId: string, people: readonly { id: string; reportsTo: string | null }[]): string[] {
  const children = new Map<string, string[]>();
  for (const p of people) {
    if (!p.reportsTo) continue;
    const list = children.get(p.reportsTo) ?? [];
    list.push(p.id);
    children.set(p.reportsTo, list);
  }
  const out: string[] = [];
  const seen = new Set<string>([leaderId]);
  const queue = [...(children.get(leaderId) ?? [])];
  while (queue.length > 0) {
    const id = queue.shift()!;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(id);
    queue.push(...(children.get(id) ?? []));
  }
  return out;
}
