import type { Role } from './roles';

/** The deepest chain Cascade plans: the top is level 1. */
export const MAX_LEVELS = 12;

/** One person in a proposed org chart. `line` is set when the entry came from a CSV. */
export interface ChartEntry {
  readonly id: string;
  readonly name: string;
  /** Their title: free text, not a place in the chain. */
  readonly role: Role;
  readonly reportsTo: string | null;
  /** False for someone in the org outside the chain (RevOps, enablement); true when left out. */
  readonly inChain?: boolean;
  readonly line?: number;
}

interface ChartProblem {
  readonly line?: number;
  readonly personId: string;
  readonly message: string;
}

/**
 * Checks a whole org chart: one person at the top (in the chain, reporting to no one), every leader known
 * and in the chain, no cycles, at most 12 levels, and people outside the chain leading and reporting to no
 * one. Titles are free. Pure: the same rules serve a CSV import and a single `/cascade org set`.
 */
export function validateChart(entries: readonly ChartEntry[]): ChartProblem[] {
  const problems: ChartProblem[] = [];
  const byId = new Map(entries.map((e) => [e.id, e]));
  const label = (e: ChartEntry) => e.name || e.id;
  const add = (e: ChartEntry, message: string) => problems.push({ line: e.line, personId: e.id, message });
  const inChain = (e: ChartEntry) => e.inChain !== false;

  const tops = entries.filter((e) => inChain(e) && !e.reportsTo);
  if (entries.some(inChain) && tops.length === 0) {
    problems.push({ personId: '', message: 'the org chart has no top: exactly one person in the chain must report to no one (the CEO)' });
  }
  for (const extra of tops.slice(1)) {
    const first = tops[0]!;
    if (first.role === 'ceo' && extra.role === 'ceo') {
      add(extra, `a second CEO: ${label(first)}${first.line ? ` (line ${first.line})` : ''} is already the CEO, and there can be only one`);
      continue;
    }
    add(
      extra,
      `a second top: ${label(first)}${first.line ? ` (line ${first.line})` : ''} already reports to no one, and the chain has one top. ` +
        'Give a manager, or mark someone outside the chain with in_chain no',
    );
  }

  const inCycle = new Set<string>();
  for (const start of entries) {
    if (inCycle.has(start.id)) continue;
    const path: string[] = [];
    const seen = new Set<string>();
    let current: ChartEntry | undefined = start;
    while (current?.reportsTo && !seen.has(current.id)) {
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
    if (!inChain(e)) {
      if (e.reportsTo) add(e, `${label(e)} is outside the chain (in_chain no), so reports to no one: leave the manager empty`);
      continue;
    }
    if (!e.reportsTo) continue;
    const leader = byId.get(e.reportsTo);
    if (!leader) {
      add(e, `unknown manager ${e.reportsTo}: they are not in the org chart`);
      continue;
    }
    if (!inChain(leader)) add(e, `${label(leader)} is outside the chain (in_chain no), so no one can report to them`);
  }

  // Levels, counted from the top down (cycles and broken lines are reported above, not here).
  const children = new Map<string, ChartEntry[]>();
  for (const e of entries) if (e.reportsTo && inChain(e)) children.set(e.reportsTo, [...(children.get(e.reportsTo) ?? []), e]);
  let level = tops.slice(0, 1);
  for (let depth = 1; level.length > 0; depth++) {
    if (depth > MAX_LEVELS) {
      for (const e of level.slice(0, 3)) add(e, `the chain is deeper than ${MAX_LEVELS} levels: ${label(e)} would be on level ${depth}`);
      break;
    }
    level = level.flatMap((e) => children.get(e.id) ?? []);
  }
  return problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
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
