import { copyFileSync, mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page, Route } from 'playwright-core';
import { type DemoApp, startDemo } from '../demo/demo-app.js';
import { acquire, hold, release } from '../utils/resources.js';
import {
  closeChromium,
  describeWithBrowser,
  launchChromium,
} from './chromium.js';

const ARTIFACTS = join(process.cwd(), 'test-artifacts');
/** The README's screenshots: refreshed only on request, so that a test run leaves the tree clean. */
const DOCS_IMAGES = join(process.cwd(), 'docs', 'images');
const PUBLISH_SCREENSHOTS = process.env.SCREENSHOTS === '1';
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

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
    browser = await launchChromium();
    mkdirSync(ARTIFACTS, { recursive: true });
    if (PUBLISH_SCREENSHOTS) mkdirSync(DOCS_IMAGES, { recursive: true });
  }, 60_000);

  afterAll(async () => {
    await closeChromium(browser);
    await demo?.close();
  }, 60_000);

  /** A window of its own (its own cookie), on the page, not logged in. */
  async function openPage(viewport = DESKTOP): Promise<Page> {
    const context: BrowserContext = await browser.newContext({ viewport });
    const page = await context.newPage();
    await page.goto(demo.url('/'));
    await page.waitForSelector('#login-form');
    return page;
  }

  async function logIn(username: string, page?: Page): Promise<Page> {
    const target = page ?? (await openPage());
    await target.fill('#login-form [name=username]', username);
    await target.fill('#login-form [name=password]', 'password');
    await target.click('#login-form button[type=submit]');
    await target.waitForSelector('#connection[data-state=live]');
    // Set once: still there at the end proves the page never reloaded.
    await target.evaluate(
      () => ((window as unknown as { loadedOnce: boolean }).loadedOnce = true),
    );
    return target;
  }

  async function screenshot(page: Page, name: string): Promise<void> {
    // No caret, focus ring or hover state in the pictures.
    await page.evaluate(() => (document.activeElement as HTMLElement)?.blur());
    await page.mouse.move(0, 0);
    const path = join(ARTIFACTS, name);
    await page.screenshot({ path, fullPage: true });
    if (PUBLISH_SCREENSHOTS) copyFileSync(path, join(DOCS_IMAGES, name));
  }

  it('walks the tour: a two-step approval, a refused self-approval, an announcement and a notification from the forms, all live', async () => {
    const alicePage = await openPage();
    await screenshot(alicePage, 'demo-login.png');
    const alice = await logIn('alice', alicePage);
    const bob = await logIn('bob');
    const carol = await logIn('carol');
    const admin = await logIn('admin');
    await expectText(alice, '#whoami', 'Alice (acme)');
    for (const page of [alice, bob, carol])
      expect(await page.isVisible('#announce-panel')).toBe(false);
    await alice.waitForSelector('[data-empty-for=requests]', {
      state: 'visible',
    });

    // A two-step approval: bob, then carol.
    await alice.fill('#request-form [name=title]', 'Conference trip');
    await alice.fill('#request-form [name=approvers]', 'bob, carol');
    await alice.click('#request-form button[type=submit]');
    const aliceRequest = alice.locator('#requests li', {
      hasText: 'Conference trip',
    });
    await aliceRequest.locator('.status-pending').waitFor();
    await expectText(
      alice,
      '#requests li .meta',
      /^waiting for bob · step 1 of 2 · /,
    );
    expect(await alice.inputValue('#request-form [name=title]')).toBe('');

    const bobRequest = bob.locator('#inbox li', { hasText: 'Conference trip' });
    await bobRequest.waitFor();
    await expectText(bob, '#pending-count', '1');
    await bob.waitForSelector(
      '#notifications li.unread:has-text("\\"Conference trip\\" waits for your approval")',
    );
    await screenshot(bob, 'demo-approver.png');
    await bobRequest.getByRole('button', { name: 'Approve' }).click();
    await bobRequest.waitFor({ state: 'detached' });
    await expectText(bob, '#pending-count', '0');
    await bob.waitForSelector(
      '#history li:has-text("Conference trip"):has-text("you approved it · waiting for carol")',
    );

    await alice.waitForSelector(
      '#requests li:has-text("waiting for carol · step 2 of 2")',
    );
    const carolRequest = carol.locator('#inbox li', {
      hasText: 'Conference trip',
    });
    await carolRequest.getByText('approved by bob').waitFor();
    await carolRequest.getByRole('button', { name: 'Approve' }).click();
    await carolRequest.waitFor({ state: 'detached' });
    await carol.waitForSelector(
      '#history li:has-text("Conference trip") .status-approved',
    );
    // Bob decided first: his history follows carol's decision, without a reload.
    await bob.waitForSelector(
      '#history li:has-text("Conference trip"):has-text("you approved it · approved by bob, carol") .status-approved',
    );

    await aliceRequest.locator('.status-approved').waitFor();
    await alice.waitForSelector(
      '#notifications li.unread:has-text("\\"Conference trip\\" was approved")',
    );
    await expectText(alice, '#unread', '2');

    // Asking oneself is refused, with the server's reason in the form.
    await alice.fill('#request-form [name=title]', 'My own raise');
    await alice.fill('#request-form [name=approvers]', 'alice');
    await alice.click('#request-form button[type=submit]');
    await expectText(
      alice,
      '#request-error',
      'You cannot approve your own request: choose someone else as approver.',
    );
    expect(await alice.inputValue('#request-form [name=title]')).toBe(
      'My own raise',
    );
    expect(
      await alice.locator('#requests li', { hasText: 'My own raise' }).count(),
    ).toBe(0);

    // An announcement from the admin's form reaches every page of the tenant.
    await admin.click('#announce-panel summary');
    await admin.fill('#announce-form [name=title]', 'Office closed Friday');
    await admin.fill(
      '#announce-form [name=body]',
      'The heating is being replaced; work from home.',
    );
    await admin.click('#announce-form button[type=submit]');
    for (const page of [alice, bob, carol, admin])
      await page.waitForSelector(
        '#announcements li:has-text("Office closed Friday")',
      );
    expect(await admin.inputValue('#announce-form [name=title]')).toBe('');

    // A notification from bob's form.
    await bob.click('#notify-panel summary');
    await bob.fill('#notify-form [name=recipientId]', 'alice');
    await bob.fill('#notify-form [name=title]', 'Lunch at noon?');
    await bob.fill('#notify-form [name=body]', 'The new place on the corner.');
    await bob.selectOption('#notify-form [name=priority]', 'high');
    await bob.click('#notify-form button[type=submit]');
    await expectText(bob, '#notify-done', 'Sent to alice.');
    await alice.waitForSelector(
      '#notifications li.unread:has-text("Lunch at noon?") .tag-high',
    );
    await expectText(alice, '#unread', '3');
    // An unknown recipient: the server's message, in the form.
    await bob.fill('#notify-form [name=recipientId]', 'dave');
    await bob.fill('#notify-form [name=title]', 'Across organisations');
    await bob.click('#notify-form button[type=submit]');
    await expectText(
      bob,
      '#notify-error',
      'No user "dave" in your organisation.',
    );
    await screenshot(alice, 'demo-requester.png');
    await screenshot(admin, 'demo-admin.png');

    await alice
      .locator('#notifications li.unread', { hasText: 'Lunch at noon?' })
      .getByRole('button', { name: 'Mark read' })
      .click();
    await expectText(alice, '#unread', '2');
    await alice.click('#read-all');
    await expectText(alice, '#unread', '0');
    expect(await alice.locator('#notifications li.unread').count()).toBe(0);

    for (const page of [alice, bob, carol, admin]) {
      expect(
        await page.evaluate(
          () => (window as unknown as { loadedOnce?: boolean }).loadedOnce,
        ),
      ).toBe(true);
    }

    // The same page on a phone: one column, nothing wider than the screen.
    await alice.setViewportSize(PHONE);
    await bob.setViewportSize(PHONE);
    for (const page of [alice, bob]) {
      expect(
        await page.evaluate(() => document.documentElement.scrollWidth),
      ).toBeLessThanOrEqual(PHONE.width);
    }
    await screenshot(bob, 'demo-phone.png');
    const phoneLogin = await openPage(PHONE);
    await phoneLogin.screenshot({
      path: join(ARTIFACTS, 'demo-phone-login.png'),
    });
    expect(
      await phoneLogin.evaluate(() => document.documentElement.scrollWidth),
    ).toBeLessThanOrEqual(PHONE.width);

    for (const page of [alicePage, bob, carol, admin, phoneLogin])
      await page.context().close();
  }, 120_000);

  it('shows the lists again after a restart of the server on the same data directory', async () => {
    // A server of its own on a directory of its own, removed after the test
    // (at the end of the file at the latest).
    const dir = await mkdtemp(join(tmpdir(), 'demo-page-pglite-'));
    const dirKey = { dir };
    hold(dirKey, `PGlite data directory ${dir}`, () =>
      rm(dir, { recursive: true, force: true }),
    );
    const env = { PGLITE_DATA_DIR: join(dir, 'pglite') };
    const context = await browser.newContext({ viewport: DESKTOP });
    let server: DemoApp | undefined;
    try {
      server = await startDemo('pglite', env);
      const page = await context.newPage();
      await page.goto(server.url('/'));
      await logIn('alice', page);
      await page.fill('#request-form [name=title]', 'Kept across a restart');
      await page.fill('#request-form [name=approvers]', 'bob');
      await page.click('#request-form button[type=submit]');
      await page.click('#notify-panel summary');
      await page.fill('#notify-form [name=recipientId]', 'alice');
      await page.fill(
        '#notify-form [name=title]',
        'Note kept across a restart',
      );
      await page.click('#notify-form button[type=submit]');
      await page.waitForSelector(
        '#requests li:has-text("Kept across a restart") .status-pending',
      );
      await page.waitForSelector(
        '#notifications li:has-text("Note kept across a restart")',
      );

      await server.close();
      server = undefined;
      server = await startDemo('pglite', env);

      // The restarted server listens elsewhere: the page loads from it, with
      // the login cookie it kept, and lists what the first server stored.
      await page.goto(server.url('/'));
      await page.waitForSelector('#connection[data-state=live]');
      await expectText(page, '#whoami', 'Alice (acme)');
      await page.waitForSelector(
        '#requests li:has-text("Kept across a restart") .status-pending',
      );
      await page.waitForSelector(
        '#notifications li.unread:has-text("Note kept across a restart")',
      );
      const bob = await context.browser()!.newContext({ viewport: DESKTOP });
      try {
        const bobPage = await bob.newPage();
        await bobPage.goto(server.url('/'));
        await logIn('bob', bobPage);
        await bobPage.waitForSelector(
          '#inbox li:has-text("Kept across a restart")',
        );
        await bobPage.waitForSelector(
          '#notifications li:has-text("\\"Kept across a restart\\" waits for your approval")',
        );
      } finally {
        await bob.close();
      }
    } finally {
      await context.close();
      await server?.close();
      await release(dirKey);
    }
  }, 180_000);

  it('shows only the login form before login, and leaves nothing of the previous user after logout', async () => {
    const page = await openPage();
    expect(await page.isVisible('#login-view')).toBe(true);
    expect(await page.isVisible('#app-view')).toBe(false);
    expect(await page.isVisible('#logout')).toBe(false);
    await expectText(page, '#connection', 'offline');

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
    // Half-typed forms and a shown error belong to alice too.
    await page.fill('#request-form [name=title]', 'Half-typed request');
    await page.fill('#request-form [name=approvers]', 'alice');
    await page.click('#request-form button[type=submit]');
    await page.waitForSelector('#request-error:has-text("your own request")');
    await page.click('#notify-panel summary');
    await page.fill('#notify-form [name=recipientId]', 'bob');
    await page.fill('#notify-form [name=title]', 'Draft for bob');

    // The stream's cursor, kept for a reload of this tab.
    expect(await page.evaluate(() => sessionStorage.length)).toBeGreaterThan(0);
    await page.click('#logout');
    await page.waitForSelector('#login-view', { state: 'visible' });
    expect(await page.isVisible('#app-view')).toBe(false);
    for (const list of [
      '#notifications',
      '#inbox',
      '#requests',
      '#history',
      '#announcements',
    ])
      expect(await page.locator(`${list} li`).count()).toBe(0);
    await expectText(page, '#unread', '0');
    await expectText(page, '#pending-count', '0');
    await expectText(page, '#whoami', '');
    await expectText(page, '#connection', 'offline');
    const inputs = await page
      .locator('input, textarea')
      .evaluateAll((fields) =>
        fields.map((f) => (f as HTMLInputElement).value),
      );
    expect(inputs.every((value) => value === '')).toBe(true);
    expect(await page.locator('#notify-panel').getAttribute('open')).toBeNull();
    expect(
      await page.evaluate(() => localStorage.length + sessionStorage.length),
    ).toBe(0);
    const html = await page.content();
    for (const leftover of [
      'For alice only',
      'Asked of alice',
      'Alice asks',
      'Seen by alice',
      'Half-typed request',
      'Draft for bob',
      'your own request',
      'Alice (acme)',
    ])
      expect(html).not.toContain(leftover);

    // The next user of this screen sees their own page, with the stored announcement.
    await logIn('carol', page);
    await page.waitForSelector('#inbox li:has-text("Alice asks")');
    await page.waitForSelector('#announcements li:has-text("Seen by alice")');
    const carols = await page.locator('#notifications li').allInnerTexts();
    expect(carols).toContainEqual(
      expect.stringContaining('"Alice asks" waits for your approval'),
    );
    expect(carols.join('\n')).not.toContain('For alice only');
    await page.context().close();
  }, 60_000);

  it('shares one server connection and the login among the tabs of a browser, offers to reconnect after a disconnect', async () => {
    const context = await browser.newContext({ viewport: DESKTOP });
    const first = await logIn(
      'dave',
      await context.newPage().then(async (p) => {
        await p.goto(demo.url('/'));
        return p;
      }),
    );
    const tabs = [first];
    for (let i = 0; i < 2; i++) {
      const tab = await context.newPage();
      await tab.goto(demo.url('/'));
      await tab.waitForSelector('#connection[data-state=live]');
      tabs.push(tab);
    }
    const streams = () =>
      demo.broker.getClients().filter((c) => c.userId === 'dave').length;
    expect(streams()).toBe(1);

    const token = await demo.login('dave');
    await demo
      .http()
      .post('/notifications')
      .set('Authorization', `Bearer ${token}`)
      .send({ recipientId: 'dave', title: 'To every tab', body: '' });
    for (const tab of tabs)
      await tab.waitForSelector('#notifications li:has-text("To every tab")');

    // Disconnected on purpose: the page stays offline until asked.
    expect(
      await demo.broker.disconnectUser('dave', { tenantId: 'globex' }),
    ).toBe(1);
    await first.waitForSelector('#reconnect', { state: 'visible' });
    await expectText(first, '#connection', 'offline');
    await first.click('#reconnect');
    await first.waitForSelector('#connection[data-state=live]');
    expect(await first.isVisible('#reconnect')).toBe(false);

    // The tabs share the cookie: logging out in one logs out all of them, and back in.
    await tabs[1].click('#logout');
    for (const tab of tabs) {
      await tab.waitForSelector('#login-view', { state: 'visible' });
      expect(await tab.locator('#notifications li').count()).toBe(0);
    }
    await logIn('dave', tabs[2]);
    await first.waitForSelector('#connection[data-state=live]');
    await first.waitForSelector('#notifications li:has-text("To every tab")');
    await context.close();
  });

  it('keeps relative times current, and returns to the login form when the session ends', async () => {
    const context = await browser.newContext({ viewport: DESKTOP });
    await context.clock.install();
    const page = await context.newPage();
    await page.goto(demo.url('/'));
    await logIn('dave', page);
    const token = await demo.login('dave');
    await demo
      .http()
      .post('/notifications')
      .set('Authorization', `Bearer ${token}`)
      .send({ recipientId: 'dave', title: 'Note to self', body: '' });
    const time = page.locator('#notifications li', {
      hasText: 'Note to self',
    });
    await time.locator('time', { hasText: 'just now' }).waitFor();
    await context.clock.fastForward('05:00');
    await time.locator('time', { hasText: '5 min ago' }).waitFor();

    // The cookie is gone (expired, or revoked elsewhere) and the server ends the stream.
    await context.clearCookies();
    expect(
      await demo.broker.disconnectUser('dave', { tenantId: 'globex' }),
    ).toBeGreaterThan(0);
    await page.waitForSelector('#login-view', { state: 'visible' });
    await expectText(
      page,
      '#login-error',
      'Your session has ended. Please log in again.',
    );
    expect(await page.locator('#notifications li').count()).toBe(0);
    await expectText(page, '#connection', 'offline');
    await context.close();
  });

  it('loads cleanly when a reloaded tab resumes from a cursor the server no longer has (live and reset at once)', async () => {
    const page = await logIn('bob');
    const token = await demo.login('bob');
    const notify = (title: string) =>
      demo
        .http()
        .post('/notifications')
        .set('Authorization', `Bearer ${token}`)
        .send({ recipientId: 'bob', title, body: '' })
        .expect(201);
    await notify('Before the reload');
    await page
      .locator('#notifications li', { hasText: 'Before the reload' })
      .waitFor();

    // As after a server restart without history: the tab's stored cursor
    // (it survives a reload) names an epoch the server does not know.
    const cursors = await page.evaluate(() => {
      const keys = Object.keys(sessionStorage).filter((key) =>
        key.startsWith('nestjs-sse-broker:cursor:'),
      );
      for (const key of keys) {
        const entry = JSON.parse(sessionStorage.getItem(key)!) as object;
        sessionStorage.setItem(key, JSON.stringify({ ...entry, id: 'f-1' }));
      }
      return keys.length;
    });
    expect(cursors).toBe(1);

    // The stream opens (load once live) and says `reset` (load again): both
    // loads are held until both have asked, so that they overlap.
    const held: Route[] = [];
    await page.route('**/notifications?limit=50', (route) => {
      held.push(route);
      if (held.length === 2) for (const r of held) void r.continue();
    });
    await page.reload();
    await page.waitForSelector('#connection[data-state=live]');
    await page
      .locator('#notifications li', { hasText: 'Before the reload' })
      .waitFor();
    expect(held).toHaveLength(2);
    // An event published after both loads reaches the page, and no load failed.
    await notify('After the reload');
    await page
      .locator('#notifications li', { hasText: 'After the reload' })
      .waitFor();
    expect(await page.textContent('#notifications-error')).toBe('');
    await page.context().close();
  });

  it('shows a login error for a wrong password, and a missing field before asking the server', async () => {
    const page = await openPage();
    await page.fill('#login-form [name=username]', 'alice');
    await page.click('#login-form button[type=submit]');
    await expectText(page, '#login-error', /^Password: /);
    await page.fill('#login-form [name=password]', 'wrong');
    await page.click('#login-form button[type=submit]');
    await expectText(page, '#login-error', 'Unknown user or wrong password.');
    expect(
      await page.locator('#login-form button[type=submit]').isEnabled(),
    ).toBe(true);
    await page.context().close();
  });

  it('serves the favicon and the package client, and nothing outside the client build', async () => {
    const client = await demo
      .http()
      .get('/vendor/nestjs-sse-broker/client/index.js');
    expect(client.status).toBe(200);
    expect(client.headers['content-type']).toMatch(/^text\/javascript/);
    expect(client.text).toContain('export function createSseClient');
    const icon = await demo.http().get('/assets/favicon.svg');
    expect(icon.status).toBe(200);
    expect(icon.headers['content-type']).toMatch(/^image\/svg\+xml/);
    for (const path of [
      '/vendor/nestjs-sse-broker/client/..%2F..%2Fpackage.json',
      '/vendor/nestjs-sse-broker/client/%2E%2E/index.js',
      '/vendor/nestjs-sse-broker/client/../index.js',
      '/vendor/nestjs-sse-broker/client/missing.js',
      '/vendor/nestjs-sse-broker/client/index.d.ts',
    ])
      expect((await demo.http().get(path)).status).toBe(404);
  });
});

/** Waits until the element's text is `expected` (or matches it). */
async function expectText(
  page: Page,
  selector: string,
  expected: string | RegExp,
): Promise<void> {
  const [source, flags] =
    typeof expected === 'string'
      ? [null, '']
      : [expected.source, expected.flags];
  await page.waitForFunction(
    ([sel, text, pattern, patternFlags]) => {
      const actual = document.querySelector(sel)?.textContent ?? '';
      return pattern === null
        ? actual === text
        : new RegExp(pattern, patternFlags).test(actual);
    },
    [
      selector,
      typeof expected === 'string' ? expected : '',
      source,
      flags,
    ] as const,
  );
}
