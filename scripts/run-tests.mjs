#!/usr/bin/env node
// `npm test`: runs Jest (ESM mode) with the given arguments, under a hard
// limit on the whole run, so that no run can hang.
//
// Inside the run, every test and hook has a timeout, a file that runs past
// SSE_TEST_FILE_LIMIT_S fails the run (test/utils/test-environment.mjs), and a
// process still alive after the last file exits (test/utils/exit-guard-
// reporter.mjs). This bounds what those cannot: anything that stops Jest's
// own event loop (a synchronous loop in a test or in the code under test).
// Past SSE_TEST_RUN_LIMIT_S seconds (default 1200), it names the files still
// running, stops Jest and its workers (SIGTERM, then SIGKILL) and fails.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const limitS = Number(process.env.SSE_TEST_RUN_LIMIT_S ?? 1_200);
const stateDir = mkdtempSync(join(tmpdir(), 'sse-test-run-'));
const stateFile = join(stateDir, 'state.json');
const args = process.argv.slice(2);
// A watch session runs until it is stopped, and reads the terminal: it keeps
// the terminal's process group and has no limit.
const watching = args.some((a) => /^--watch(All)?(=|$)/.test(a));

const jest = spawn(
  process.execPath,
  [
    '--experimental-vm-modules',
    join(root, 'node_modules/jest/bin/jest.js'),
    ...args,
  ],
  {
    cwd: process.cwd(),
    stdio: 'inherit',
    // Its own process group, so that stopping it stops its workers too.
    detached: !watching,
    env: { ...process.env, SSE_TEST_STATE_FILE: stateFile },
  },
);

const signalGroup = (signal) => {
  try {
    process.kill(watching ? jest.pid : -jest.pid, signal);
  } catch {
    // already gone
  }
};
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'])
  process.on(signal, () => signalGroup(signal));

let timedOut = false;
const limit = setTimeout(() => {
  if (watching) return;
  timedOut = true;
  let running = [];
  try {
    running = JSON.parse(readFileSync(stateFile, 'utf8')).running;
  } catch {
    // no file started yet, or none recorded
  }
  process.stderr.write(
    `\n[run-tests] the run exceeded its limit of ${limitS} s (SSE_TEST_RUN_LIMIT_S); stopping Jest.\n` +
      (running.length
        ? `Still running:\n${running.map((r) => `  ${r.file} (for ${Math.round((Date.now() - r.since) / 1_000)} s)`).join('\n')}\n`
        : 'No file was recorded as running.\n'),
  );
  signalGroup('SIGTERM');
  setTimeout(() => signalGroup('SIGKILL'), 5_000).unref();
}, limitS * 1_000);

jest.on('exit', (code, signal) => {
  clearTimeout(limit);
  rmSync(stateDir, { recursive: true, force: true });
  process.exit(timedOut || signal ? 1 : (code ?? 1));
});
