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

/** Builds the library, then the servers; a type error in either fails the build. */
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
  // The library built above, so any error left is the servers' own.
  if (run.status !== 0)
    throw new Error(
      `bench servers do not compile:\n${run.stdout}${run.stderr}`,
    );
  log(`  built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { ms: Date.now() - started };
}

export const serverScript = (name) =>
  join(BUILD_DIR, 'bench', 'servers', `${name}.js`);
