import { peopleNaming, recurringPhrases } from './phrases';

/*
 * Themes: what several people wrote in their own words, grouped by meaning (checkins/phrases.ts), with where
 * each is going against the periods before. Pure: what the reader may read is chosen by the caller.
 */

/** What a theme is about, from the question it answered (or, for factors, the sentence a leader wrote closing a flag). */
export type ThemeKind = 'obstacle' | 'help' | 'worked' | 'factor';

/** Which answers feed each kind: the intent of the question asked. */
export const THEME_INTENTS: Readonly<Record<Exclude<ThemeKind, 'factor'>, string>> = {
  obstacle: 'obstacles',
  help: 'support',
  worked: 'methodology',
};

type Trend = 'new' | 'growing' | 'steady' | 'fading';

export interface Theme {
  readonly kind: ThemeKind;
  readonly key: string;
  /** As someone wrote it, shortest first. */
  readonly phrase: string;
  /** People who named it this period, and in the period before. */
  readonly count: number;
  readonly before: number;
  readonly trend: Trend;
  /** One of them in their words, from an answer its author shared; none when nobody shared one. */
  readonly quote: { readonly person: string; readonly text: string } | null;
}

export interface Said {
  readonly person: string;
  readonly text: string;
  readonly shared?: boolean;
}

const trendOf = (now: number, before: number): Trend =>
  before === 0 ? 'new' : now > before ? 'growing' : now < before ? 'fading' : 'steady';

/**
 * The themes of one kind this period against the period before: what at least two people named now (most named
 * first), then what at least two named before and fewer name now (fading). At most `top`.
 */
export function themesOf(kind: ThemeKind, now: readonly Said[], before: readonly Said[], top = 3): Theme[] {
  const current = recurringPhrases(now, top);
  const then = peopleNaming(
    before,
    current.map((p) => p.key),
  );
  const themes: Theme[] = current.map((p) => {
    const b = then.get(p.key) ?? 0;
    return { kind, key: p.key, phrase: p.phrase, count: p.count, before: b, trend: trendOf(p.count, b), quote: p.quote };
  });
  if (themes.length < top) {
    const earlier = recurringPhrases(before, top).filter((p) => !themes.some((t) => t.key === p.key));
    const still = peopleNaming(
      now,
      earlier.map((p) => p.key),
    );
    for (const p of earlier) {
      const n = still.get(p.key) ?? 0;
      if (n < p.count && themes.length < top)
        themes.push({ kind, key: p.key, phrase: p.phrase, count: n, before: p.count, trend: 'fading', quote: null });
    }
  }
  return themes;
}

/** "new", "growing: 2 → 5", "fading: 4 → 1", "steady" — where a theme is going, in words. */
export function trendWords(t: Pick<Theme, 'count' | 'before' | 'trend'>): string {
  return t.trend === 'new' || t.trend === 'steady' ? t.trend : `${t.trend}: ${t.before} → ${t.count}`;
}
