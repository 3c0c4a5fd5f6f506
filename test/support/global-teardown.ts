import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import pg from 'pg';
import { PG_TEMPLATE_ENV, PGLITE_DUMP_ENV, serverUrl } from './db';

export default async function globalTeardown(): Promise<void> {
  const dump = process.env[PGLITE_DUMP_ENV];
  if (dump) rmSync(dirname(dump), { recursive: true, force: true });
  const server = serverUrl();
  const template = process.env[PG_TEMPLATE_ENV];
  if (server && template) {
    const admin = new pg.Client({ connectionString: server });
    await admin.connect();
    try {
      await admin.query(`drop database if exists ${template} with (force)`);
    } finally {
      await admin.end();
    }
  }
}
