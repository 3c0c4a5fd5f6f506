import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { dumpPglite, openDatabase } from '../../src/db/connect';
import { migrateToLatest } from '../../src/db/migrate';
import { PG_TEMPLATE_ENV, PGLITE_DUMP_ENV, serverUrl, withDatabase } from './db';

/** Migrates once for the whole run: a template database on the server, or a dumped PGlite data folder. */
export default async function globalSetup(): Promise<void> {
  const server = serverUrl();
  if (server) {
    const template = `cascade_tpl_${process.pid}`;
    const admin = new pg.Client({ connectionString: server });
    await admin.connect();
    try {
      await admin.query(`drop database if exists ${template}`);
      await admin.query(`create database ${template}`);
    } finally {
      await admin.end();
    }
    const db = await openDatabase({ databaseUrl: withDatabase(server, template), dataDir: 'memory://', poolSize: 1 });
    try {
      await migrateToLatest(db.db);
    } finally {
      await db.close();
    }
    process.env[PG_TEMPLATE_ENV] = template;
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'cascade-test-'));
  const dataDir = join(dir, 'pgdata');
  const db = await openDatabase({ dataDir });
  try {
    await migrateToLatest(db.db);
  } finally {
    await db.close();
  }
  const dump = await dumpPglite(dataDir);
  rmSync(dataDir, { recursive: true, force: true });
  const file = join(dir, 'migrated.tar');
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  process.env[PGLITE_DUMP_ENV] = file;
}
