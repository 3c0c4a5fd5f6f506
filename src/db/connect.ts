import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { PGliteDialect } from './pglite-dialect';
import type { Database } from './types';
import { MINUTE_MS } from '../time/durations';

export interface Db {
  /** For work a person waits on (Slack's requests): on a server process, short timeouts (`REQUEST_LIMITS`). */
  readonly db: Kysely<Database>;
  /**
   * For background work (the scheduler, the outbox, metrics): a pool of its own on Postgres, so that a busy
   * scheduler or a scrape never takes the connections Slack's requests need. The same as `db` on PGlite and
   * in one-shot commands.
   */
  readonly background: Kysely<Database>;
  readonly kind: 'postgres' | 'pglite';
  /**
   * Calls `onNotify` for each `NOTIFY channel` committed by anyone on this database (every replica, on
   * Postgres; this process, on PGlite). On Postgres it holds a connection of its own, and gets a new one when
   * the server drops it. Resolves to a function that stops listening.
   */
  listen(channel: string, onNotify: () => void): Promise<() => Promise<void>>;
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

interface OpenOptions {
  readonly databaseUrl?: string;
  /** Where embedded PGlite keeps its files; `memory://` keeps them in memory. */
  readonly dataDir: string;
  readonly poolSize?: number;
  /** A dumped PGlite data directory to start from (tests use it to skip initdb). */
  readonly loadDataDir?: Blob;
  /**
   * A server that runs for weeks (`cascade start`, the sandbox): embedded PGlite keeps its compiled code
   * small, and on Postgres requests and background work get pools of their own, with timeouts.
   */
  readonly longRunning?: boolean;
  /** Told of each connection a server dropped (the pool replaces it); nothing is thrown at the process. */
  readonly onConnectionError?: (err: Error) => void;
}

/**
 * What a request may wait for on a server process: Slack gives it 3 seconds in all. A connection that cannot
 * be had (pool exhausted, server down) and a statement that runs too long fail within them, with an error the
 * listener turns into words, instead of holding the request until Slack gives up.
 */
const REQUEST_LIMITS = { connectMs: 2000, statementMs: 2000 } as const;
/** Background work is not waited on by anyone, but a stuck statement still must not hold a connection for good. */
const BACKGROUND_LIMITS = { connectMs: 10_000, statementMs: MINUTE_MS } as const;

export async function openDatabase(options: OpenOptions): Promise<Db> {
  if (options.databaseUrl) {
    const onError = options.onConnectionError ?? (() => undefined);
    const open = (limits: { connectMs: number; statementMs: number } | null, max: number) =>
      new Kysely<Database>({
        dialect: new PostgresDialect({ pool: resilientPool(serverPool(options.databaseUrl!, max, limits, onError)) }),
      });
    const max = options.poolSize ?? 10;
    const listen = (channel: string, onNotify: () => void) => listenOnServer(options.databaseUrl!, channel, onNotify, onError);
    if (!options.longRunning) {
      const db = open(null, max);
      return { db, background: db, kind: 'postgres', listen, close: () => db.destroy() };
    }
    const db = open(REQUEST_LIMITS, max);
    const background = open(BACKGROUND_LIMITS, max);
    return {
      db,
      background,
      kind: 'postgres',
      listen,
      close: async () => {
        await Promise.allSettled([db.destroy(), background.destroy()]);
      },
    };
  }
  const onDisk = !options.dataDir.startsWith('memory://');
  const unlock = onDisk ? lockDataDir(options.dataDir) : () => undefined;
  try {
    if (onDisk && !options.loadDataDir) await initDataDirApart(options.dataDir);
    if (options.longRunning) baselineWasmOnly();
    const pglite = await PGlite.create(options.dataDir, {
      parsers: pgliteParsers,
      loadDataDir: options.loadDataDir,
      startParams: PGLITE_START,
    });
    const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
    return {
      db,
      background: db,
      kind: 'pglite',
      listen: async (channel, onNotify) => {
        const stop = await pglite.listen(channel, () => onNotify());
        return async () => {
          if (!pglite.closed) await stop();
        };
      },
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

/**
 * A node-postgres pool that never takes the process down. A client whose server goes away emits 'error':
 * the pool listens on idle ones only, so a client checked out at that moment (between two statements of a
 * request, or of a transaction) would end the process with an unhandled 'error' event. Every client gets a
 * listener as it connects; the pool then drops the broken client and connects a new one for the next request.
 */
function serverPool(
  url: string,
  max: number,
  limits: { connectMs: number; statementMs: number } | null,
  onError: (err: Error) => void,
): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    types: pgTypes,
    // A half-open connection (a server that vanished without closing it) is found by the kernel, not never.
    keepAlive: true,
    ...(limits
      ? {
          connectionTimeoutMillis: limits.connectMs,
          statement_timeout: limits.statementMs,
          // A transaction left open by a crash of ours is ended by the server, with its locks.
          idle_in_transaction_session_timeout: Math.max(limits.statementMs * 5, 30_000),
          // A connection that went quiet without closing (a partition, a proxy that lost its peer) answers nothing:
          // the statement timeout cannot fire there, so the client gives up a second later and drops it.
          query_timeout: limits.statementMs + 1000,
        }
      : {}),
  });
  pool.on('connect', (client) => client.on('error', onError));
  pool.on('error', onError);
  return pool;
}

/**
 * `LISTEN channel` on a connection of its own (a pooled one would be handed to others): each notification calls
 * `onNotify`. When the server drops it (a restart, a failover) it connects again, a second later and then less
 * often; a notification sent meanwhile is lost, which the periodic passes make up for.
 */
async function listenOnServer(
  url: string,
  channel: string,
  onNotify: () => void,
  onError: (err: Error) => void,
): Promise<() => Promise<void>> {
  let client: pg.Client | undefined;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  let delayMs = 1000;
  const quoted = `"${channel.replace(/"/g, '""')}"`;
  const connect = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: url, keepAlive: true, connectionTimeoutMillis: BACKGROUND_LIMITS.connectMs });
    c.on('error', (err) => {
      onError(err);
      again(c);
    });
    c.on('end', () => again(c));
    c.on('notification', (n) => {
      if (n.channel === channel) onNotify();
    });
    await c.connect();
    await c.query(`listen ${quoted}`);
    client = c;
    delayMs = 1000;
  };
  const again = (c: pg.Client) => {
    if (stopped || client !== c || retry) return;
    client = undefined;
    void c.end().catch(() => undefined);
    const attempt = () => {
      retry = undefined;
      if (stopped) return;
      connect().catch((err: Error) => {
        onError(err);
        delayMs = Math.min(delayMs * 2, 30_000);
        retry = setTimeout(attempt, delayMs);
        retry.unref();
      });
    };
    retry = setTimeout(attempt, delayMs);
    retry.unref();
  };
  await connect();
  return async () => {
    stopped = true;
    if (retry) clearTimeout(retry);
    const c = client;
    client = undefined;
    await c?.end().catch(() => undefined);
  };
}

/** The server ended or refused the connection (not the statement): worth one more try on a new one, if safe. */
export function isConnectionError(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  if (!e || typeof e !== 'object') return false;
  const code = typeof e.code === 'string' ? e.code : '';
  if (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03') return true;
  if (['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH'].includes(code)) return true;
  const message = typeof e.message === 'string' ? e.message : '';
  return /Connection terminated|not queryable|timeout exceeded when trying to connect|Client was closed|Connection ended|Query read timeout/i.test(
    message,
  );
}

/** The statement ran past its `statement_timeout` (or was cancelled): the database is there but too slow now. */
export function isTimeoutError(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === '57014';
}

/** A read, outside any transaction: running it again on another connection changes nothing. */
const SAFE_TO_RETRY = /^\s*select\b/i;
const TRANSACTION_START = /^\s*(begin|start transaction)\b/i;
const TRANSACTION_END = /^\s*(commit|rollback|end)\b/i;
/** How long a read waits before its one more try: a server that restarts takes about this to take connections. */
const RETRY_AFTER_MS = 250;

type PgClient = pg.PoolClient;

/**
 * The pool Kysely is given: a read outside a transaction that loses its connection is tried once more on
 * a new one (a restarted server, a terminated backend), so a `/cascade status` or `/readyz` in flight at that
 * moment answers instead of failing. Writes and anything inside a transaction are never tried again here: the
 * transaction is rolled back by the server and the caller is told, as a person can safely try again.
 */
function resilientPool(pool: pg.Pool): { connect(): Promise<PgClient>; end(): Promise<void> } {
  const connect = async (): Promise<PgClient> => {
    try {
      return await pool.connect();
    } catch (err) {
      // Nothing ran yet: one more try is always safe (a server that is restarting refuses for a moment).
      if (!isConnectionError(err)) throw err;
      await new Promise((r) => setTimeout(r, RETRY_AFTER_MS));
      return pool.connect();
    }
  };
  return {
    async connect() {
      const client = await connect();
      let inTransaction = false;
      // A client whose connection failed is never given back to the pool for someone else: the server's
      // "terminating connection" can arrive before the socket closes, while the client still looks usable.
      let broken = false;
      const query = async (text: string, values?: unknown[]): Promise<pg.QueryResult> => {
        if (TRANSACTION_START.test(text)) inTransaction = true;
        try {
          return await client.query(text, values);
        } catch (err) {
          if (isConnectionError(err)) broken = true;
          if (inTransaction || !SAFE_TO_RETRY.test(text) || !isConnectionError(err)) throw err;
          await new Promise((r) => setTimeout(r, RETRY_AFTER_MS));
          const fresh = await connect();
          let failed = false;
          try {
            return await fresh.query(text, values);
          } catch (again) {
            failed = isConnectionError(again);
            throw again;
          } finally {
            fresh.release(failed);
          }
        } finally {
          if (TRANSACTION_END.test(text)) inTransaction = false;
        }
      };
      // Kysely uses a client's query(text, values) and release() only.
      return { query, release: (err?: Error | boolean) => client.release(broken || err) } as unknown as PgClient;
    },
    end: () => pool.end(),
  };
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
    child.once('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`could not create the embedded database in ${dataDir}: ${stderr.trim().split('\n').pop() ?? `exit ${code}`}`)),
    );
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
