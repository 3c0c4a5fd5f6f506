import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listPeople } from '../src/org/people';
import { localDate } from '../src/time/calendar';
import { openDatabase } from '../src/db/connect';
import { cascade, cascadeHere, freePort, waitForHttp } from './support/cli';
import { createTestDb, PGLITE_DUMP_ENV, serverUrl, type TestDb } from './support/db';
import { SlackStandIn } from '../src/slack/stand-in/slack';
import { HubSpotStandIn } from '../src/crm/stand-in/hubspot';
import { ALL_USERS, ORG_CSV } from './support/org-fixture';

jest.setTimeout(60_000);

const SECRET = '0123456789abcdef0123456789abcdef';
let slack: SlackStandIn;
let work: string;

beforeAll(async () => {
  slack = await new SlackStandIn().addUser(...ALL_USERS).start();
  work = mkdtempSync(join(tmpdir(), 'cascade-cli-test-'));
});

afterAll(async () => {
  await slack?.stop();
  rmSync(work, { recursive: true, force: true });
});

beforeEach(() => slack.reset());

/** Where a spawned Cascade keeps its data: a database of the test server, or a PGlite folder of its own. */
async function storage(name: string): Promise<{ env: Record<string, string>; db?: TestDb }> {
  if (serverUrl()) {
    const db = await createTestDb();
    return { env: { DATABASE_URL: db.url! }, db };
  }
  await migratedFolder(join(work, name));
  return { env: { DATA_DIR: join(work, name) } };
}

/** An embedded database folder already migrated (loaded from global setup's dump: quicker than creating one). */
async function migratedFolder(dataDir: string): Promise<void> {
  const db = await openDatabase({ dataDir, loadDataDir: new Blob([readFileSync(process.env[PGLITE_DUMP_ENV]!)]) });
  await db.close();
}

describe('cascade start', () => {
  test('When variables are missing or invalid, then it exits 2 with one message naming each of them', async () => {
    const run = cascadeHere(['start'], {
      SLACK_BOT_TOKEN: 'xoxp-wrong-kind',
      PORT: 'eighty',
      LOG_LEVEL: 'chatty',
      SLACK_API_URL: 'ftp://x',
    });
    const { code } = await run.exit;
    expect(code).toBe(2);
    const err = run.stderr();
    for (const name of ['SLACK_BOT_TOKEN', 'PORT', 'LOG_LEVEL', 'SLACK_API_URL', 'SLACK_SIGNING_SECRET'])
      expect(err).toContain(`- ${name}`);
    expect(err).toContain('the environment has 5 problems');
    expect(err).not.toMatch(/\n\s+at /);
    expect(err).not.toContain('xoxp-wrong-kind');
  });

  test('When no Slack credentials are set at all, then it runs the sandbox: one line with its address, its own data beside DATABASE_URL’s, and SIGTERM stops it', async () => {
    const port = await freePort();
    const data = join(work, 'sandbox-start');
    // On a Postgres server the sandbox gets a database of its own (SANDBOX_DATABASE_URL); otherwise its
    // embedded one under DATA_DIR/sandbox, made ready from the migrated dump.
    const own = serverUrl() ? await createTestDb() : undefined;
    if (!own) await migratedFolder(join(data, 'sandbox', 'db'));
    // A DATABASE_URL that answers nothing: the sandbox never uses it.
    const run = cascade(['start'], {
      DATA_DIR: data,
      PORT: String(port),
      DATABASE_URL: 'postgres://nobody:secret@127.0.0.1:1/none',
      SANDBOX_HISTORY_DAYS: '1',
      ...(own ? { SANDBOX_DATABASE_URL: own.url! } : {}),
    });
    try {
      const deadline = Date.now() + 240_000;
      while (!run.stdout().includes('Sandbox:') && Date.now() < deadline && run.child.exitCode === null)
        await new Promise((r) => setTimeout(r, 200));
      expect(run.stdout().trim()).toBe(
        `Sandbox: http://localhost:${port}/sandbox (to connect a real workspace: create the Slack app from manifest.yml and see "Connect a real workspace" in the README)`,
      );
      const res = await fetch(`http://127.0.0.1:${port}/sandbox`);
      expect(res.status).toBe(200);
      const front = await res.text();
      expect(front).toContain('Casey Chen');
      // The front page says how to leave the sandbox for a real workspace.
      expect(front).toContain('<h2>Connect a real workspace</h2>');
      expect(front).toContain('<code>manifest.yml</code>');
      expect(readdirSync(join(data, 'sandbox'))).toEqual(expect.arrayContaining(own ? ['clock.json'] : ['db', 'clock.json']));
      if (own) expect(await own.db.selectFrom('person').select('slack_user_id').execute()).toHaveLength(17);
      run.child.kill('SIGTERM');
      expect((await run.exit).code).toBe(0);
    } finally {
      run.child.kill('SIGKILL');
      await own?.close();
    }
  }, 300_000);

  test('When only part of the Slack credentials is set, then it exits 2 naming what is missing, and no sandbox starts', async () => {
    const run = cascadeHere(['start'], { SLACK_SIGNING_SECRET: SECRET, DATA_DIR: join(work, 'half') });
    expect((await run.exit).code).toBe(2);
    expect(run.stderr()).toContain('- SLACK_BOT_TOKEN');
    expect(run.stdout()).not.toContain('Sandbox:');
  });

  test('When Slack answers invalid_auth, then it exits 1 with one clear line, before opening the database', async () => {
    slack.onEvery('auth.test', { error: 'invalid_auth' });
    const run = cascade(['start'], {
      SLACK_BOT_TOKEN: 'xoxb-revoked-token',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: slack.apiUrl,
      DATA_DIR: join(work, 'never'),
    });
    const { code } = await run.exit;
    expect(code).toBe(1);
    expect(existsSync(join(work, 'never'))).toBe(false);
    const lines = run.stdout().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!).msg).toContain('Slack rejected SLACK_BOT_TOKEN (invalid_auth)');
    expect(run.stdout()).not.toContain('xoxb-revoked-token');
  });

  test('When Slack is unreachable, then it exits 1 with one clear line, before opening the database', async () => {
    const closed = await freePort();
    const run = cascade(['start'], {
      SLACK_BOT_TOKEN: 'xoxb-some-token',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: `http://127.0.0.1:${closed}/api/`,
      DATA_DIR: join(work, 'never'),
    });
    const { code } = await run.exit;
    expect(code).toBe(1);
    expect(existsSync(join(work, 'never'))).toBe(false);
    const lines = run.stdout().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!).msg).toContain(`Could not reach Slack's Web API at http://127.0.0.1:${closed}/api/ (ECONNREFUSED)`);
  });

  test('When it runs and gets SIGTERM, then it answers /healthz, then stops and exits 0 within 5 s', async () => {
    const { env, db } = await storage('sigterm');
    const port = await freePort();
    const run = cascade(['start'], {
      SLACK_BOT_TOKEN: 'xoxb-good-token',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: slack.apiUrl,
      PORT: String(port),
      ...env,
    });
    try {
      await waitForHttp(`http://127.0.0.1:${port}/readyz`, 30_000);
      const stopAt = Date.now();
      run.child.kill('SIGTERM');
      const { code } = await run.exit;
      expect(code).toBe(0);
      expect(Date.now() - stopAt).toBeLessThan(5000);
      expect(run.stdout()).toContain('Cascade is running');
      expect(run.stdout()).not.toContain('xoxb-good-token');
    } finally {
      run.child.kill('SIGKILL');
      await db?.close();
    }
  });
});

describe('cascade org import', () => {
  test('When run with --dry-run, then it prints what would change and stores nothing; without it, the chart is stored', async () => {
    const { env, db } = await storage('import');
    const file = join(work, 'people.csv');
    writeFileSync(file, ORG_CSV);
    const base = { SLACK_BOT_TOKEN: 'xoxb-good-token', SLACK_API_URL: slack.apiUrl, ...env };
    try {
      const dry = cascadeHere(['org', 'import', file, '--dry-run'], base);
      expect((await dry.exit).code).toBe(0);
      expect(dry.stdout()).toContain('Dry run, nothing changed. Would import: 7 added, 0 updated, 0 deactivated, 0 unchanged.');
      expect(dry.stdout()).toContain('+ Raj Patel (UREP0001): rep, reports to Ann Lee');

      const real = cascadeHere(['org', 'import', file], base);
      expect((await real.exit).code).toBe(0);
      expect(real.stdout()).toContain('Imported: 7 added');

      // Monday 23 November, 10:00 UTC: Raj (10:00 in Kolkata) and Mia (10:00 in London) are due; Leo (Los Angeles) is not yet.
      const ticked = cascadeHere(['tick', '--at', '2026-11-23T10:00:00Z'], base);
      expect((await ticked.exit).code).toBe(0);
      // The two prompts, and Ann's live message for her round (Bob's goes with Leo's prompt, later).
      expect(ticked.stdout()).toContain('tick 2026-11-23T10:00:00.000Z: planned 2 rounds, 3 check-ins, 3 deliveries; sent 3');
      const dms = slack
        .callsTo('chat.postMessage')
        .map((c) => c.args.channel)
        .sort();
      expect(dms).toEqual(['DUMGR0001', 'DUREP0001', 'DUREP0002']);

      const check = db ?? (await openDatabase({ dataDir: env.DATA_DIR! }));
      try {
        const people = await listPeople(check.db, slack.teamId, { activeOnly: true });
        expect(people).toHaveLength(7);
      } finally {
        if (!db) await check.close();
      }
    } finally {
      await db?.close();
    }
  });

  test('When the file has a bad line, then it exits 1 and names the line', async () => {
    const file = join(work, 'bad.csv');
    writeFileSync(file, `${ORG_CSV}\nzed@example.com,Zed,rep,ann@example.com,maybe`);
    const run = cascadeHere(['org', 'import', file], {
      SLACK_BOT_TOKEN: 'xoxb-good-token',
      SLACK_API_URL: slack.apiUrl,
      DATA_DIR: join(work, 'bad'),
    });
    expect((await run.exit).code).toBe(1);
    expect(run.stderr()).toContain('The import was rejected (1 problem); nothing was changed.');
    expect(run.stderr()).toContain('line 9: admin "maybe" should be yes or no');
  });

  test('When the command is unknown or the file is missing, then it exits 2 with usage', async () => {
    const unknown = cascadeHere(['frobnicate'], {});
    expect((await unknown.exit).code).toBe(2);
    expect(unknown.stderr()).toContain('Usage: cascade <command>');
    const missing = cascadeHere(['org', 'import', join(work, 'nope.csv'), '--team', 'T1'], {});
    expect((await missing.exit).code).toBe(2);
    expect(missing.stderr()).toContain('cannot read');
    const badInstant = cascadeHere(['tick', '--at', 'next tuesday'], {});
    expect((await badInstant.exit).code).toBe(2);
    expect(badInstant.stderr()).toContain('--at takes an ISO 8601 instant');
  });
});

describe('cascade goals import and progress import', () => {
  test('When the files are good, then goals and progress are stored; when one line is bad, then it exits 1 naming it and applies nothing', async () => {
    const { env, db } = await storage('goals');
    const base = { SLACK_BOT_TOKEN: 'xoxb-good-token', SLACK_API_URL: slack.apiUrl, ...env };
    const org = join(work, 'org-for-goals.csv');
    writeFileSync(org, ORG_CSV);
    const goals = join(work, 'goals.csv');
    writeFileSync(
      goals,
      'person,goal,target,unit,period,scope\nraj@example.com,New pipeline,250000,USD,monthly,\nann@example.com,New pipeline,450000,USD,monthly,team\n',
    );
    const progress = join(work, 'progress.csv');
    writeFileSync(
      progress,
      'person,goal,value,date\nraj@example.com,New pipeline,120000,2026-11-15\nraj@example.com,New pipeline,lots,2026-11-16\n',
    );
    try {
      expect((await cascadeHere(['org', 'import', org], base).exit).code).toBe(0);
      const g = cascadeHere(['goals', 'import', goals], base);
      expect((await g.exit).code).toBe(0);
      expect(g.stdout()).toContain('Applied 2 goals.');
      const bad = cascadeHere(['progress', 'import', progress], base);
      expect((await bad.exit).code).toBe(1);
      expect(bad.stderr()).toContain(
        'cascade progress import: nothing was applied; fix these lines and run it again:\n  line 3: "lots" is not a number',
      );
      writeFileSync(progress, 'person,goal,value,date\nraj@example.com,New pipeline,120000,2026-11-15\n');
      const good = cascadeHere(['progress', 'import', progress, '--dry-run'], base);
      expect((await good.exit).code).toBe(0);
      expect(good.stdout()).toContain('Dry run: would apply 1 progress line.');
      const check = db ?? (await openDatabase({ dataDir: env.DATA_DIR! }));
      try {
        expect(await check.db.selectFrom('goal').select(['owner_id', 'scope']).orderBy('owner_id').execute()).toEqual([
          { owner_id: 'UMGR0001', scope: 'team' },
          { owner_id: 'UREP0001', scope: 'person' },
        ]);
        expect(await check.db.selectFrom('progress').selectAll().execute()).toHaveLength(0);
      } finally {
        if (!db) await check.close();
      }
    } finally {
      await db?.close();
    }
  });
});

describe('cascade holidays import', () => {
  test('When the file has a bad line, then it exits 1 naming it and applies nothing; a good file is applied', async () => {
    const { env, db } = await storage('holidays');
    const base = { SLACK_BOT_TOKEN: 'xoxb-good-token', SLACK_API_URL: slack.apiUrl, ...env };
    const file = join(work, 'holidays.csv');
    writeFileSync(file, 'date,name\n2026-12-24,Christmas Eve\n24/12/2026,Typo\n');
    try {
      const bad = cascadeHere(['holidays', 'import', file], base);
      expect((await bad.exit).code).toBe(1);
      expect(bad.stderr()).toContain(
        'cascade holidays import: nothing was applied; fix these lines and run it again:\n  line 3: "24/12/2026" is not a date',
      );
      writeFileSync(file, 'date,name\n2026-12-24,Christmas Eve\n2026-12-25,Christmas Day\n');
      const good = cascadeHere(['holidays', 'import', file], base);
      expect((await good.exit).code).toBe(0);
      expect(good.stdout()).toContain('Applied 2 holidays.');
      const check = db ?? (await openDatabase({ dataDir: env.DATA_DIR! }));
      try {
        expect(
          (await check.db.selectFrom('holiday').select(['day', 'name']).orderBy('day').execute()).map((h) => `${h.day} ${h.name}`),
        ).toEqual(['2026-12-24 Christmas Eve', '2026-12-25 Christmas Day']);
      } finally {
        if (!db) await check.close();
      }
    } finally {
      await db?.close();
    }
  });
});

describe('cascade export', () => {
  test('When run with dates and an output folder, then it writes the five CSV files; with a bad range, it exits 2', async () => {
    const { env, db } = await storage('export');
    const base = { SLACK_BOT_TOKEN: 'xoxb-good-token', SLACK_API_URL: slack.apiUrl, ...env };
    const org = join(work, 'org-for-export.csv');
    writeFileSync(org, ORG_CSV);
    const out = join(work, 'exported');
    try {
      expect((await cascadeHere(['org', 'import', org], base).exit).code).toBe(0);
      const run = cascadeHere(['export', '--from', '2026-11-01', '--to', '2026-11-30', '--out', out], base);
      expect((await run.exit).code).toBe(0);
      expect(run.stdout()).toContain('Exported 2026-11-01 to 2026-11-30 into');
      expect(readdirSync(out).sort()).toEqual(['answers.csv', 'checkins.csv', 'commitments.csv', 'goals.csv', 'progress.csv']);
      expect(readFileSync(join(out, 'checkins.csv'), 'utf8').split('\r\n')[0]).toBe(
        'checkin_id,occurrence,cadence,level,leader_id,person_id,name,part,status,skip_reason,due_at,answered_at',
      );
      const bad = cascadeHere(['export', '--from', '2026-12-01', '--to', '2026-11-01'], base);
      expect((await bad.exit).code).toBe(2);
      expect(bad.stderr()).toContain('The start date 2026-12-01 is after the end date 2026-11-01.');
    } finally {
      await db?.close();
    }
  });
});

describe('cascade crm', () => {
  test('When a workspace is connected to HubSpot, then its token is kept only sealed, the sync reads it, status names who is unmatched, and typed progress on a CRM goal is refused', async () => {
    const token = 'pat-na1-cli-test-0000-1111-2222';
    const hubspot = await new HubSpotStandIn({ token }).start();
    hubspot.addOwner(
      { id: '9', email: 'raj@example.com', firstName: 'Raj' },
      { id: '10', email: 'nobody@example.com', firstName: 'No', lastName: 'Body' },
    );
    // Won on the first of Raj's month (his zone's), so that it is in the period whatever the hour the test runs.
    const monthStart = `${localDate(new Date(), 'Asia/Kolkata').slice(0, 8)}01`;
    hubspot.createDeal({ ownerId: '9', amount: 1200, stage: 'closedwon', closeDate: `${monthStart}T00:00:00.000Z` });
    hubspot.createDeal({ ownerId: '10', amount: 800 });
    const { env, db } = await storage('crm');
    const key = 'ab'.repeat(32);
    const base = { SLACK_BOT_TOKEN: 'xoxb-good-token', SLACK_API_URL: slack.apiUrl, ...env };
    const org = join(work, 'org-for-crm.csv');
    writeFileSync(org, ORG_CSV);
    const goals = join(work, 'crm-goals.csv');
    writeFileSync(goals, 'person,goal,target,unit,period,source\nraj@example.com,New bookings,5000,USD,monthly,crm closed_won_amount\n');
    const progress = join(work, 'crm-progress.csv');
    writeFileSync(progress, 'person,goal,value,date\nraj@example.com,New bookings,4000,2026-11-15\n');
    try {
      expect((await cascadeHere(['org', 'import', org], base).exit).code).toBe(0);
      const keyless = cascadeHere(['crm', 'connect', 'hubspot', '--token', token, '--api-url', hubspot.url], base);
      expect((await keyless.exit).code).toBe(2);
      expect(keyless.stderr()).toContain('CASCADE_ENCRYPTION_KEY is not set: CRM credentials are kept only encrypted');
      const withKey = { ...base, CASCADE_ENCRYPTION_KEY: key };
      const connect = cascadeHere(['crm', 'connect', 'hubspot', '--token', token, '--api-url', hubspot.url], withKey);
      expect((await connect.exit).code).toBe(0);
      expect(connect.stdout()).toContain('Connected HubSpot; its credentials are kept encrypted.');
      expect((await cascadeHere(['goals', 'import', goals], withKey).exit).code).toBe(0);
      const sync = cascadeHere(['crm', 'sync'], withKey);
      expect((await sync.exit).code).toBe(0);
      expect(sync.stdout()).toContain('Synced: 2 deals read, 0 deleted, 2 owners; progress written for 1 goal that follow the CRM.');
      expect(sync.stdout() + sync.stderr()).not.toContain(token);
      const status = cascadeHere(['crm', 'status'], withKey);
      expect((await status.exit).code).toBe(0);
      expect(status.stdout()).toContain('HubSpot (credentials from the workspace): 2 deals, 2 owners.');
      expect(status.stdout()).toContain(
        'Owners with no person of their email (their deals count for nobody): No Body <nobody@example.com> (1 deal).',
      );
      const typed = cascadeHere(['progress', 'import', progress], withKey);
      expect((await typed.exit).code).toBe(1);
      expect(typed.stderr()).toContain(
        'line 2: "New bookings" follows closed_won_amount in the CRM: its numbers come from there, not from a file',
      );
      const wrongKey = cascadeHere(['crm', 'sync', '--full'], { ...base, CASCADE_ENCRYPTION_KEY: 'cd'.repeat(32) });
      expect((await wrongKey.exit).code).toBe(1);
      expect(wrongKey.stderr()).toContain('does not open with CASCADE_ENCRYPTION_KEY');
      // A new key: everything stored is sealed again with it, in one go; the old one no longer opens it.
      const newKey = Buffer.from('ef'.repeat(32), 'hex').toString('base64');
      const badKey = cascadeHere(['keys', 'rotate', '--new-key', 'short'], withKey);
      expect((await badKey.exit).code).toBe(2);
      expect(badKey.stderr()).toContain('--new-key must be 32 random bytes');
      const rotate = cascadeHere(['keys', 'rotate', '--new-key', newKey], withKey);
      expect((await rotate.exit).code).toBe(0);
      expect(rotate.stdout()).toContain('Sealed 1 stored secret with the new key.');
      expect((await cascadeHere(['crm', 'sync'], { ...base, CASCADE_ENCRYPTION_KEY: newKey }).exit).code).toBe(0);
      expect((await cascadeHere(['crm', 'sync'], withKey).exit).code).toBe(1);
      const usage = cascadeHere(['crm', 'push'], withKey);
      expect((await usage.exit).code).toBe(2);
      expect(usage.stderr()).toContain('expected: cascade crm sync [--full]');
      const check = db ?? (await openDatabase({ dataDir: env.DATA_DIR! }));
      try {
        const row = await check.db.selectFrom('crm_connection').selectAll().executeTakeFirstOrThrow();
        expect(JSON.stringify(row)).not.toContain(token);
        expect(row.secret).toMatch(/^v1:/);
        const kept = await check.db.selectFrom('progress').select(['value', 'source']).execute();
        expect(kept).toEqual([{ value: 1200, source: 'crm' }]);
      } finally {
        if (!db) await check.close();
      }
    } finally {
      await db?.close();
      await hubspot.stop();
    }
  });
});

describe('cascade purge', () => {
  test('When a workspace is purged, then none of its people is left; an unknown workspace or no --team is refused', async () => {
    const { env, db } = await storage('purge');
    const base = { SLACK_BOT_TOKEN: 'xoxb-good-token', SLACK_API_URL: slack.apiUrl, ...env };
    const org = join(work, 'org-for-purge.csv');
    writeFileSync(org, ORG_CSV);
    try {
      expect((await cascadeHere(['org', 'import', org], base).exit).code).toBe(0);
      const bare = cascadeHere(['purge'], base);
      expect((await bare.exit).code).toBe(2);
      expect(bare.stderr()).toContain('expected: cascade purge --team T…');
      const unknown = cascadeHere(['purge', '--team', 'T0NOBODY'], base);
      expect((await unknown.exit).code).toBe(1);
      expect(unknown.stderr()).toContain('no workspace T0NOBODY here; nothing was deleted');
      const purge = cascadeHere(['purge', '--team', slack.teamId], base);
      expect((await purge.exit).code).toBe(0);
      expect(purge.stdout()).toContain(`Purged ${slack.teamId}`);
      const check = db ?? (await openDatabase({ dataDir: env.DATA_DIR! }));
      try {
        expect(await listPeople(check.db, slack.teamId)).toEqual([]);
      } finally {
        if (!db) await check.close();
      }
    } finally {
      await db?.close();
    }
  });
});
