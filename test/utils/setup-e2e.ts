/**
 * Runs before every e2e spec file (jest `setupFilesAfterEnv`):
 *
 * - after each test, a wait a helper still has pending (the test failed or
 *   timed out while waiting) is abandoned, and named, so that it neither
 *   lingers nor goes unexplained;
 * - after the file, everything the helpers started and the spec did not
 *   release (a set-up that failed or timed out half-way, a test that failed
 *   before its own clean-up) is released: see resources.ts.
 *
 * The per-file watchdog is in test-environment.mjs, the end-of-run guard in
 * exit-guard-reporter.mjs.
 */
import { abandonWaits, describeOpen, releaseAll } from './resources.js';

// For the watchdog's message (test-environment.mjs).
(globalThis as { __sseTestOpen?: () => string[] }).__sseTestOpen = describeOpen;

afterEach(() => {
  const pending = abandonWaits('the test ended (failed or timed out) first');
  if (pending.length > 0)
    console.error(
      `"${expect.getState().currentTestName}" ended while still waiting for:\n  ${pending.join('\n  ')}`,
    );
});

afterAll(() => releaseAll(), 120_000);
