/**
 * Whether a Slack status says someone is away. Nobody should have to tell Cascade about a holiday: a
 * status like "🌴 Vacation until Monday" or ":face_with_thermometer: Sick" skips that day's prompt.
 */
export const DEFAULT_AWAY_STATUS: readonly string[] = [
  'vacation',
  'holiday',
  'holidays',
  'out of office',
  'ooo',
  'off sick',
  'sick',
  'on leave',
  'parental leave',
  'pto',
  'away',
  ':palm_tree:',
  ':desert_island:',
  ':beach_with_umbrella:',
  ':airplane:',
  ':face_with_thermometer:',
  ':mask:',
  ':sick:',
  ':baby:',
];

export interface SlackStatus {
  readonly text: string;
  readonly emoji: string;
  /** Unix seconds; 0 when the status never expires. */
  readonly expiration: number;
}

/** The word or emoji of `rules` that the status matches, or null. Words match whole words, any case. */
export function awayReason(status: SlackStatus | null, rules: readonly string[], now: Date): string | null {
  if (!status) return null;
  if (status.expiration > 0 && status.expiration * 1000 <= now.getTime()) return null;
  const text = status.text.toLowerCase();
  const emoji = status.emoji.toLowerCase();
  for (const rule of rules) {
    const r = rule.toLowerCase().trim();
    if (!r) continue;
    if (r.startsWith(':') && r.endsWith(':')) {
      if (emoji === r || text.includes(r)) return describe(status);
    } else if (new RegExp(`(^|[^a-z0-9])${r.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([^a-z0-9]|$)`).test(text)) {
      return describe(status);
    }
  }
  return null;
}

function describe(status: SlackStatus): string {
  const shown = [status.emoji, status.text].filter(Boolean).join(' ').trim();
  return `Slack status: ${shown.length > 80 ? `${shown.slice(0, 79)}…` : shown}`;
}
