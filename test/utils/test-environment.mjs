// Jest's node environment plus a per-file watchdog: a test file still running
// SSE_TEST_FILE_LIMIT_S seconds (default 300) after it started fails (in band,
// as on a 2-CPU machine, the whole run ends with it),
// naming the file, the test or hook it was in and what the helpers still had
// open, instead of letting the run hang. Every test and hook already has a
// timeout; this bounds what they cannot (a teardown that never returns, a
// file with very many slow tests, anything that stops the file between them).
import { TestEnvironment } from 'jest-environment-node';

const LIMIT_MS = Number(process.env.SSE_TEST_FILE_LIMIT_S ?? 300) * 1_000;

export default class WatchedEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    this.testPath = context.testPath;
    this.current = 'loading the file';
  }

  async setup() {
    await super.setup();
    this.watchdog = setTimeout(() => this.expire(), LIMIT_MS);
    this.watchdog.unref();
  }

  handleTestEvent(event) {
    if (event.name === 'test_start' || event.name === 'test_fn_start')
      this.current = `test "${fullName(event.test)}"`;
    else if (event.name === 'hook_start')
      this.current = `${event.hook.type} hook of "${fullName(event.hook.parent) || 'the file'}"`;
    else if (event.name === 'run_finish') this.current = 'tearing down';
  }

  expire() {
    const open = this.global?.__sseTestOpen?.() ?? [];
    process.stderr.write(
      `\n[test watchdog] ${this.testPath} still running ${LIMIT_MS / 1_000} s after it started, ` +
        `in ${this.current}: failing it instead of letting the run hang.\n` +
        open.map((line) => `  ${line}\n`).join('') +
        '  (SSE_TEST_FILE_LIMIT_S raises the limit.)\n',
    );
    // In a worker, die by a signal: Jest then fails this file and goes on
    // (an exit code would make it retry the file three times). In band, the
    // file shares Jest's process: the run ends here.
    if (typeof process.send === 'function')
      process.kill(process.pid, 'SIGKILL');
    process.exit(1);
  }

  async teardown() {
    clearTimeout(this.watchdog);
    await super.teardown();
  }
}

function fullName(block) {
  const names = [];
  for (let b = block; b; b = b.parent)
    if (b.name && b.name !== 'ROOT_DESCRIBE_BLOCK') names.unshift(b.name);
  return names.join(' › ');
}
