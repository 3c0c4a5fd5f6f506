import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { z } from 'zod';
import { DEFAULT_AWAY_STATUS } from './checkins/away';
import type { LlmConfig } from './llm/summaries';
import { KEY_HINT, readEncryptionKey } from './secrets';

/** HubSpot's credentials: a private app's access token. */
interface HubSpotCredentials {
  readonly provider: 'hubspot';
  readonly accessToken: string;
  readonly baseUrl?: string;
}

/** Salesforce's: an access token and the instance it belongs to, or a login (username, password and security token). */
interface SalesforceCredentials {
  readonly provider: 'salesforce';
  readonly instanceUrl?: string;
  readonly accessToken?: string;
  readonly loginUrl?: string;
  readonly username?: string;
  readonly password?: string;
}

export type CrmCredentials = HubSpotCredentials | SalesforceCredentials;

export type Environment = Readonly<Record<string, string | undefined>>;

export interface Config {
  readonly slack: {
    readonly botToken?: string;
    readonly signingSecret?: string;
    readonly appToken?: string;
    /** Web API base, always ending in `/`; undefined means Slack's own. */
    readonly apiUrl?: string;
    readonly mode: 'http' | 'socket';
    /** Installs by OAuth ("Add to Slack", many workspaces): SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_STATE_SECRET. */
    readonly oauth?: { readonly clientId: string; readonly clientSecret: string; readonly stateSecret: string };
  };
  readonly databaseUrl?: string;
  /** The sandbox's own Postgres; without it the sandbox uses embedded PGlite under DATA_DIR/sandbox (DATABASE_URL is never used there). */
  readonly sandboxDatabaseUrl?: string;
  /** How many days of history the sandbox's demo org is seeded with on its first run. */
  readonly sandboxHistoryDays: number;
  readonly dataDir: string;
  readonly port: number;
  readonly logLevel: LogLevel;
  /** Slack user IDs who may configure Cascade even before the org chart names an admin. */
  readonly admins: readonly string[];
  /** Words and :emoji: in a Slack status that mean "away": a prompt due then is skipped. */
  readonly awayStatus: readonly string[];
  /**
   * Where Prometheus reads `/metrics`: a port of its own (on `host`, loopback by default), and/or a bearer
   * token it must send; with neither, metrics are not served. Workspace ids are labels only when asked for.
   */
  readonly metrics: { readonly port?: number; readonly host: string; readonly token?: string; readonly teamLabels: boolean };
  /** Web API request and response bodies (message text, private notes) appear in debug logs only when on. */
  readonly logBodies: boolean;
  /** Written summaries from an OpenAI-compatible endpoint (CASCADE_LLM_*); undefined: off, nothing is sent anywhere. */
  readonly llm?: LlmConfig;
  /** The CRM of the environment (HUBSPOT_* or SALESFORCE_*), if any; a workspace can be connected by an admin instead. */
  readonly crm?: CrmCredentials;
  /** CASCADE_ENCRYPTION_KEY as 64 hex characters: what seals stored credentials. */
  readonly encryptionKey?: string;
  /** RETENTION_DAYS: how long a delivery is kept; PURGE_AFTER_DAYS: how long a workspace that removed the app keeps its data. */
  readonly retention: { readonly retentionDays: number; readonly purgeAfterDays: number };
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

type ConfigResult = { ok: true; config: Config } | { ok: false; problems: string[]; noSlackCredentials: boolean };

const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;

/** Variables as a user writes them; every check's message says what a good value looks like. */
const schema = z.object({
  SLACK_BOT_TOKEN: z
    .string()
    .regex(/^xoxb-\S+$/, 'must be the bot token that starts with "xoxb-" (OAuth & Permissions page of your Slack app)')
    .optional(),
  SLACK_SIGNING_SECRET: z
    .string()
    .regex(/^\S{16,}$/, 'must be the signing secret from your Slack app\'s "Basic Information" page (no spaces)')
    .optional(),
  SLACK_APP_TOKEN: z
    .string()
    .regex(
      /^xapp-\S+$/,
      'must be an app-level token that starts with "xapp-" (Basic Information → App-Level Tokens, scope connections:write)',
    )
    .optional(),
  SLACK_CLIENT_ID: z
    .string()
    .regex(/^\d+\.\d+$/, 'must be the Client ID from your Slack app\'s "Basic Information" page, e.g. 1234567890.1234567890')
    .optional(),
  SLACK_CLIENT_SECRET: z
    .string()
    .regex(/^\S{16,}$/, 'must be the Client Secret from your Slack app\'s "Basic Information" page (no spaces)')
    .optional(),
  SLACK_STATE_SECRET: z
    .string()
    .regex(/^\S{16,}$/, 'must be a random string of at least 16 characters that signs the install link, e.g. `openssl rand -hex 16`')
    .optional(),
  SLACK_API_URL: z
    .string()
    .regex(/^https?:\/\/\S+$/, 'must be an http(s) URL of a Slack Web API, e.g. https://slack.com/api/')
    .optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/\S+$/, 'must be a Postgres connection URL, e.g. postgres://user:password@host:5432/cascade')
    .optional(),
  SANDBOX_DATABASE_URL: z
    .string()
    .regex(
      /^postgres(ql)?:\/\/\S+$/,
      'must be a Postgres connection URL for the sandbox, e.g. postgres://user:password@host:5432/cascade_sandbox',
    )
    .optional(),
  SANDBOX_HISTORY_DAYS: z
    .string()
    .regex(/^\d{1,3}$/, 'must be a whole number of days from 1 to 120')
    .refine((v) => Number(v) >= 1 && Number(v) <= 120, 'must be a whole number of days from 1 to 120')
    .default('42'),
  DATA_DIR: z.string().default('./data'),
  PORT: z
    .string()
    .regex(/^\d{1,5}$/, 'must be a port number from 0 to 65535')
    .refine((v) => Number(v) <= 65535, 'must be a port number from 0 to 65535')
    .default('3000'),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  CASCADE_ADMINS: z
    .string()
    .refine(
      (v) => splitList(v).every((id) => SLACK_USER_ID.test(id)),
      'must be a comma-separated list of Slack user IDs, e.g. U012ABCDEF,U034GHIJKL',
    )
    .optional(),
  CASCADE_AWAY_STATUS: z
    .string()
    .refine((v) => splitList(v).length > 0, 'must be a comma-separated list of words and :emoji:, e.g. vacation,out of office,:palm_tree:')
    .optional(),
  METRICS_PORT: z
    .string()
    .regex(/^\d{1,5}$/, 'must be a port number from 0 to 65535 for /metrics alone')
    .refine((v) => Number(v) <= 65535, 'must be a port number from 0 to 65535 for /metrics alone')
    .optional(),
  METRICS_HOST: z
    .string()
    .regex(/^[A-Za-z0-9.:[\]-]+$/, 'must be an address to listen on for /metrics, e.g. 127.0.0.1 (the default) or 0.0.0.0')
    .default('127.0.0.1'),
  METRICS_TOKEN: z
    .string()
    .regex(/^[\x21-\x7e]{16,}$/, 'must be at least 16 characters without spaces: Prometheus sends it as "Authorization: Bearer <token>"')
    .optional(),
  METRICS_TEAM_LABELS: z.enum(['on', 'off'], { error: 'must be on or off' }).default('off'),
  LOG_BODIES: z.enum(['on', 'off'], { error: 'must be on or off' }).default('off'),
  CASCADE_LLM_URL: z
    .string()
    .regex(
      /^https?:\/\/\S+$/,
      'must be the http(s) base URL of an OpenAI-compatible API, e.g. https://api.openai.com/v1 or http://127.0.0.1:11434/v1 (Ollama)',
    )
    .optional(),
  CASCADE_LLM_MODEL: z
    .string()
    .regex(/^\S{1,200}$/, 'must be the name of a model the endpoint serves, e.g. gpt-4o-mini or llama3.1 (no spaces)')
    .optional(),
  CASCADE_LLM_KEY: z.string().regex(/^\S+$/, 'must be the API key the endpoint expects (no spaces)').optional(),
  CASCADE_ENCRYPTION_KEY: z
    .string()
    .refine((v) => readEncryptionKey(v) !== null, KEY_HINT)
    .optional(),
  HUBSPOT_ACCESS_TOKEN: z
    .string()
    .regex(/^\S{8,}$/, 'must be a HubSpot private app access token (Settings → Integrations → Private Apps), e.g. pat-na1-…')
    .optional(),
  HUBSPOT_API_URL: z
    .string()
    .regex(/^https?:\/\/\S+$/, 'must be an http(s) base URL of the HubSpot API, e.g. https://api.hubapi.com')
    .optional(),
  SALESFORCE_INSTANCE_URL: z
    .string()
    .regex(/^https?:\/\/\S+$/, 'must be the http(s) URL of your Salesforce instance, e.g. https://yourcompany.my.salesforce.com')
    .optional(),
  SALESFORCE_ACCESS_TOKEN: z
    .string()
    .regex(/^\S{8,}$/, 'must be a Salesforce access token (no spaces)')
    .optional(),
  SALESFORCE_LOGIN_URL: z
    .string()
    .regex(/^https?:\/\/\S+$/, 'must be the http(s) login URL, e.g. https://login.salesforce.com or https://test.salesforce.com')
    .optional(),
  SALESFORCE_USERNAME: z
    .string()
    .regex(/^\S+@\S+$/, 'must be the Salesforce username, which reads like an email')
    .optional(),
  SALESFORCE_PASSWORD: z.string().min(1).optional(),
  RETENTION_DAYS: z
    .string()
    .regex(/^\d{1,5}$/, 'must be a whole number of days from 30 to 36500')
    .refine((v) => Number(v) >= 30 && Number(v) <= 36_500, 'must be a whole number of days from 30 to 36500')
    .default('400'),
  PURGE_AFTER_DAYS: z
    .string()
    .regex(/^\d{1,3}$/, 'must be a whole number of days from 0 to 365')
    .refine((v) => Number(v) <= 365, 'must be a whole number of days from 0 to 365')
    .default('30'),
});

function splitList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

interface LoadOptions {
  /** `start` needs Slack credentials; `migrate` and `org import --team` do not. */
  readonly requireSlack: boolean;
}

/** Validates the whole environment at once so that one message can list every problem. */
export function loadConfig(env: Environment, options: LoadOptions): ConfigResult {
  // An empty variable is '' rather than undefined; treat it as unset so defaults and "missing" apply.
  const cleaned: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    if (value !== undefined && value.trim() !== '') cleaned[key] = value.trim();
  }

  const parsed = schema.safeParse(cleaned);
  const problems: string[] = [];
  if (!parsed.success) {
    const named = new Set<string>();
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0] ?? 'environment');
      if (named.has(name)) continue;
      named.add(name);
      problems.push(`${name} ${issue.message}`);
    }
  }

  const has = (key: string) => cleaned[key] !== undefined;
  const oauth = OAUTH_VARIABLES.some(has);
  const noSlackCredentials = !oauth && !has('SLACK_BOT_TOKEN') && !has('SLACK_SIGNING_SECRET') && !has('SLACK_APP_TOKEN');
  if (options.requireSlack && oauth) problems.push(...oauthProblems(has));
  if (options.requireSlack && !oauth && !noSlackCredentials) {
    if (!has('SLACK_BOT_TOKEN')) {
      problems.push('SLACK_BOT_TOKEN is missing: the bot token that starts with "xoxb-" (OAuth & Permissions page)');
    }
    if (!has('SLACK_APP_TOKEN') && !has('SLACK_SIGNING_SECRET')) {
      problems.push(
        'SLACK_SIGNING_SECRET is missing: HTTP mode needs the signing secret (Basic Information page); ' +
          'or set SLACK_APP_TOKEN (starts with "xapp-") to use Socket Mode',
      );
    }
  }
  if (options.requireSlack && noSlackCredentials) {
    problems.push(
      'SLACK_BOT_TOKEN is missing: the bot token that starts with "xoxb-"',
      'SLACK_SIGNING_SECRET or SLACK_APP_TOKEN is missing: the signing secret (HTTP mode) or an app-level token (Socket Mode)',
    );
  }

  // Written summaries need an endpoint and a model together; a key alone, or a model alone, is a mistake worth saying.
  if (has('CASCADE_LLM_URL') && !has('CASCADE_LLM_MODEL'))
    problems.push('CASCADE_LLM_MODEL is missing: CASCADE_LLM_URL is set, so name the model to use (e.g. gpt-4o-mini)');
  if (!has('CASCADE_LLM_URL') && (has('CASCADE_LLM_MODEL') || has('CASCADE_LLM_KEY')))
    problems.push('CASCADE_LLM_URL is missing: CASCADE_LLM_MODEL or CASCADE_LLM_KEY is set, but not the endpoint to send to');

  problems.push(...crmProblems(has));

  if (problems.length > 0 || !parsed.success) {
    return { ok: false, problems, noSlackCredentials: options.requireSlack && noSlackCredentials };
  }

  const v = parsed.data;
  const apiUrl = v.SLACK_API_URL === undefined ? undefined : v.SLACK_API_URL.endsWith('/') ? v.SLACK_API_URL : `${v.SLACK_API_URL}/`;
  const config: Config = {
    slack: {
      botToken: v.SLACK_BOT_TOKEN,
      signingSecret: v.SLACK_SIGNING_SECRET,
      appToken: v.SLACK_APP_TOKEN,
      apiUrl,
      mode: v.SLACK_APP_TOKEN ? 'socket' : 'http',
      ...(v.SLACK_CLIENT_ID && v.SLACK_CLIENT_SECRET && v.SLACK_STATE_SECRET
        ? { oauth: { clientId: v.SLACK_CLIENT_ID, clientSecret: v.SLACK_CLIENT_SECRET, stateSecret: v.SLACK_STATE_SECRET } }
        : {}),
    },
    databaseUrl: v.DATABASE_URL,
    sandboxDatabaseUrl: v.SANDBOX_DATABASE_URL,
    sandboxHistoryDays: Number(v.SANDBOX_HISTORY_DAYS),
    dataDir: resolve(v.DATA_DIR),
    port: Number(v.PORT),
    logLevel: v.LOG_LEVEL,
    admins: Object.freeze(v.CASCADE_ADMINS ? splitList(v.CASCADE_ADMINS) : []),
    awayStatus: Object.freeze(v.CASCADE_AWAY_STATUS ? splitList(v.CASCADE_AWAY_STATUS) : [...DEFAULT_AWAY_STATUS]),
    metrics: {
      ...(v.METRICS_PORT !== undefined ? { port: Number(v.METRICS_PORT) } : {}),
      host: v.METRICS_HOST,
      ...(v.METRICS_TOKEN !== undefined ? { token: v.METRICS_TOKEN } : {}),
      teamLabels: v.METRICS_TEAM_LABELS === 'on',
    },
    logBodies: v.LOG_BODIES === 'on',
    ...(v.CASCADE_LLM_URL && v.CASCADE_LLM_MODEL
      ? { llm: { url: v.CASCADE_LLM_URL, model: v.CASCADE_LLM_MODEL, ...(v.CASCADE_LLM_KEY ? { key: v.CASCADE_LLM_KEY } : {}) } }
      : {}),
    ...(crmOf(v) ? { crm: crmOf(v)! } : {}),
    retention: { retentionDays: Number(v.RETENTION_DAYS), purgeAfterDays: Number(v.PURGE_AFTER_DAYS) },
    ...(v.CASCADE_ENCRYPTION_KEY ? { encryptionKey: readEncryptionKey(v.CASCADE_ENCRYPTION_KEY)!.toString('hex') } : {}),
  };
  return { ok: true, config: deepFreeze(config) };
}

const OAUTH_VARIABLES = ['SLACK_CLIENT_ID', 'SLACK_CLIENT_SECRET', 'SLACK_STATE_SECRET'] as const;

/**
 * Installs by OAuth: the three variables together, in HTTP mode (Slack sends installs' requests to a public URL;
 * the Marketplace takes no Socket Mode app), with the key that seals the tokens, and never with SLACK_BOT_TOKEN.
 */
function oauthProblems(has: (key: string) => boolean): string[] {
  const problems = OAUTH_VARIABLES.filter((k) => !has(k)).map(
    (k) => `${k} is missing: installs by OAuth need SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET together`,
  );
  if (has('SLACK_BOT_TOKEN'))
    problems.push(
      'SLACK_BOT_TOKEN and SLACK_CLIENT_ID are both set: use one bot token for one workspace, or OAuth installs for many, not both',
    );
  if (has('SLACK_APP_TOKEN'))
    problems.push('SLACK_APP_TOKEN is set: installs by OAuth run in HTTP mode (set SLACK_SIGNING_SECRET and remove SLACK_APP_TOKEN)');
  if (!has('SLACK_SIGNING_SECRET'))
    problems.push(
      'SLACK_SIGNING_SECRET is missing: installs by OAuth run in HTTP mode and need the signing secret (Basic Information page)',
    );
  if (!has('CASCADE_ENCRYPTION_KEY'))
    problems.push(`CASCADE_ENCRYPTION_KEY is missing: installs by OAuth keep every workspace's tokens sealed with it; it ${KEY_HINT}`);
  return problems;
}

/** One CRM from the environment, complete: HubSpot's token, or Salesforce's instance and token, or a login. */
function crmProblems(has: (key: string) => boolean): string[] {
  const problems: string[] = [];
  const hubspot = has('HUBSPOT_ACCESS_TOKEN') || has('HUBSPOT_API_URL');
  const salesforce = [
    'SALESFORCE_INSTANCE_URL',
    'SALESFORCE_ACCESS_TOKEN',
    'SALESFORCE_LOGIN_URL',
    'SALESFORCE_USERNAME',
    'SALESFORCE_PASSWORD',
  ].some(has);
  if (hubspot && salesforce)
    problems.push('HUBSPOT_ACCESS_TOKEN and SALESFORCE_* are both set: a workspace reads one CRM; keep the one you use');
  if (has('HUBSPOT_API_URL') && !has('HUBSPOT_ACCESS_TOKEN'))
    problems.push('HUBSPOT_ACCESS_TOKEN is missing: HUBSPOT_API_URL is set, but not the private app token to read it with');
  if (salesforce && !hubspot) {
    const token = has('SALESFORCE_ACCESS_TOKEN');
    const login = has('SALESFORCE_USERNAME') || has('SALESFORCE_PASSWORD');
    if (token && !has('SALESFORCE_INSTANCE_URL'))
      problems.push(
        'SALESFORCE_INSTANCE_URL is missing: an access token belongs to an instance, e.g. https://yourcompany.my.salesforce.com',
      );
    if (!token && !login)
      problems.push(
        'SALESFORCE_ACCESS_TOKEN is missing: set it with SALESFORCE_INSTANCE_URL, or log in with SALESFORCE_USERNAME and SALESFORCE_PASSWORD',
      );
    if (login && !(has('SALESFORCE_USERNAME') && has('SALESFORCE_PASSWORD')))
      problems.push('SALESFORCE_USERNAME and SALESFORCE_PASSWORD go together (the password followed by the security token)');
  }
  return problems;
}

function crmOf(v: Record<string, string | undefined>): CrmCredentials | undefined {
  if (v.HUBSPOT_ACCESS_TOKEN)
    return { provider: 'hubspot', accessToken: v.HUBSPOT_ACCESS_TOKEN, ...(v.HUBSPOT_API_URL ? { baseUrl: v.HUBSPOT_API_URL } : {}) };
  if (v.SALESFORCE_ACCESS_TOKEN || v.SALESFORCE_USERNAME)
    return {
      provider: 'salesforce',
      ...(v.SALESFORCE_INSTANCE_URL ? { instanceUrl: v.SALESFORCE_INSTANCE_URL } : {}),
      ...(v.SALESFORCE_ACCESS_TOKEN ? { accessToken: v.SALESFORCE_ACCESS_TOKEN } : {}),
      ...(v.SALESFORCE_LOGIN_URL ? { loginUrl: v.SALESFORCE_LOGIN_URL } : {}),
      ...(v.SALESFORCE_USERNAME ? { username: v.SALESFORCE_USERNAME } : {}),
      ...(v.SALESFORCE_PASSWORD ? { password: v.SALESFORCE_PASSWORD } : {}),
    };
  return undefined;
}

/** The text a user sees when configuration fails: every problem, and where to look. */
export function describeProblems(result: Extract<ConfigResult, { ok: false }>): string {
  if (result.noSlackCredentials) {
    return [
      'Cascade needs a Slack app to talk to, and none is configured yet.',
      '',
      'Missing: SLACK_BOT_TOKEN, and SLACK_SIGNING_SECRET (HTTP mode) or SLACK_APP_TOKEN (Socket Mode).',
      '',
      'To create the app:',
      '  1. Open https://api.slack.com/apps → "Create New App" → "From an app manifest", pick your workspace.',
      '  2. Paste the contents of manifest.yml from this folder, review, and create.',
      '  3. "Install to Workspace", then copy the Bot User OAuth Token (xoxb-…) into SLACK_BOT_TOKEN.',
      '  4. For HTTP mode copy "Signing Secret" (Basic Information) into SLACK_SIGNING_SECRET;',
      '     for Socket Mode create an App-Level Token with connections:write into SLACK_APP_TOKEN.',
      '  5. Put them in a .env file here (see .env.example) and run `npm start` again.',
      ...result.problems.filter((p) => !p.startsWith('SLACK_')).map((p) => `Also: ${p}`),
    ].join('\n');
  }
  const lines = result.problems.map((p) => `  - ${p}`);
  const noun = result.problems.length === 1 ? 'problem' : 'problems';
  return [
    `Cascade cannot start: the environment has ${result.problems.length} ${noun}:`,
    ...lines,
    'See .env.example and README.md (Configuration).',
  ].join('\n');
}

/** The process environment, with a `.env` file in the working directory filling what is unset. */
export function readEnvironment(cwd: string = process.cwd()): Environment {
  const file = resolve(cwd, '.env');
  const fromFile = existsSync(file) ? parseEnv(readFileSync(file, 'utf8')) : {};
  return { ...fromFile, ...process.env };
}

/** Values that must never reach a log line, whatever shape the log call has. */
export function secretsOf(config: Config): string[] {
  const crm = config.crm;
  const values = [
    config.slack.botToken,
    config.slack.signingSecret,
    config.slack.appToken,
    config.slack.oauth?.clientSecret,
    config.slack.oauth?.stateSecret,
    config.metrics.token,
    config.llm?.key,
    config.encryptionKey,
    crm?.provider === 'hubspot' ? crm.accessToken : crm?.accessToken,
    crm?.provider === 'salesforce' ? crm.password : undefined,
  ];
  if (config.databaseUrl) {
    const password = safePassword(config.databaseUrl);
    if (password) values.push(password);
  }
  return values.filter((v): v is string => typeof v === 'string' && v.length >= 6);
}

function safePassword(url: string): string | undefined {
  try {
    const password = decodeURIComponent(new URL(url).password);
    return password || undefined;
  } catch {
    return undefined;
  }
}

function deepFreeze<T extends object>(value: T): T {
  for (const child of Object.values(value)) {
    if (child && typeof child === 'object' && !Object.isFrozen(child)) deepFreeze(child);
  }
  return Object.freeze(value);
}
