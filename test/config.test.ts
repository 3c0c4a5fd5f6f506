import { describeProblems, loadConfig } from '../src/config';

const good = { SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_SIGNING_SECRET: '0123456789abcdef0123456789abcdef' };

describe('loadConfig', () => {
  test('When the HTTP-mode variables are set, then defaults fill the rest and the config is frozen', () => {
    const result = loadConfig(good, { requireSlack: true });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.slack.mode).toBe('http');
    expect(result.config.port).toBe(3000);
    expect(result.config.logLevel).toBe('info');
    expect(result.config.databaseUrl).toBeUndefined();
    expect(result.config.dataDir).toMatch(/data$/);
    expect(Object.isFrozen(result.config.slack)).toBe(true);
  });

  test('When SLACK_APP_TOKEN is set, then Socket Mode is used and no signing secret is needed', () => {
    const result = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1-A1-abc' }, { requireSlack: true });
    expect(result.ok && result.config.slack.mode).toBe('socket');
  });

  test('When SLACK_API_URL lacks a trailing slash, then one is added; empty variables count as unset', () => {
    const result = loadConfig({ ...good, SLACK_API_URL: 'http://127.0.0.1:9/api', DATABASE_URL: '', PORT: '' }, { requireSlack: true });
    expect(result.ok && result.config.slack.apiUrl).toBe('http://127.0.0.1:9/api/');
    expect(result.ok && result.config.port).toBe(3000);
  });

  test('When several variables are wrong, then every one is named once, with what it should look like', () => {
    const result = loadConfig(
      { SLACK_BOT_TOKEN: 'xoxp-user', PORT: '99999', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x', CASCADE_ADMINS: 'U1AA, bob' },
      { requireSlack: true },
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const names = result.problems.map((p) => p.split(' ')[0]);
    expect(names).toEqual(['SLACK_BOT_TOKEN', 'DATABASE_URL', 'PORT', 'LOG_LEVEL', 'CASCADE_ADMINS', 'SLACK_SIGNING_SECRET']);
    const text = describeProblems(result);
    expect(text).toContain('the environment has 6 problems');
    expect(text).toContain('PORT must be a port number from 0 to 65535');
    expect(text).not.toContain('xoxp-user');
  });

  test('When no Slack credential is set at all, then the message explains how to create the app from manifest.yml', () => {
    const result = loadConfig({}, { requireSlack: true });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.noSlackCredentials).toBe(true);
    expect(describeProblems(result)).toContain('manifest.yml');
  });

  test('When a command does not need Slack, then missing credentials are fine', () => {
    expect(loadConfig({}, { requireSlack: false }).ok).toBe(true);
  });
});

describe('The sandbox’s variables', () => {
  test('When SANDBOX_HISTORY_DAYS or SANDBOX_DATABASE_URL are wrong, then each is named; by default six weeks and no database of its own', () => {
    const defaults = loadConfig({}, { requireSlack: false });
    expect(defaults.ok && defaults.config.sandboxHistoryDays).toBe(42);
    expect(defaults.ok && defaults.config.sandboxDatabaseUrl).toBeUndefined();
    const bad = loadConfig({ SANDBOX_HISTORY_DAYS: '365', SANDBOX_DATABASE_URL: 'mysql://x' }, { requireSlack: false });
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.problems.join('\n')).toContain('SANDBOX_HISTORY_DAYS must be a whole number of days from 1 to 120');
    expect(bad.problems.join('\n')).toContain('SANDBOX_DATABASE_URL must be a Postgres connection URL for the sandbox');
  });
});

describe('The metrics and log variables', () => {
  test('When nothing is set, then metrics are served nowhere, with loopback as the address for a port, no team labels and no bodies in logs', () => {
    const result = loadConfig(good, { requireSlack: true });
    expect(result.ok && result.config.metrics).toEqual({ host: '127.0.0.1', teamLabels: false });
    expect(result.ok && result.config.logBodies).toBe(false);
  });

  test('When METRICS_* and LOG_BODIES are set, then they are read; a short token, a bad port or a word other than on/off is named', () => {
    const result = loadConfig(
      {
        ...good,
        METRICS_PORT: '9464',
        METRICS_HOST: '0.0.0.0',
        METRICS_TOKEN: 'a-long-enough-token',
        METRICS_TEAM_LABELS: 'on',
        LOG_BODIES: 'on',
      },
      { requireSlack: true },
    );
    expect(result.ok && result.config.metrics).toEqual({ port: 9464, host: '0.0.0.0', token: 'a-long-enough-token', teamLabels: true });
    expect(result.ok && result.config.logBodies).toBe(true);
    const bad = loadConfig(
      { ...good, METRICS_PORT: '99999', METRICS_TOKEN: 'short', METRICS_TEAM_LABELS: 'yes', LOG_BODIES: 'all' },
      { requireSlack: true },
    );
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    const text = bad.problems.join('\n');
    for (const name of ['METRICS_PORT', 'METRICS_TOKEN', 'METRICS_TEAM_LABELS', 'LOG_BODIES']) expect(text).toContain(name);
    expect(text).not.toContain('short');
  });

  test('When a CRM and the encryption key are set, then they are read (hex or base64); a bad key or half a CRM is named, every problem at once', () => {
    const hex = 'a1'.repeat(32);
    const ok = loadConfig({ ...good, CASCADE_ENCRYPTION_KEY: hex, HUBSPOT_ACCESS_TOKEN: 'pat-na1-abcdef123' }, { requireSlack: true });
    expect(ok.ok && ok.config.crm).toEqual({ provider: 'hubspot', accessToken: 'pat-na1-abcdef123' });
    expect(ok.ok && ok.config.encryptionKey).toBe(hex);
    const b64 = loadConfig({ ...good, CASCADE_ENCRYPTION_KEY: Buffer.from(hex, 'hex').toString('base64') }, { requireSlack: true });
    expect(b64.ok && b64.config.encryptionKey).toBe(hex);
    const login = loadConfig({ ...good, SALESFORCE_USERNAME: 'ops@example.com', SALESFORCE_PASSWORD: 'pw+token' }, { requireSlack: true });
    expect(login.ok && login.config.crm).toEqual({ provider: 'salesforce', username: 'ops@example.com', password: 'pw+token' });
    const bad = loadConfig(
      {
        ...good,
        CASCADE_ENCRYPTION_KEY: 'too-short',
        HUBSPOT_API_URL: 'http://127.0.0.1:9',
        SALESFORCE_ACCESS_TOKEN: '00Dxx!abcdefgh',
      },
      { requireSlack: true },
    );
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.problems).toEqual([
      'CASCADE_ENCRYPTION_KEY must be 32 random bytes as 64 hex characters or as base64, e.g. the output of `openssl rand -hex 32`',
      'HUBSPOT_ACCESS_TOKEN and SALESFORCE_* are both set: a workspace reads one CRM; keep the one you use',
      'HUBSPOT_ACCESS_TOKEN is missing: HUBSPOT_API_URL is set, but not the private app token to read it with',
    ]);
    const half = loadConfig({ ...good, SALESFORCE_ACCESS_TOKEN: '00Dxx!abcdefgh' }, { requireSlack: true });
    expect(!half.ok && half.problems).toEqual([
      'SALESFORCE_INSTANCE_URL is missing: an access token belongs to an instance, e.g. https://yourcompany.my.salesforce.com',
    ]);
  });
});

describe('Installs by OAuth', () => {
  const oauth = {
    SLACK_CLIENT_ID: '1234567890.9876543210',
    SLACK_CLIENT_SECRET: 'abcdef0123456789abcdef0123456789',
    SLACK_STATE_SECRET: 'a-random-state-secret-0123',
    SLACK_SIGNING_SECRET: '0123456789abcdef0123456789abcdef',
    CASCADE_ENCRYPTION_KEY: '00'.repeat(32),
  };

  test('When the three variables, the signing secret and the key are set, then Cascade installs by OAuth in HTTP mode, with no bot token', () => {
    const result = loadConfig(oauth, { requireSlack: true });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.slack.oauth).toEqual({
      clientId: oauth.SLACK_CLIENT_ID,
      clientSecret: oauth.SLACK_CLIENT_SECRET,
      stateSecret: oauth.SLACK_STATE_SECRET,
    });
    expect(result.config.slack.mode).toBe('http');
    expect(result.config.slack.botToken).toBeUndefined();
  });

  test('When OAuth is half set, or set beside SLACK_BOT_TOKEN or Socket Mode, or without the key, then one message names every problem', () => {
    const result = loadConfig(
      {
        SLACK_CLIENT_ID: oauth.SLACK_CLIENT_ID,
        SLACK_BOT_TOKEN: 'xoxb-1-2-abc',
        SLACK_APP_TOKEN: 'xapp-1-A1-abc',
      },
      { requireSlack: true },
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const text = describeProblems(result);
    expect(text).toContain('SLACK_CLIENT_SECRET is missing');
    expect(text).toContain('SLACK_STATE_SECRET is missing');
    expect(text).toContain('SLACK_BOT_TOKEN and SLACK_CLIENT_ID are both set');
    expect(text).toContain('SLACK_APP_TOKEN is set: installs by OAuth run in HTTP mode');
    expect(text).toContain('SLACK_SIGNING_SECRET is missing');
    expect(text).toContain('CASCADE_ENCRYPTION_KEY is missing');
    expect(text).toMatch(/^Cascade cannot start: the environment has 6 problems/);
  });

  test('When the client id or the state secret does not look right, then each is named with what it should look like', () => {
    const result = loadConfig({ ...oauth, SLACK_CLIENT_ID: 'abc', SLACK_STATE_SECRET: 'short' }, { requireSlack: true });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.join('\n')).toMatch(/SLACK_CLIENT_ID must be the Client ID/);
    expect(result.problems.join('\n')).toMatch(/SLACK_STATE_SECRET must be a random string of at least 16 characters/);
  });
});
