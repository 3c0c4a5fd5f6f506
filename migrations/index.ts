import type { Migration } from 'kysely';
import * as foundation from './2026-11-27T0100-foundation';

/** Every migration, imported statically so the same list works under Jest, tsx and the built dist. */
export const migrations: Record<string, Migration> = {
  '2026-11-27T0100-foundation': foundation,
};
