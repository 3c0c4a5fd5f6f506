import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { sql } from 'kysely';
import { openDatabase, type Db } from '../../src/db/connect';

export const PGLITE_DUMP_ENV = 'CASCADE_TEST_PGLITE_DUMP';
export const PG_TEMPLATE_ENV = 'CASCADE_TEST_PG_TEMPLATE';

export function serverUrl(): string | undefined {
  return process.env.TEST_DATABASE_URL || undefined;
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export interface TestDb extends Db {
  /** A connection URL when the database lives on a Postgres server (for spawned processes). */
  readonly url?: string;
}

/**
 * A clean, migrated database for one test file: a copy of the migrated template database on the server
 * named by TEST_DATABASE_URL, or else an embedded PGlite loaded from the migrated dump made in global setup.
 */
export async function createTestDb(): Promise<TestDb> {
  const server = serverUrl();
  if (server) {
    const template = process.env[PG_TEMPLATE_ENV];
    if (!template) throw new Error('global setup did not prepare a template database');
    const name = `cascade_t_${randomBytes(5).toString('hex')}`;
    const admin = new pg.Client({ connectionString: server });
    await admin.connect();
    try {
      await admin.query(`create database ${name} template ${template}`);
    } finally {
      await admin.end();
    }
    const url = withDatabase(server, name);
    const db = await openDatabase({ databaseUrl: url, dataDir: 'memory://' });
    return {
      ...db,
      url,
      close: async () => {
        await db.close();
        const c = new pg.Client({ connectionString: server });
        await c.connect();
        try {
          await c.query(`drop database if exists ${name} with (force)`);
        } finally {
          await c.end();
        }
      },
    };
  }
  const dump = process.env[PGLITE_DUMP_ENV];
  if (!dump) throw new Error('global setup did not prepare a PGlite dump');
  return openDatabase({ dataDir: 'memory://', loadDataDir: new Blob([readFileSync(dump)]) });
}

/** Every table with a team_id column, and how many of its rows belong to `teamId` (what a purge must leave at 0). */
export async function rowsOfTeam(db: Db, teamId: string): Promise<Record<string, number>> {
  const tables = await sql<{ table_name: string }>`
    select table_name from information_schema.columns
    where table_schema = 'public' and column_name = 'team_id' order by table_name`.execute(db.db);
  const out: Record<string, number> = {};
  for (const { table_name } of tables.rows) {
    const r = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table_name)} where team_id = ${teamId}`.execute(db.db);
    out[table_name] = r.rows[0]!.n;
  }
  return out;
}
