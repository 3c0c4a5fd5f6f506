import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { PGliteDialect } from './pglite-dialect';
import type { Database } from './types';

export interface Db {
  readonly db: Kysely<Database>;
  readonly kind: 'postgres' | 'pglite';
  close(): Promise<void>;
}

const DATE_OID = 1082;
const INT8_OID = 20;
const NUMERIC_OID = 1700;

/** Both drivers read dates as 'YYYY-MM-DD' (a calendar day has no time zone) and counts and numerics as numbers. */
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === DATE_OID) return (value: string) => value;
    if (oid === INT8_OID || oid === NUMERIC_OID) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

const pgliteParsers = {
  [pgliteTypes.DATE]: (value: string) => value,
  [pgliteTypes.INT8]: (value: string) => Number(value),
  [pgliteTypes.NUMERIC]: (value: string) => Number(value),
};

export interface OpenOptions {
  readonly databaseUrl?: string;
  /** Where embedded PGlite keeps its files; `memory://` keeps them in memory. */
  readonly dataDir: string;
  readonly poolSize?: number;
  /** A dumped PGlite data directory to start from (tests use it to skip initdb). */
  readonly loadDataDir?: Blob;
  /** A server that runs for weeks (`cascade start`, the sandbox): embedded PGlite keeps its compiled code small. */
  readonly longRunning?: boolean;
}

export async function openDatabase(options: OpenOptions): Promise<Db> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 10, types: pgTypes });
    // An idle client that loses its server emits 'error'; without a listener that would crash the process.
    pool.on('error', () => undefined);
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, kind: 'postgres', close: () => db.destroy() };
  }
  const onDisk = !options.dataDir.startsWith('memory://');
  const unlock = onDisk ? lockDataDir(options.dataDir) : () => undefined;
  try {
    if (onDisk && !options.loadDataDir) await initDataDirApart(options.dataDir);
    if (options.longRunning) baselineWasmOnly();
    const pglite = await PGlite.create(options.dataDir, { parsers: pgliteParsers, loadDataDir: options.loadDataDir, startParams: PGLITE_START });
    const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
    return {
      db,
      kind: 'pglite',
      close: async () => {
        await db.destroy();
        await pglite.close();
        unlock();
      },
    };
  } catch (err) {
    unlock();
    throw err;
  }
}

export class DataDirInUseError extends Error {
  constructor(dataDir: string, pid: number) {
    super(
      `The embedded database in ${dataDir} is open in another Cascade process (pid ${pid}); only one process may use it. ` +
        'Stop that process first, or set DATABASE_URL to share a Postgres server.',
    );
    this.name = 'DataDirInUseError';
  }
}

/**
 * Embedded Postgres' settings: 16 MB of shared buffers instead of 128 MB. The WebAssembly heap never gives
 * memory back, and a Cascade of a thousand people reads far less than that; the operating system's cache
 * still holds the files.
 */
const PGLITE_START = [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'];

/**
 * V8 compiles WebAssembly twice: at once with its baseline compiler (Liftoff), then the busy functions again
 * with its optimising one, and keeps both. For PGlite's 9 MB of WebAssembly that second copy is about 60 MB
 * held for the life of the process; without it the embedded database runs some 15% slower, which for an org
 * small enough for PGlite is a few milliseconds a tick. Set before PGlite compiles its module; it changes
 * only compilations that follow.
 */
function baselineWasmOnly(): void {
  setFlagsFromString('--liftoff-only');
}

/**
 * A new data directory is made (initdb) by a short-lived process of its own: initdb grows PGlite's
 * WebAssembly heap by several hundred MB, which a long-running Cascade would otherwise hold for good.
 */
async function initDataDirApart(dataDir: string): Promise<void> {
  if (existsSync(join(dataDir, 'PG_VERSION'))) return;
  const script = `require(${JSON.stringify(require.resolve('@electric-sql/pglite'))}).PGlite.create(process.argv[1]).then((p) => p.close()).then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });`;
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script, dataDir], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`could not create the embedded database in ${dataDir}: ${stderr.trim().split('\n').pop() ?? `exit ${code}`}`))));
  });
}

/** PGlite corrupts a data folder that two processes open: claim it with a pid file, or refuse. */
function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'cascade.pid');
  if (existsSync(file)) {
    const pid = Number(readFileSync(file, 'utf8').trim());
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) throw new DataDirInUseError(dataDir, pid);
  }
  writeFileSync(file, String(process.pid));
  return () => rmSync(file, { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** For tests: the PGlite instance's data directory as a tarball, so a migrated database can be cloned fast. */
export async function dumpPglite(dataDir: string): Promise<Blob> {
  const pglite = await PGlite.create(dataDir, { parsers: pgliteParsers });
  try {
    return await pglite.dumpDataDir('none');
  } finally {
    await pglite.close();
  }
}
