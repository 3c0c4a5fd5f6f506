import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { loadConfig } from '../../src/config';
import { createLog } from '../../src/log';
import { openDatabase } from '../../src/db/connect';
import { PGLITE_DUMP_ENV } from '../support/db';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/run';
import { LogCapture } from '../support/app';

/**
 * The sandbox in a real browser (Debian's chromium; `.ci/run` installs it when it is missing): a rep answers
 * the check-in prompt through the answer window, the manager moves the clock past the round's close and
 * reads the brief, then opens App Home. The screenshots it takes are the README's (docs/), when
 * SCREENSHOTS_DIR names where to write them.
 */
const CHROMIUM = '/usr/bin/chromium';
// On a developer's machine without chromium the test says so and skips; in CI (which installs it) it must run.
const run = existsSync(CHROMIUM) || process.env.CI ? describe : describe.skip;
if (!existsSync(CHROMIUM)) console.warn(`The sandbox browser test needs ${CHROMIUM} (apt-get install chromium); skipped.`);

// Monday 30 November 2026, 10:30 in London: Raj's weekly prompt (10:00 his time) has just gone out.
const START = new Date('2026-11-30T10:30:00Z');
const RAJ = 'URAJ00001';
const ANN = 'UANN00001';
const PAT = 'UPAT00001';

let dir: string;
let sandbox: RunningSandbox;
let browser: Browser;
let page: Page;
const shots = process.env.SCREENSHOTS_DIR ?? '';

async function shoot(name: string, what: Locator): Promise<void> {
  if (!shots) return;
  mkdirSync(shots, { recursive: true });
  await what.screenshot({ path: join(shots, `${name}.png`) });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cascade-sandbox-'));
  // The sandbox's embedded database, already migrated (global setup's dump), to spare a fresh initdb.
  const dump = process.env[PGLITE_DUMP_ENV];
  if (dump) await (await openDatabase({ dataDir: join(dir, 'sandbox', 'db'), loadDataDir: new Blob([readFileSync(dump)]) })).close();
  // Fifteen days of history (from Sunday 15 November): two weeks with answers, so the digest of the week
  // before (posted on Monday afternoon, as the clock moves) has figures and a chart of two periods; and it
  // seeds quicker than six weeks.
  const result = loadConfig({ DATA_DIR: dir, PORT: '0', SANDBOX_HISTORY_DAYS: '15' }, { requireSlack: false });
  if (!result.ok) throw new Error(result.problems.join('\n'));
  sandbox = await startSandbox(result.config, { log: createLog({ level: 'warn', destination: new LogCapture() }), start: START });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  page = await browser.newPage({ viewport: { width: 1000, height: 1200 } });
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await sandbox?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

run('The sandbox in a browser', () => {
  test('When a rep answers in the browser and the manager moves the clock past the close, then the brief has the answer, and App Home opens', async () => {
    expect(sandbox.url).toMatch(/^http:\/\/localhost:\d+\/sandbox$/);
    await page.goto(sandbox.url);
    expect(await page.locator('table.people').isVisible()).toBe(true);
    expect(await page.locator('table.people tbody tr').count()).toBe(18);
    expect(await page.locator('#connect').innerText()).toContain('manifest.yml');

    // Raj's history is a conversation: under his earlier check-ins, what came back from Ann (a reply, a
    // "Got it", the note of their 1:1).
    await page.goto(`${sandbox.url}/as/${RAJ}`);
    expect(await page.locator('#dm .thread .msg').count()).toBeGreaterThan(0);

    // Raj: the newest message of his DM is this week's prompt.
    await page.goto(`${sandbox.url}/as/${RAJ}`);
    const prompt = page.locator('#dm > .msg').last();
    expect(await prompt.innerText()).toContain("It's time for your check-in with Ann Lee");
    await shoot('rep-prompt', prompt);
    await prompt.getByRole('button', { name: 'Answer', exact: true }).click();
    const modal = page.locator('dialog.modal');
    await modal.waitFor();
    expect(await modal.locator('h2').innerText()).toBe('Your check-in');

    // Submitted with the required answers missing: the window stays, with Cascade's inline errors.
    await modal.locator('button[value=submit]').click();
    await page.locator('dialog.modal .error').first().waitFor();
    expect(await page.locator('dialog.modal .error').first().innerText()).toBe('Please answer this one.');
    await shoot('answer-window', page.locator('dialog.modal'));

    // Answered properly: the window closes and the prompt says the answers are in.
    const form = page.locator('dialog.modal');
    // Each box answered as Raj would, by what its label asks.
    for (const box of await form
      .locator('.input')
      .filter({ has: page.locator('textarea, input[type=text]') })
      .all()) {
      const label = (await box.locator('.label').innerText()).toLowerCase();
      const text = label.includes('obstacle')
        ? 'Legal review on the Acme contract'
        : label.includes('commit')
          ? 'Send Acme the mutual action plan'
          : label.includes('note')
            ? 'sent 2 of 3 proposals'
            : 'Multi-threading into the CFO early on the Acme deal';
      await box.locator('textarea, input[type=text]').fill(text);
    }
    for (const box of await form.locator('input[type=number]').all()) await box.fill('7');
    const radioGroups = new Set(
      await form.locator('input[type=radio]').evaluateAll((els) => els.map((e) => (e as unknown as { name: string }).name)),
    );
    for (const name of radioGroups) {
      const options = form.locator(`input[type=radio][name="${name}"]`);
      await options.nth(Math.min(3, (await options.count()) - 1)).check();
    }
    await form.locator('button[value=submit]').click();
    await page.waitForURL(`**/as/${RAJ}`);
    expect(await page.locator('dialog.modal').count()).toBe(0);
    expect(await page.locator('#dm > .msg').last().innerText()).toContain('Thank you: your answers for your check-in with Ann Lee are in');

    // A command typed as Raj: its answer is ephemeral, shown to Raj and to nobody else.
    await page.locator('#cmd').fill('status');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.waitForURL(`**/as/${RAJ}#dm`);
    expect(await page.locator('#dm .ephemeral').last().innerText()).toContain('only visible to you');
    expect(await page.locator('#dm .ephemeral').last().innerText()).toContain('Your next check-ins');
    await page.goto(`${sandbox.url}/as/UMIA00001`);
    expect(await page.locator('#dm .ephemeral').count()).toBe(0);

    // Ann: the round closes on Wednesday at 10:00 (London); three mornings on, the brief is in her DM.
    await page.goto(`${sandbox.url}/as/${ANN}`);
    for (let i = 0; i < 3; i++) await page.getByRole('button', { name: 'Next morning 09:00' }).click();
    expect(await page.locator('#now').innerText()).toContain('Thu, 3 Dec 2026, 09:00');
    const brief = page.locator('#dm > .msg', { hasText: 'Brief: Manager ↔ each rep, weekly' }).last();
    await brief.waitFor();
    const text = await brief.innerText();
    expect(text).toContain('Raj Patel');
    expect(text).toContain('Multi-threading into the CFO early on the Acme deal');
    await shoot('manager-brief', brief);

    await page.getByRole('button', { name: 'Open App Home' }).click();
    await page.locator('#home .header').first().waitFor();
    const home = await page.locator('#home').innerText();
    expect(home).toContain('Where you stand');
    expect(home).toContain('Your team (4)');
    await shoot('manager-home', page.locator('#home'));

    // Pat reads the org digest and its chart in #sales-leaders.
    await page.goto(`${sandbox.url}/as/${PAT}`);
    const digest = page.locator('#ch-CLEADERS1 > .msg', { hasText: 'Sales organisation digest' }).last();
    await digest.waitFor();
    expect(await digest.locator('img.chart').count()).toBe(1);
    const chart = await digest.locator('img.chart').evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth);
    expect(chart).toBeGreaterThan(300);
    // The week before, nobody in Dev's team answered: the digest names the broken link.
    expect(await digest.innerText()).toContain('Dev Rao (Manager ↔ reps): 4 due, none answered');
    await shoot('org-digest', digest);

    // Casey (the CEO) moves the clock to Monday 7 December, the first Monday of the month: before his monthly
    // conversation with Pat, both have November's analytics pack in their DMs, the same message for both.
    await page.goto(`${sandbox.url}/as/UCASEY001`);
    for (let i = 0; i < 6 && !(await page.locator('#now').innerText()).includes('Mon, 7 Dec 2026'); i++)
      await page.getByRole('button', { name: 'Next morning 09:00' }).click();
    expect(await page.locator('#now').innerText()).toContain('Mon, 7 Dec 2026, 09:00');
    const packs: string[] = [];
    for (const who of ['UCASEY001', PAT]) {
      await page.goto(`${sandbox.url}/as/${who}`);
      const pack = page.locator('#dm > .msg', { hasText: 'Monthly analytics: November 2026' });
      expect(await pack.count()).toBe(1);
      const text = await pack.innerText();
      // The same message, but for the time above it (each reads it in their own zone).
      packs.push(text.split('\n').slice(1).join('\n'));
      expect(text).toContain('For Casey Chen and Pat Rivera, before your monthly conversation');
      expect(text).toContain('Questions for your conversation');
    }
    expect(packs[0]).toBe(packs[1]);
  }, 600_000);
});
