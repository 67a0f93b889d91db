import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { type DemoApp, startDemo } from '../demo/demo-app.js';
import { acquire, release } from '../utils/resources.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = join(process.cwd(), 'test-artifacts');
// CI installs Debian's chromium (.ci/run); elsewhere the spec says how to get it.
const available = existsSync(CHROMIUM);
if (!available && process.env.CI)
  throw new Error(
    `Chromium not found at ${CHROMIUM}: apt-get install chromium`,
  );
const describeWithBrowser = available ? describe : describe.skip;
if (!available)
  console.warn(
    `demo page spec skipped: no Chromium at ${CHROMIUM} (apt-get install chromium)`,
  );

describeWithBrowser('demo page in headless Chromium', () => {
  let demo: DemoApp;
  let browser: Browser;

  // Each start gets its own minute: PGlite and Chromium are both slow to
  // start on a busy machine. A launch that outlives its hook is still closed
  // (acquire: at the end of the file at the latest).
  beforeAll(async () => {
    demo = await startDemo('pglite');
  }, 60_000);
  beforeAll(async () => {
    browser = await acquire(
      'Chromium',
      chromium.launch({
        executablePath: CHROMIUM,
        timeout: 55_000,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      }),
      (b) => b.close(),
    );
    mkdirSync(ARTIFACTS, { recursive: true });
  }, 60_000);

  afterAll(async () => {
    await release(browser);
    await demo?.close();
  }, 60_000);

  async function logIn(username: string): Promise<Page> {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 720 },
    });
    const page = await context.newPage();
    await page.goto(demo.url('/'));
    await page.fill('#login-form [name=username]', username);
    await page.fill('#login-form [name=password]', 'password');
    await page.click('#login-form button[type=submit]');
    await page.waitForSelector('#connection[data-state=live]');
    // Set once: still there at the end proves the page never reloaded.
    await page.evaluate(
      () => ((window as unknown as { loadedOnce: boolean }).loadedOnce = true),
    );
    return page;
  }

  it('alice requests an approval, bob sees it live and approves, alice sees the status and a notification without reloading', async () => {
    const alice = await logIn('alice');
    const bob = await logIn('bob');
    await expectText(alice, '#whoami', 'Alice (acme)');

    await alice.fill('#request-form [name=title]', 'Conference trip');
    await alice.fill('#request-form [name=approvers]', 'bob');
    await alice.click('#request-form button[type=submit]');
    await alice.waitForSelector(
      '#requests li:has-text("Conference trip") .status-pending',
    );

    const request = bob.locator('#inbox li', { hasText: 'Conference trip' });
    await request.waitFor();
    await bob.screenshot({ path: join(ARTIFACTS, 'bob-inbox.png') });
    await request.getByRole('button', { name: 'Approve' }).click();
    await bob
      .locator('#inbox li', { hasText: 'Conference trip' })
      .waitFor({ state: 'detached' });

    await alice.waitForSelector(
      '#requests li:has-text("Conference trip") .status-approved',
    );
    await alice.waitForSelector(
      '#notifications li.unread:has-text("\\"Conference trip\\" was approved")',
    );
    await expectText(alice, '#unread', '1');
    await alice.screenshot({ path: join(ARTIFACTS, 'alice-approved.png') });

    for (const page of [alice, bob]) {
      expect(
        await page.evaluate(
          () => (window as unknown as { loadedOnce?: boolean }).loadedOnce,
        ),
      ).toBe(true);
    }

    await alice
      .locator('#notifications li.unread')
      .getByRole('button', { name: 'Mark read' })
      .click();
    await expectText(alice, '#unread', '0');
  }, 60_000);

  it('shows a login error for a wrong password', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(demo.url('/'));
    await page.fill('#login-form [name=username]', 'alice');
    await page.fill('#login-form [name=password]', 'wrong');
    await page.click('#login-form button[type=submit]');
    await expectText(page, '#login-error', 'Unknown user or wrong password.');
  });
});

async function expectText(
  page: Page,
  selector: string,
  expected: string,
): Promise<void> {
  await page.waitForFunction(
    ([sel, text]) => document.querySelector(sel)?.textContent === text,
    [selector, expected] as const,
  );
}
