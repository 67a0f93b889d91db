// Builds the library package (libs/sse/dist, what `nestjs-sse-broker`
// resolves to, as in an application), then compiles the Nest-based servers
// with the project's TypeScript (decorator metadata is needed by Nest's
// injector, so no type-stripping loader will do) into bench/.build, which is
// gitignored.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { BENCH_DIR, BUILD_DIR, ROOT_DIR } from './paths.mjs';

const require = createRequire(import.meta.url);

/**
 * Runs tsc; type errors in the library (it may be mid-change) are reported
 * but only errors in bench/ itself, or nothing emitted, fail the build.
 */
export function buildServers(log = console.log) {
  const started = Date.now();
  const tsc = require.resolve('typescript/bin/tsc');
  const library = spawnSync(
    process.execPath,
    [tsc, '-p', join(ROOT_DIR, 'libs/sse/tsconfig.build.json')],
    { cwd: ROOT_DIR, encoding: 'utf8' },
  );
  if (library.status !== 0)
    throw new Error(
      `the library does not build:\n${library.stdout}${library.stderr}`,
    );
  const run = spawnSync(
    process.execPath,
    [tsc, '-p', join(BENCH_DIR, 'tsconfig.json')],
    {
      cwd: ROOT_DIR,
      encoding: 'utf8',
    },
  );
  const diagnostics = (run.stdout + run.stderr)
    .split('\n')
    .filter((l) => /error TS/.test(l));
  const own = diagnostics.filter((l) => l.startsWith('bench/'));
  if (own.length > 0)
    throw new Error(`bench servers do not compile:\n${own.join('\n')}`);
  if (run.status !== 0 && diagnostics.length === 0)
    throw new Error(`tsc failed:\n${run.stdout}${run.stderr}`);
  if (diagnostics.length > 0) {
    log(
      `  note: tsc reported ${diagnostics.length} type error(s) in the library; compiled anyway:`,
    );
    diagnostics.slice(0, 5).forEach((l) => log(`    ${l}`));
  }
  log(`  built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { ms: Date.now() - started, libraryTypeErrors: diagnostics.length };
}

export const serverScript = (name) =>
  join(BUILD_DIR, 'bench', 'servers', `${name}.js`);
