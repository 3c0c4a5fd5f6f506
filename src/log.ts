import { LogLevel as BoltLogLevel, type Logger as BoltLogger } from '@slack/bolt';
import pino, { type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from './config';

export type Log = Logger;

const TOKEN_SHAPES = /\b(xox[abposr]-[0-9A-Za-z-]{6,}|xapp-[0-9]-[0-9A-Za-z-]{6,})/g;

/** Paths pino blanks out; `*.x` reaches one level only, so the deeper ones are named too. */
const REDACT_PATHS = [
  'token',
  'botToken',
  'appToken',
  'signingSecret',
  'password',
  'authorization',
  '*.token',
  '*.botToken',
  '*.appToken',
  '*.signingSecret',
  '*.password',
  '*.authorization',
  '*.*.token',
  '*.*.botToken',
  '*.*.appToken',
  '*.*.signingSecret',
  'req.headers.authorization',
  'req.headers["x-slack-signature"]',
  'headers.authorization',
  'headers["x-slack-signature"]',
  'config.slack',
  'config.databaseUrl',
];

interface LogOptions {
  readonly level: LogLevel;
  /** Exact values (tokens, secrets, passwords) to scrub from every message, wherever they appear. */
  readonly secrets?: readonly string[];
  readonly destination?: DestinationStream;
  /**
   * LOG_BODIES=on: Web API and Slack request bodies are written in full at debug and trace. Off (the default),
   * what people wrote or read (message text, blocks, views, window values, private notes) is written `[text]`.
   */
  readonly bodies?: boolean;
}

/** Fields of a Slack body that carry what people wrote or read: written `[text]` unless bodies are asked for. */
const BODY_FIELDS = new Set([
  'text',
  'blocks',
  'view',
  'attachments',
  'private_metadata',
  'value',
  'initial_value',
  'values',
  'state',
  'shared_note',
  'private_note',
  'note',
  'user_profile',
  'profile',
]);
const HIDDEN = '[text]';

function hideFields(value: unknown, depth = 0): unknown {
  if (!value || typeof value !== 'object' || depth > 12) return value;
  if (Array.isArray(value)) return value.map((v) => hideFields(v, depth + 1));
  // Errors and other class instances are the serializers' (an error's message is not a body).
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value))
    out[k] = BODY_FIELDS.has(k) && v !== null && v !== undefined && v !== '' ? HIDDEN : hideFields(v, depth + 1);
  return out;
}

/**
 * A log line that carries a body (the Web API's "http request body: {…}", Bolt's incoming payloads, a form):
 * its text fields hidden. JSON is read and written again; a form body has its text fields' values replaced.
 */
function hideBodies(line: string): string {
  const start = line.search(/[{[]/);
  if (start >= 0) {
    try {
      const parsed: unknown = JSON.parse(line.slice(start));
      return `${line.slice(0, start)}${JSON.stringify(hideFields(parsed))}`;
    } catch {
      // not one JSON value: fall through to the field-by-field pass
    }
  }
  const fields = [...BODY_FIELDS].join('|');
  return line
    .replace(new RegExp(`("(?:${fields})"\\s*:\\s*)("(?:[^"\\\\]|\\\\.)*"|\\[[^\\]]*\\]|\\{[^}]*\\})`, 'g'), `$1"${HIDDEN}"`)
    .replace(new RegExp(`(^|[?&\\s])(${fields})=[^&\\s]*`, 'g'), `$1$2=${HIDDEN}`);
}

export function createLog(options: LogOptions): Log {
  const secrets = [...(options.secrets ?? [])].filter((s) => s.length >= 6);
  const scrub = (text: string): string => {
    let out = text.replace(TOKEN_SHAPES, '[Redacted]');
    for (const secret of secrets) out = out.split(secret).join('[Redacted]');
    return out;
  };
  return pino(
    {
      level: options.level,
      base: { app: 'cascade' },
      redact: { paths: REDACT_PATHS, censor: '[Redacted]' },
      hooks: {
        // Strings reach pino unredacted (redact works on object paths): scrub them before they are written.
        logMethod(args, method) {
          const cleaned = args.map((a: unknown) => {
            if (typeof a === 'string') return scrub(options.bodies ? a : hideBodies(a));
            if (a instanceof Error) return scrubError(a, scrub);
            return thaw(options.bodies ? a : hideFields(a), scrub);
          });
          return method.apply(this, cleaned as Parameters<typeof method>);
        },
      },
      serializers: {
        err: (err: unknown) => pino.stdSerializers.err(err instanceof Error ? scrubError(err, scrub) : (err as Error)),
      },
    },
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
}

/**
 * pino redacts by assigning in place, which throws on frozen objects (the config is frozen): log a copy
 * of plain objects and arrays, with strings scrubbed on the way.
 */
function thaw(value: unknown, scrub: (s: string) => string, depth = 0): unknown {
  if (typeof value === 'string') return depth === 0 ? value : scrub(value);
  if (value instanceof Error) return scrubError(value, scrub);
  if (!value || typeof value !== 'object' || depth > 8) return value;
  if (Array.isArray(value)) return value.map((v) => thaw(v, scrub, depth + 1));
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const copy: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) copy[k] = thaw(v, scrub, depth + 1);
  return copy;
}

function scrubError(err: Error, scrub: (s: string) => string): Error {
  const copy = new Error(scrub(err.message));
  copy.name = err.name;
  copy.stack = err.stack ? scrub(err.stack) : undefined;
  const code = (err as { code?: unknown }).code;
  if (code !== undefined) (copy as { code?: unknown }).code = code;
  return copy;
}

const TO_BOLT: Record<string, BoltLogLevel> = {
  fatal: BoltLogLevel.ERROR,
  error: BoltLogLevel.ERROR,
  warn: BoltLogLevel.WARN,
  info: BoltLogLevel.INFO,
  debug: BoltLogLevel.DEBUG,
  trace: BoltLogLevel.DEBUG,
  silent: BoltLogLevel.ERROR,
};

/** The shape Bolt's `logger` option takes, writing through our pino logger (and so through its redaction). */
export function boltLogger(log: Log): BoltLogger {
  const child = log.child({ component: 'bolt' });
  const join = (msgs: unknown[]) =>
    msgs.map((m) => (typeof m === 'string' ? m : m instanceof Error ? m.message : JSON.stringify(m))).join(' ');
  return {
    debug: (...msgs) => child.debug(join(msgs)),
    info: (...msgs) => child.info(join(msgs)),
    warn: (...msgs) => child.warn(join(msgs)),
    error: (...msgs) => child.error(join(msgs)),
    setLevel: () => undefined,
    getLevel: () => TO_BOLT[log.level] ?? BoltLogLevel.INFO,
    setName: () => undefined,
  };
}
