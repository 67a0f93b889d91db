import { existsSync } from 'node:fs';
import {
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  chromium,
} from 'playwright-core';
import { acquire, hold, release, waitFor } from '../utils/resources.js';

/** Headless Chromium for the browser specs (`CHROMIUM_PATH`, else Debian's package). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// CI installs Debian's chromium (.ci/run); elsewhere the spec says how to get it.
const available = existsSync(CHROMIUM);
if (!available && process.env.CI)
  throw new Error(
    `Chromium not found at ${CHROMIUM}: apt-get install chromium`,
  );
/** `describe` when Chromium is installed, `describe.skip` (saying why) otherwise. */
export const describeWithBrowser = available ? describe : describe.skip;
if (!available)
  console.warn(
    `browser specs skipped: no Chromium at ${CHROMIUM} (apt-get install chromium)`,
  );

/** How long closing a browser or a context may take before the hook fails. */
const CLOSE_TIMEOUT = 30_000;

/**
 * Launches headless Chromium (fonts rendered without hinting, so that
 * screenshots do not depend on the machine), closed at the end of the file
 * at the latest, even if the hook that asked for it gave up.
 */
export function launchChromium(): Promise<Browser> {
  return acquire(
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
        '--font-render-hinting=none',
      ],
    }),
    (b) => b.close(),
  );
}

/** A window of its own (its own cookies and storage), closed with `closeChromium` or at the end of the file. */
export async function newContext(
  browser: Browser,
  options?: BrowserContextOptions,
): Promise<BrowserContext> {
  const context = await browser.newContext(options);
  hold(context, 'Chromium context', () => context.close());
  return context;
}

/** Closes a browser or a context now (bounded: a close that hangs fails the hook). */
export function closeChromium(
  resource: Browser | BrowserContext | undefined,
): Promise<void> {
  return waitFor('Chromium to close', CLOSE_TIMEOUT, () => release(resource));
}

/** What `useChromium` gives each test; read it inside the tests and hooks. */
export interface ChromiumSession {
  readonly browser: Browser;
  /** The current test's context. */
  readonly context: BrowserContext;
}

/**
 * For one `describe`: Chromium launched before its tests and closed after
 * them, and a fresh context for each test, closed after it.
 */
export function useChromium(): ChromiumSession {
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);
  beforeEach(async () => {
    context = await newContext(browser!);
  });
  afterEach(async () => {
    await closeChromium(context);
    context = undefined;
  }, CLOSE_TIMEOUT + 5_000);
  afterAll(async () => {
    await closeChromium(browser);
  }, CLOSE_TIMEOUT + 5_000);
  return {
    get browser() {
      return browser!;
    },
    get context() {
      return context!;
    },
  };
}
