import type { Kysely } from 'kysely';
import type { Database } from './types';
import type { SecretBox } from '../secrets';
import { invalid } from '../errors';

/** Every column that holds a sealed secret: CRM credentials, and the Slack tokens of installs by OAuth. */
const SEALED = [
  { table: 'crm_connection', column: 'secret' },
  { table: 'slack_installation', column: 'bot_token' },
  { table: 'slack_installation', column: 'refresh_token' },
] as const;

/**
 * `cascade keys rotate --new-key …`: every stored secret opened with the current key and sealed with the new one,
 * in one transaction — all or none (a secret that does not open stops it with nothing changed). Returns how many.
 */
export async function rotateSecrets(db: Kysely<Database>, current: SecretBox, next: SecretBox): Promise<number> {
  return db.transaction().execute(async (tx) => {
    let n = 0;
    for (const { table, column } of SEALED) {
      const rows = (await tx.selectFrom(table).select(['team_id', column]).where(column, 'is not', null).forUpdate().execute()) as {
        team_id: string;
        [c: string]: string | null;
      }[];
      for (const r of rows) {
        let plain: string;
        try {
          plain = current.open(r[column]!);
        } catch {
          throw invalid(`The stored secrets of ${r.team_id} do not open with CASCADE_ENCRYPTION_KEY: nothing was changed.`);
        }
        await tx
          .updateTable(table)
          .set({ [column]: next.seal(plain) } as never)
          .where('team_id', '=', r.team_id)
          .execute();
        n += 1;
      }
    }
    return n;
  });
}
