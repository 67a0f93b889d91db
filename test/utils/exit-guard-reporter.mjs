// A Jest reporter that keeps a run from hanging after its last test file.
//
// Jest waits for the event loop to empty before it exits; a server, socket or
// timer a spec leaked (with tests in band, as on a 2-CPU machine, they share
// Jest's own process) made it wait for ever. If the process is still alive
// SSE_TEST_EXIT_GRACE_S seconds (default 10) after the run completed, this
// names what is keeping it alive and exits: with the run's own failure code,
// or with 1 if every test passed (a leak is a defect, not a pass).
//
// It also records the files that are running in $SSE_TEST_STATE_FILE when
// that is set, so that scripts/run-tests.mjs can name them if it has to stop
// the run at its hard limit.
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';

const GRACE_MS = Number(process.env.SSE_TEST_EXIT_GRACE_S ?? 10) * 1_000;
const STATE_FILE = process.env.SSE_TEST_STATE_FILE;

export default class ExitGuardReporter {
  running = new Map();

  constructor(globalConfig) {
    // A watch session outlives its runs on purpose.
    this.watching = Boolean(globalConfig.watch || globalConfig.watchAll);
  }

  onTestFileStart(test) {
    this.running.set(test.path, Date.now());
    this.save();
  }

  onTestFileResult(test) {
    this.running.delete(test.path);
    this.save();
  }

  save() {
    if (!STATE_FILE) return;
    const running = [...this.running].map(([path, since]) => ({
      file: relative(process.cwd(), path),
      since,
    }));
    try {
      writeFileSync(STATE_FILE, JSON.stringify({ running }));
    } catch {
      // the wrapper's file is a courtesy
    }
  }

  onRunComplete(_contexts, results) {
    if (this.watching) return;
    const timer = setTimeout(() => {
      const resources = process
        .getActiveResourcesInfo()
        .filter((r) => r !== 'TTYWrap' && r !== 'Timeout');
      const passed =
        results.numFailedTests === 0 &&
        results.numFailedTestSuites === 0 &&
        results.numRuntimeErrorTestSuites === 0;
      process.stderr.write(
        `\n[exit guard] Jest is still running ${GRACE_MS / 1_000} s after the last test file: ` +
          `something a spec started was not released (active: ${resources.join(', ') || 'unknown'}). ` +
          `Exiting${passed ? ' with failure' : ''} instead of hanging; ` +
          'find the leak with --detectOpenHandles (SSE_TEST_EXIT_GRACE_S sets the grace).\n',
      );
      process.exit(passed ? 1 : process.exitCode || 1);
    }, GRACE_MS);
    timer.unref();
  }
}
