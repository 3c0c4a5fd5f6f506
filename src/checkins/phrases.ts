import { eng as ENGLISH_STOP_WORDS } from 'stopword';
import stem from 'wink-porter2-stemmer';

/*
 * What keeps coming up in what people wrote: phrases several people used, grouped by meaning (a Porter2
 * stemmer, so "approval takes" and "approvals take" are one) and shown as someone actually wrote them. Pure.
 */

/**
 * Words that carry no obstacle on their own: the stop-word list of `stopword` (English), and the fillers people
 * use in a check-in ("really", "every", "getting").
 */
const STOP_WORDS = new Set([
  ...ENGLISH_STOP_WORDS,
  ...`also about after all am any because being both each every few further here let lot lots many much nor off once only other own same such
  through under until while whom etc really still need needs getting get got going thing things week weeks today yesterday`.split(/\s+/),
]);

/** Where one thought ends: a phrase never runs across punctuation ("too small, north region" is two thoughts). */
const CLAUSES = /[,.;:!?()[\]\n/]+/;

interface Word {
  /** As written, with its place in the clause so a phrase can be shown as written. */
  readonly start: number;
  readonly end: number;
  readonly stem: string;
}

/** The words of a clause that carry meaning, each with its stem and where it stands in the clause. */
function meaningful(clause: string): Word[] {
  const out: Word[] = [];
  for (const m of clause.matchAll(/[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu)) {
    const word = m[0]
      .toLowerCase()
      .replace(/['’]s$/, '')
      .replace(/['’]/g, '');
    if (word.length < 3 || STOP_WORDS.has(word) || !/\p{L}/u.test(word)) continue;
    // A form of a stop word ("takes", "taking" of "take") is one too.
    const root = stem(word);
    if (STOP_WORDS.has(root)) continue;
    out.push({ start: m.index!, end: m.index! + m[0].length, stem: root });
  }
  return out;
}

interface Phrase {
  /** The stems it is grouped by ("legal review" and "legal reviews" are "legal review"): what makes it the same theme in another period. */
  readonly key: string;
  /** The shortest whole phrase someone wrote for it, as written. */
  readonly phrase: string;
  /** How many people named it. */
  readonly count: number;
  /** One of them, in their words (the clause it was in), from an answer its author shared; none when nobody shared one. */
  readonly quote: { readonly person: string; readonly text: string } | null;
}

/**
 * The phrases that recur: runs of two or three meaningful words, grouped by their stems, that at least two
 * people wrote, counted by people, most named first. Each is shown as the shortest way someone actually wrote
 * it (stop words between its words included: "legal review", "pricing approvals take too long"), with a quote.
 * A phrase inside a longer one named by as many, or sharing two words in a row with one kept, is not repeated.
 */
export function recurringPhrases(answers: readonly { person: string; text: string; shared?: boolean }[], top = 5): Phrase[] {
  const found = new Map<string, { people: Set<string>; shortest: string; quote: { person: string; text: string } | null }>();
  for (const a of answers) {
    for (const clause of a.text.split(CLAUSES)) {
      const words = meaningful(clause);
      for (const n of [2, 3]) {
        for (let i = 0; i + n <= words.length; i++) {
          const run = words.slice(i, i + n);
          const key = run.map((w) => w.stem).join(' ');
          const written = clause.slice(run[0]!.start, run[n - 1]!.end).replace(/\s+/g, ' ');
          const entry = found.get(key) ?? { people: new Set<string>(), shortest: written, quote: null };
          entry.people.add(a.person);
          if (!entry.quote && a.shared) entry.quote = { person: a.person, text: clause.trim() };
          if (written.length < entry.shortest.length) entry.shortest = written;
          found.set(key, entry);
        }
      }
    }
  }
  const named = [...found.entries()].map(([key, e]) => ({ key, ...e, count: e.people.size })).filter((p) => p.count >= 2);
  const pairs = (key: string) => {
    const w = key.split(' ');
    return w.slice(1).map((x, i) => `${w[i]} ${x}`);
  };
  const kept: typeof named = [];
  for (const p of named
    .filter((p) => !named.some((q) => q.key !== p.key && q.count >= p.count && ` ${q.key} `.includes(` ${p.key} `)))
    .sort((a, b) => b.count - a.count || b.key.split(' ').length - a.key.split(' ').length || a.shortest.localeCompare(b.shortest))) {
    if (kept.some((k) => pairs(k.key).some((x) => pairs(p.key).includes(x)))) continue;
    // The same people, sharing a word: another window on one longer phrase ("booking the next meeting" and
    // "meeting before leaving the room" of "booking the next meeting before leaving the room"), said once.
    const words = new Set(p.key.split(' '));
    if (kept.some((k) => sameSet(k.people, p.people) && k.key.split(' ').some((w) => words.has(w)))) continue;
    kept.push(p);
    if (kept.length === top) break;
  }
  return kept.map((p) => ({ key: p.key, phrase: p.shortest.toLowerCase(), count: p.count, quote: p.quote }));
}

const sameSet = (a: ReadonlySet<string>, b: ReadonlySet<string>) => a.size === b.size && [...a].every((x) => b.has(x));

/** The stem keys of two and three words in a row that a text holds, clause by clause (what recurringPhrases groups by). */
function keysOf(text: string): Set<string> {
  const keys = new Set<string>();
  for (const clause of text.split(CLAUSES)) {
    const words = meaningful(clause);
    for (const n of [2, 3])
      for (let i = 0; i + n <= words.length; i++)
        keys.add(
          words
            .slice(i, i + n)
            .map((w) => w.stem)
            .join(' '),
        );
  }
  return keys;
}

/** How many people named each key, in any words that stem the same. */
export function peopleNaming(answers: readonly { person: string; text: string }[], keys: readonly string[]): Map<string, number> {
  const people = new Map(keys.map((k) => [k, new Set<string>()]));
  for (const a of answers) {
    const held = keysOf(a.text);
    for (const k of keys) if (held.has(k)) people.get(k)!.add(a.person);
  }
  return new Map([...people].map(([k, set]) => [k, set.size]));
}
