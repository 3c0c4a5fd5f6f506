import { trendWords, type Theme, type ThemeKind } from '../../checkins/themes';
import { truncate, typed } from './text';

/** What each kind of theme is, in a few words after the phrase. */
const KINDS: Readonly<Record<ThemeKind, string>> = {
  obstacle: 'obstacle',
  help: 'would help',
  worked: 'what worked',
  factor: 'factor named closing a flag',
};

/**
 * One theme in one line: the phrase as someone wrote it, what kind it is, how many people named it and where it
 * is going; a quote (from an answer its author shared) only when asked for, as a digest shows.
 */
export function themeLine(t: Theme, options: { quote?: boolean } = {}): string {
  const people = t.count === 1 ? '1 person' : `${t.count} people`;
  const quote = options.quote && t.quote ? `: _“${typed(truncate(t.quote.text, 120))}”_` : '';
  return `• “${typed(truncate(t.phrase, 60))}” — ${KINDS[t.kind]}, ${people} (${trendWords(t)})${quote}`;
}
