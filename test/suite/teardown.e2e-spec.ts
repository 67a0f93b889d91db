/**
 * The suite's own guarantee (issue 13, item 11): a spec whose set-up fails
 * or times out releases what it started, and no run hangs. Each case runs a
 * fixture spec (fixtures/*.fixture.ts, not part of the suite) in a child Jest
 * in band, as on a 2-CPU machine, and checks that the child exits by itself,
 * with failure, within a bound. Before the fix the first case never exited:
 * the timed-out startDemo finished after the file and left a server running.
 * SSE_SHOW_FIXTURE_OUTPUT=1 prints each child's output.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hold, release } from '../utils/resources.js';

const ROOT = process.cwd();
/** How long a child may take before it counts as hung (and is killed). */
const BOUND_MS = 90_000;

interface Outcome {
  code: number | null;
  output: string;
  ms: number;
}

/** Runs one fixture with the e2e project's configuration (and reporters). */
async function runFixture(
  fixture: string,
  env: Record<string, string> = {},
): Promise<Outcome> {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const e2e = pkg.jest.projects.find(
    (p: { displayName?: string }) => p.displayName === 'e2e',
  );
  const config = {
    ...e2e,
    rootDir: ROOT,
    displayName: 'fixture',
    roots: ['<rootDir>/test/suite/fixtures/'],
    testRegex: '\\.fixture\\.ts$',
    reporters: pkg.jest.reporters,
  };
  const started = Date.now();
  const child = spawn(
    process.execPath,
    [
      '--experimental-vm-modules',
      join(ROOT, 'node_modules/jest/bin/jest.js'),
      '--config',
      JSON.stringify(config),
      '--runInBand',
      '--ci',
      `fixtures/${fixture}`,
    ],
    {
      cwd: ROOT,
      env: { ...process.env, ...env, FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  hold(child, `child Jest on ${fixture}`, () => child.kill('SIGKILL'));
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const killer = setTimeout(() => child.kill('SIGKILL'), BOUND_MS);
  const code = await new Promise<number | null>((resolve) =>
    child.once('close', (exitCode) => resolve(exitCode)),
  );
  clearTimeout(killer);
  await release(child);
  if (process.env.SSE_SHOW_FIXTURE_OUTPUT)
    console.log(
      `${fixture}: exit ${code} after ${Date.now() - started} ms\n${output}`,
    );
  return { code, output, ms: Date.now() - started };
}

describe('a run whose set-ups fail', () => {
  let failedSetUps: Outcome;
  let leak: Outcome;
  let stuck: Outcome;

  beforeAll(async () => {
    [failedSetUps, leak, stuck] = await Promise.all([
      runFixture('failed-setups.fixture.ts'),
      runFixture('leaks-a-server.fixture.ts', { SSE_TEST_EXIT_GRACE_S: '2' }),
      runFixture('stuck-file.fixture.ts', { SSE_TEST_FILE_LIMIT_S: '3' }),
    ]);
  }, BOUND_MS + 30_000);

  it('ends by itself, failed, once set-ups that timed out or threw are released', () => {
    const { code, output, ms } = failedSetUps;
    expect({ code, hung: ms >= BOUND_MS }).toEqual({ code: 1, hung: false });
    expect(output).toContain('Exceeded timeout of 50 ms for a hook');
    expect(output).toContain('boom: bootstrap failed after init');
    expect(output).toContain('Tests:       4 failed, 4 total');
    // Released by the helpers, not cut short by the guard.
    expect(output).not.toContain('[exit guard]');
    expect(output).not.toContain('did not exit');
    expect(output).not.toContain('torn down');
  });

  it('ends, failed, when a passing spec leaked a handle (exit guard)', () => {
    const { code, output, ms } = leak;
    expect({ code, hung: ms >= BOUND_MS }).toEqual({ code: 1, hung: false });
    expect(output).toContain('Tests:       1 passed, 1 total');
    expect(output).toContain('[exit guard] Jest is still running 2 s after');
  });

  it('ends, failed, when a file runs past its limit (per-file watchdog)', () => {
    const { code, output, ms } = stuck;
    expect({ code, hung: ms >= BOUND_MS }).toEqual({ code: 1, hung: false });
    expect(output).toMatch(
      /\[test watchdog\] .*stuck-file\.fixture\.ts still running 3 s after it started, in test "waits longer than the file may run"/,
    );
  });
});
