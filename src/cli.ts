import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { systemClock } from './time/clock';
import { deliveryHandlers } from './slack/deliveries';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { webApi } from '@slack/bolt';
import { startSandbox, type RunningSandbox } from './sandbox/run';
import { describeProblems, loadConfig, readEnvironment, secretsOf, type Config, type CrmCredentials, type Environment } from './config';
import { DataDirInUseError, openDatabase, type Db } from './db/connect';
import { migrateToLatest } from './db/migrate';
import { describeSlackFailure, messengerFor, startCascade, StartupError, type RunningCascade } from './index';
import { tick } from './scheduler/tick';
import { boltLogger, createLog, type Log } from './log';
import { importGoals, importProgress } from './accountability/goals';
import { importHolidays } from './calendar/hours';
import { exportCsv } from './digests/export';
import { plainText, UserError } from './errors';
import { describeImport, importOrgChart } from './org/import';
import { openWorkspace } from './checkins/cadences';
import { getWorkspace } from './org/people';
import { webClientOptions } from './slack/app';
import { slackDirectory } from './slack/directory';
import { connectCrm, crmSettings, providerName } from './crm/connections';
import { rotateSecrets } from './db/sealed';
import { KEY_HINT, readEncryptionKey, secretBox } from './secrets';
import { crmStatus, describeCrmStatus } from './crm/status';
import { describeSync, syncWorkspace } from './crm/sync';
import { purgeWorkspace } from './db/retention';
import { describeForgotten, forgetPerson } from './org/forget';

const USAGE = `Usage: cascade <command>

Commands:
  start                                   run Cascade (Slack app, scheduler); the default of npm start.
                                          Without any Slack credentials it runs the sandbox instead
  sandbox [--reset]                       run Cascade against a built-in Slack stand-in with a demo sales org,
                                          in a browser at http://localhost:PORT/sandbox (127.0.0.1 only);
                                          --reset starts the demo again
  migrate                                 apply pending database migrations and exit
  org import <file.csv> [--dry-run] [--team T…]
                                          load the whole org chart from CSV (columns: slack_user_id or email,
                                          name, role, manager, admin); --dry-run prints what would change;
                                          --team is needed only without SLACK_BOT_TOKEN
  goals import <file.csv> [--dry-run] [--team T…]
                                          set goals from CSV (columns: person, goal, target, unit, period,
                                          and optionally scope: person or team; person is a Slack ID or email)
  progress import <file.csv> [--dry-run] [--team T…]
                                          record progress from CSV (columns: person, goal, value, date)
  holidays import <file.csv> [--dry-run] [--team T…]
                                          load holidays from CSV (columns: date, and optionally name): nothing
                                          is sent on them and no answer window closes on them
  export --from <date> --to <date> [--out dir] [--team T…]
                                          write checkins.csv, answers.csv, commitments.csv, goals.csv and
                                          progress.csv for a BI tool (default --out: the current folder)
  crm sync [--full] [--team T…]           read what changed in the CRM since the last sync (--full: everything,
                                          and what the CRM no longer has is deleted); goals that follow a CRM
                                          measure get their progress from it
  crm status [--team T…]                  the CRM connection, the last sync, and owners and people not matched
  crm connect hubspot --token <pat-…> [--api-url <url>] [--team T…]
  crm connect salesforce --instance-url <url> --token <access token> [--team T…]
  crm connect salesforce --login-url <url> --username <u> --password <password+security token> [--team T…]
                                          keep the workspace's CRM credentials, encrypted with
                                          CASCADE_ENCRYPTION_KEY; the next sync reads everything
  keys rotate --new-key <key>             seal every stored credential with a new CASCADE_ENCRYPTION_KEY (in one
                                          transaction); then start Cascade with the new key
  forget <user> [--team T…]               remove what a person wrote (answers, commitments' words, replies, notes,
                                          topics), keeping the counts; user: a Slack user ID or an email
  purge --team T…                         delete everything of a workspace now (what PURGE_AFTER_DAYS does after
                                          the app is removed); it cannot be undone
  tick [--at <ISO instant>]               run one scheduler step now, or as if it were that instant
  help                                    this text

Configuration comes from the environment and an optional .env file: see README.md.`;

interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly env: Environment;
}

const processIo = (): Io => ({
  out: (t) => process.stdout.write(`${t}\n`),
  err: (t) => process.stderr.write(`${t}\n`),
  env: readEnvironment(),
});

/** Runs one `cascade` command; resolves to the exit code (`start` resolves only when it stops). */
export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  // biome-ignore lint/suspicious/noImplicitAnyLet: its type is parseArgs's, inferred from the options just below
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        'dry-run': { type: 'boolean' },
        team: { type: 'string' },
        at: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        reset: { type: 'boolean' },
        full: { type: 'boolean' },
        token: { type: 'string' },
        'api-url': { type: 'string' },
        'instance-url': { type: 'string' },
        'login-url': { type: 'string' },
        username: { type: 'string' },
        password: { type: 'string' },
        'new-key': { type: 'string' },
      },
    });
  } catch (err) {
    io.err(`${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const [command = 'help', ...rest] = parsed.positionals;
  if (parsed.values.help || command === 'help') {
    io.out(USAGE);
    return 0;
  }
  switch (command) {
    case 'start':
      if (rest.length) return usageError(io, `start takes no arguments`);
      return start(io);
    case 'sandbox':
      if (rest.length) return usageError(io, 'expected: cascade sandbox [--reset]');
      return sandbox(io, { reset: parsed.values.reset === true });
    case 'migrate':
      if (rest.length) return usageError(io, `migrate takes no arguments`);
      return migrate(io);
    case 'org': {
      const [sub, file, ...extra] = rest;
      if (sub !== 'import' || !file || extra.length)
        return usageError(io, 'expected: cascade org import <file.csv> [--dry-run] [--team T…]');
      return orgImport(io, file, { dryRun: parsed.values['dry-run'] === true, team: parsed.values.team });
    }
    case 'goals':
    case 'progress':
    case 'holidays': {
      const [sub, file, ...extra] = rest;
      if (sub !== 'import' || !file || extra.length)
        return usageError(io, `expected: cascade ${command} import <file.csv> [--dry-run] [--team T…]`);
      return accountabilityImport(io, command, file, { dryRun: parsed.values['dry-run'] === true, team: parsed.values.team });
    }
    case 'export': {
      const { from, to, out } = parsed.values;
      if (rest.length || !from || !to)
        return usageError(io, 'expected: cascade export --from <YYYY-MM-DD> --to <YYYY-MM-DD> [--out dir] [--team T…]');
      return runExport(io, { from, to, out: out ?? '.', team: parsed.values.team });
    }
    case 'crm':
      return crmCommand(io, rest, parsed.values);
    case 'keys':
      if (rest.length !== 1 || rest[0] !== 'rotate' || !parsed.values['new-key'])
        return usageError(io, 'expected: cascade keys rotate --new-key <32 random bytes as 64 hex characters or base64>');
      return rotateKeys(io, parsed.values['new-key']);
    case 'forget': {
      const [who, ...extra] = rest;
      if (!who || extra.length) return usageError(io, 'expected: cascade forget <Slack user ID or email> [--team T…]');
      return forget(io, who, parsed.values.team);
    }
    case 'purge':
      if (rest.length || !parsed.values.team)
        return usageError(io, 'expected: cascade purge --team T… (the workspace to delete, named in full)');
      return purge(io, parsed.values.team);
    case 'tick':
      if (rest.length) return usageError(io, 'expected: cascade tick [--at <ISO instant>]');
      return runTick(io, parsed.values.at);
    default:
      return usageError(io, `unknown command "${command}"`);
  }
}

function usageError(io: Io, message: string): number {
  io.err(`cascade: ${message}\n\n${USAGE}`);
  return 2;
}

function configFor(io: Io, requireSlack: boolean): Config | null {
  const result = loadConfig(io.env, { requireSlack });
  if (result.ok) return result.config;
  io.err(describeProblems(result));
  return null;
}

function logFor(config: Config): Log {
  return createLog({ level: config.logLevel, secrets: secretsOf(config), bodies: config.logBodies });
}

async function start(io: Io): Promise<number> {
  const result = loadConfig(io.env, { requireSlack: true });
  // No Slack credentials at all, and nothing else wrong: try Cascade in the sandbox.
  if (!result.ok && result.noSlackCredentials && result.problems.every((p) => p.startsWith('SLACK_'))) return sandbox(io, { reset: false });
  if (!result.ok) {
    io.err(describeProblems(result));
    return 2;
  }
  const config = result.config;
  const log = logFor(config);
  // A promise nobody awaited that fails is logged; it never takes the whole service down with it.
  process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection; Cascade keeps running'));
  // Listened for before starting: /readyz answers before the scheduler is set up, and a SIGTERM in between must
  // stop Cascade cleanly once it has started, not kill it half-way.
  const signalled = signalOnce(log);
  let running: RunningCascade;
  try {
    running = await startCascade(config, { log });
  } catch (err) {
    if (err instanceof StartupError || err instanceof DataDirInUseError) {
      log.fatal(err.message);
      return 1;
    }
    log.fatal({ err }, 'Cascade failed to start');
    return 1;
  }
  return stopWhen(signalled, log, () => running.stop());
}

/** Once signalled, stops what runs: 0, or 1 when stopping failed. */
async function stopWhen(signalled: Promise<string>, log: Log, stop: () => Promise<void>): Promise<number> {
  await signalled;
  try {
    await stop();
    return 0;
  } catch (err) {
    log.error({ err }, 'error while shutting down');
    return 1;
  }
}

/** The first SIGTERM or SIGINT; from then on, whatever happens, the process is gone within 5 seconds. */
function signalOnce(log: Log): Promise<string> {
  return new Promise<string>((resolve) => {
    const shutdown = (signal: string) => {
      log.info({ signal }, 'shutting down');
      setTimeout(() => {
        log.error('shutdown took longer than 5 s; exiting anyway');
        process.exit(1);
      }, 5000).unref();
      resolve(signal);
    };
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGINT', () => shutdown('SIGINT'));
  });
}

/**
 * `cascade sandbox`: the same Cascade against the built-in Slack stand-in, with the demo org. Prints one
 * line, the page's address; logs only warnings unless LOG_LEVEL says otherwise.
 */
async function sandbox(io: Io, options: { reset: boolean }): Promise<number> {
  const config = configFor(io, false);
  if (!config) return 2;
  const log = createLog({
    level: io.env.LOG_LEVEL?.trim() ? config.logLevel : 'warn',
    secrets: secretsOf(config),
    bodies: config.logBodies,
  });
  process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection; the sandbox keeps running'));
  const signalled = signalOnce(log);
  let running: RunningSandbox;
  try {
    running = await startSandbox(config, { log, reset: options.reset });
  } catch (err) {
    if (err instanceof StartupError || err instanceof DataDirInUseError) {
      io.err(`cascade sandbox: ${err.message}`);
      return 1;
    }
    log.fatal({ err }, 'the sandbox failed to start');
    return 1;
  }
  io.out(
    `Sandbox: ${running.url} (to connect a real workspace: create the Slack app from manifest.yml and see "Connect a real workspace" in the README)`,
  );
  return stopWhen(signalled, log, () => running.stop());
}

/**
 * Opens the configured database, brings it up to date, runs `work`, and closes it; any failure is one
 * line on standard error and exit code 1.
 */
async function withDatabase(io: Io, config: Config, command: string, work: (db: Db) => Promise<number>): Promise<number> {
  try {
    const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
    try {
      return await work(db);
    } finally {
      await db.close();
    }
  } catch (err) {
    io.err(`cascade ${command}: ${plainText((err as Error).message)}`);
    return 1;
  }
}

async function migrate(io: Io): Promise<number> {
  const config = configFor(io, false);
  if (!config) return 2;
  return withDatabase(io, config, 'migrate', async (db) => {
    const { applied } = await migrateToLatest(db.db);
    io.out(applied.length ? `Applied ${applied.length} migration(s): ${applied.join(', ')}` : 'The database is up to date.');
    return 0;
  });
}

function readInput(io: Io, command: string, file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    io.err(`cascade ${command}: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    return null;
  }
}

/** The workspace a command works on: the bot token's (checked with auth.test), or `--team` without one. */
async function resolveTeam(
  io: Io,
  config: Config,
  command: string,
  team: string | undefined,
  missing: string,
): Promise<{ teamId: string; teamName: string; client: webApi.WebClient | null } | number> {
  let teamId = team;
  let teamName = '';
  let client: webApi.WebClient | null = null;
  if (config.slack.botToken) {
    const log = logFor(config);
    client = new webApi.WebClient(config.slack.botToken, {
      ...webClientOptions(config, { retries: 3, timeoutMs: 10_000 }),
      logger: boltLogger(log),
    });
    try {
      const auth = await client.auth.test();
      if (teamId && auth.team_id !== teamId) {
        io.err(`cascade ${command}: --team ${teamId} does not match the workspace of SLACK_BOT_TOKEN (${auth.team_id}).`);
        return 2;
      }
      teamId = auth.team_id;
      teamName = auth.team ?? '';
    } catch (err) {
      io.err(`cascade ${command}: ${describeSlackFailure(err, config)}`);
      return 1;
    }
  }
  if (!teamId) {
    io.err(`cascade ${command}: ${missing}`);
    return 2;
  }
  return { teamId, teamName, client };
}

async function orgImport(io: Io, file: string, options: { dryRun: boolean; team?: string }): Promise<number> {
  const config = configFor(io, false);
  if (!config) return 2;
  const csv = readInput(io, 'org import', file);
  if (csv === null) return 2;
  const resolved = await resolveTeam(
    io,
    config,
    'org import',
    options.team,
    'set SLACK_BOT_TOKEN (names, emails and time zones then come from Slack), or give --team T… with Slack IDs and names in the file.',
  );
  if (typeof resolved === 'number') return resolved;
  const { teamId: team, teamName, client } = resolved;
  return withDatabase(io, config, 'org import', async (db) => {
    await migrateToLatest(db.db);
    await openWorkspace(db.db, team, teamName, systemClock.now());
    const outcome = await importOrgChart(
      { db: db.db, directory: client ? slackDirectory(client) : null, now: systemClock.now() },
      team,
      csv,
      { dryRun: options.dryRun },
    );
    const report = describeImport(outcome);
    if (outcome.ok) io.out(report);
    else io.err(report);
    return outcome.ok ? 0 : 1;
  });
}

async function accountabilityImport(
  io: Io,
  what: 'goals' | 'progress' | 'holidays',
  file: string,
  options: { dryRun: boolean; team?: string },
): Promise<number> {
  const command = `${what} import`;
  const config = configFor(io, false);
  if (!config) return 2;
  const csv = readInput(io, command, file);
  if (csv === null) return 2;
  const resolved = await resolveTeam(
    io,
    config,
    command,
    options.team,
    'set SLACK_BOT_TOKEN, or give --team T… (the workspace whose org chart the file names).',
  );
  if (typeof resolved === 'number') return resolved;
  return withDatabase(io, config, command, async (db) => {
    await migrateToLatest(db.db);
    // Holidays may come before the org chart: the workspace is made for them.
    if (what === 'holidays' && !(await getWorkspace(db.db, resolved.teamId)))
      await openWorkspace(db.db, resolved.teamId, resolved.teamName || resolved.teamId, systemClock.now());
    const run = what === 'goals' ? importGoals : what === 'progress' ? importProgress : importHolidays;
    const outcome = await run(db.db, resolved.teamId, csv, { dryRun: options.dryRun, now: systemClock.now() });
    if (!outcome.ok) {
      io.err(
        [
          `cascade ${command}: nothing was applied; fix these lines and run it again:`,
          ...outcome.errors.map((e) => `  line ${e.line}: ${e.message}`),
        ].join('\n'),
      );
      return 1;
    }
    const noun = what === 'goals' ? 'goal' : what === 'progress' ? 'progress line' : 'holiday';
    io.out(`${options.dryRun ? 'Dry run: would apply' : 'Applied'} ${outcome.applied} ${noun}${outcome.applied === 1 ? '' : 's'}.`);
    return 0;
  });
}

async function runExport(io: Io, options: { from: string; to: string; out: string; team?: string }): Promise<number> {
  const config = configFor(io, false);
  if (!config) return 2;
  const resolved = await resolveTeam(
    io,
    config,
    'export',
    options.team,
    'set SLACK_BOT_TOKEN, or give --team T… (the workspace to export).',
  );
  if (typeof resolved === 'number') return resolved;
  return withDatabase(io, config, 'export', async (db) => {
    await migrateToLatest(db.db);
    let files: Record<string, string>;
    try {
      files = await exportCsv(db.db, resolved.teamId, options.from, options.to);
    } catch (err) {
      if (err instanceof UserError) return usageError(io, plainText(err.message));
      throw err;
    }
    mkdirSync(options.out, { recursive: true });
    for (const [name, text] of Object.entries(files)) writeFileSync(join(options.out, name), text);
    const lines = Object.entries(files).map(([name, text]) => `  ${name}: ${text.split('\r\n').length - 2} rows`);
    io.out([`Exported ${options.from} to ${options.to} into ${options.out}:`, ...lines].join('\n'));
    return 0;
  });
}

const CRM_USAGE =
  'expected: cascade crm sync [--full] | crm status | crm connect hubspot --token <pat-…> [--api-url <url>] | crm connect salesforce --instance-url <url> --token <token> [--team T…]';

async function crmCommand(
  io: Io,
  rest: readonly string[],
  v: {
    full?: boolean;
    team?: string;
    token?: string;
    'api-url'?: string;
    'instance-url'?: string;
    'login-url'?: string;
    username?: string;
    password?: string;
  },
): Promise<number> {
  const [sub, provider, ...extra] = rest;
  if (sub === 'sync' || sub === 'status') {
    if (provider !== undefined) return usageError(io, CRM_USAGE);
  } else if (sub === 'connect') {
    if ((provider !== 'hubspot' && provider !== 'salesforce') || extra.length) return usageError(io, CRM_USAGE);
  } else return usageError(io, CRM_USAGE);
  if (sub !== 'sync' && v.full) return usageError(io, '--full goes with crm sync');
  let credentials: CrmCredentials | undefined;
  if (sub === 'connect') {
    if (provider === 'hubspot') {
      if (!v.token) return usageError(io, 'crm connect hubspot needs --token, the private app access token (pat-…)');
      credentials = { provider: 'hubspot', accessToken: v.token, ...(v['api-url'] ? { baseUrl: v['api-url'] } : {}) };
    } else {
      const byToken = v.token && v['instance-url'];
      const byLogin = v.username && v.password;
      if (!byToken && !byLogin)
        return usageError(
          io,
          'crm connect salesforce needs --instance-url and --token, or --username and --password (with --login-url for a sandbox org)',
        );
      credentials = {
        provider: 'salesforce',
        ...(v['instance-url'] ? { instanceUrl: v['instance-url'] } : {}),
        ...(v.token ? { accessToken: v.token } : {}),
        ...(v['login-url'] ? { loginUrl: v['login-url'] } : {}),
        ...(v.username ? { username: v.username } : {}),
        ...(v.password ? { password: v.password } : {}),
      };
    }
  }
  const config = configFor(io, false);
  if (!config) return 2;
  const command = `crm ${sub}`;
  const resolved = await resolveTeam(
    io,
    config,
    command,
    v.team,
    'set SLACK_BOT_TOKEN, or give --team T… (the workspace whose CRM it is).',
  );
  if (typeof resolved === 'number') return resolved;
  const log = logFor(config);
  const settings = crmSettings(config.crm, config.encryptionKey);
  return withDatabase(io, config, command, async (db) => {
    await migrateToLatest(db.db);
    if (!(await getWorkspace(db.db, resolved.teamId)))
      await openWorkspace(db.db, resolved.teamId, resolved.teamName || resolved.teamId, systemClock.now());
    if (credentials) {
      try {
        await connectCrm(db.db, resolved.teamId, credentials, settings);
      } catch (err) {
        if (err instanceof UserError) {
          io.err(`cascade ${command}: ${plainText(err.message)}`);
          return 2;
        }
        throw err;
      }
      io.out(
        `Connected ${providerName(credentials.provider)}; its credentials are kept encrypted. Run \`cascade crm sync\` to read it now (it also syncs every hour).`,
      );
      return 0;
    }
    if (sub === 'status') {
      io.out(describeCrmStatus(await crmStatus(db.db, resolved.teamId, settings, systemClock.now())).join('\n'));
      return 0;
    }
    const report = await syncWorkspace({ db: db.db, now: () => systemClock.now(), log, settings }, resolved.teamId, {
      full: v.full === true,
    });
    if (report.outcome === 'not_connected') {
      io.err(`cascade ${command}: no CRM is connected: set HUBSPOT_ACCESS_TOKEN (or SALESFORCE_*), or run cascade crm connect.`);
      return 2;
    }
    if (report.outcome !== 'synced') {
      io.err(`cascade ${command}: ${report.message}`);
      return 1;
    }
    io.out(describeSync(report));
    return 0;
  });
}

async function rotateKeys(io: Io, newKey: string): Promise<number> {
  const config = configFor(io, false);
  if (!config) return 2;
  const next = readEncryptionKey(newKey);
  if (!next) return usageError(io, `--new-key ${KEY_HINT}`);
  if (!config.encryptionKey) {
    io.err('cascade keys rotate: CASCADE_ENCRYPTION_KEY is not set: it must be the current key, to open what is stored.');
    return 2;
  }
  return withDatabase(io, config, 'keys rotate', async (db) => {
    await migrateToLatest(db.db);
    try {
      const n = await rotateSecrets(db.db, secretBox(Buffer.from(config.encryptionKey!, 'hex')), secretBox(next));
      io.out(
        `Sealed ${n} stored secret${n === 1 ? '' : 's'} with the new key. Set CASCADE_ENCRYPTION_KEY to it before Cascade starts again.`,
      );
      return 0;
    } catch (err) {
      if (err instanceof UserError) {
        io.err(`cascade keys rotate: ${plainText(err.message)}`);
        return 1;
      }
      throw err;
    }
  });
}

async function forget(io: Io, who: string, team: string | undefined): Promise<number> {
  const config = configFor(io, false);
  if (!config) return 2;
  const resolved = await resolveTeam(io, config, 'forget', team, 'set SLACK_BOT_TOKEN, or give --team T… (the workspace of that person).');
  if (typeof resolved === 'number') return resolved;
  return withDatabase(io, config, 'forget', async (db) => {
    await migrateToLatest(db.db);
    try {
      io.out(describeForgotten(await forgetPerson(db.db, resolved.teamId, who)));
      return 0;
    } catch (err) {
      if (err instanceof UserError) {
        io.err(`cascade forget: ${plainText(err.message)}`);
        return 1;
      }
      throw err;
    }
  });
}

async function purge(io: Io, teamId: string): Promise<number> {
  const config = configFor(io, false);
  if (!config) return 2;
  return withDatabase(io, config, 'purge', async (db) => {
    await migrateToLatest(db.db);
    if (!(await purgeWorkspace(db.db, teamId))) {
      io.err(`cascade purge: no workspace ${teamId} here; nothing was deleted.`);
      return 1;
    }
    io.out(`Purged ${teamId}: its people, conversations, answers, commitments, goals, deliveries and CRM data are deleted.`);
    return 0;
  });
}

async function runTick(io: Io, at: string | undefined): Promise<number> {
  const now = at === undefined ? systemClock.now() : new Date(at);
  if (at !== undefined && (!/^\d{4}-\d{2}-\d{2}T/.test(at) || Number.isNaN(now.getTime()))) {
    return usageError(io, `--at takes an ISO 8601 instant such as 2026-11-23T10:00:00Z, not "${at}"`);
  }
  const config = configFor(io, false);
  if (!config) return 2;
  if (!config.slack.botToken) {
    io.err('cascade tick: SLACK_BOT_TOKEN is missing: a tick sends prompts through Slack.');
    return 2;
  }
  const log = logFor(config);
  return withDatabase(io, config, 'tick', async (db) => {
    await migrateToLatest(db.db);
    const r = await tick(
      { db: db.db, messenger: messengerFor(config, log), log, awayStatus: config.awayStatus, handlers: deliveryHandlers },
      now,
    );
    io.out(
      `tick ${now.toISOString()}: planned ${r.rounds} rounds, ${r.checkins} check-ins, ${r.deliveries} deliveries; ` +
        `sent ${r.sent}, retried ${r.retried}, failed ${r.failed}, cancelled ${r.cancelled}; ` +
        `missed ${r.missed}, reminders ${r.reminders}, rounds closed ${r.closedRounds}`,
    );
    return 0;
  });
}
