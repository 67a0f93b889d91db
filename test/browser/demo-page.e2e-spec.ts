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

  it('shows only the login form before login, and leaves nothing of the previous user after logout', async () => {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 720 },
    });
    const page = await context.newPage();
    await page.goto(demo.url('/'));
    await page.waitForSelector('#login-form');
    expect(await page.isVisible('#login-view')).toBe(true);
    expect(await page.isVisible('#app-view')).toBe(false);
    expect(await page.isVisible('#logout')).toBe(false);

    await page.fill('#login-form [name=username]', 'alice');
    await page.fill('#login-form [name=password]', 'password');
    await page.click('#login-form button[type=submit]');
    await page.waitForSelector('#connection[data-state=live]');
    expect(await page.isVisible('#login-view')).toBe(false);

    const token = await demo.login('bob');
    const admin = await demo.login('admin');
    await demo
      .http()
      .post('/notifications')
      .set('Authorization', `Bearer ${token}`)
      .send({ recipientId: 'alice', title: 'For alice only', body: '' });
    await demo
      .http()
      .post('/approvals')
      .set('Authorization', `Bearer ${token}`)
      .send({ title: 'Asked of alice', approverIds: ['alice'] });
    await demo
      .http()
      .post('/announcements')
      .set('Authorization', `Bearer ${admin}`)
      .send({ title: 'Seen by alice', body: '' });
    await page.fill('#request-form [name=title]', 'Alice asks');
    await page.fill('#request-form [name=approvers]', 'carol');
    await page.click('#request-form button[type=submit]');
    for (const selector of [
      '#notifications li:has-text("For alice only")',
      '#inbox li:has-text("Asked of alice")',
      '#requests li:has-text("Alice asks")',
      '#announcements li:has-text("Seen by alice")',
    ])
      await page.waitForSelector(selector);

    await page.click('#logout');
    await page.waitForSelector('#login-view', { state: 'visible' });
    expect(await page.isVisible('#app-view')).toBe(false);
    for (const list of [
      '#notifications',
      '#inbox',
      '#requests',
      '#announcements',
    ])
      expect(await page.locator(`${list} li`).count()).toBe(0);
    await expectText(page, '#unread', '0');
    await expectText(page, '#whoami', '');
    expect(await page.inputValue('#login-form [name=password]')).toBe('');
    expect(await page.locator('#request-form [name=title]').inputValue()).toBe(
      '',
    );
    const text = await page.locator('body').innerText();
    for (const leftover of ['For alice only', 'Asked of alice', 'Alice asks'])
      expect(text).not.toContain(leftover);

    // The next user of this screen sees their own page, with the stored announcement.
    await page.fill('#login-form [name=username]', 'carol');
    await page.fill('#login-form [name=password]', 'password');
    await page.click('#login-form button[type=submit]');
    await page.waitForSelector('#connection[data-state=live]');
    await page.waitForSelector('#inbox li:has-text("Alice asks")');
    await page.waitForSelector('#announcements li:has-text("Seen by alice")');
    expect(await page.locator('#notifications li').allInnerTexts()).toEqual([
      expect.stringContaining('"Alice asks" waits for your approval'),
    ]);
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
