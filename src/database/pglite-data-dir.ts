import { resolve } from 'node:path';

/** Where the embedded database keeps its data when `PGLITE_DATA_DIR` is unset (git-ignored). */
export const DEFAULT_PGLITE_DATA_DIR = '.data/pglite';

/** The value of `PGLITE_DATA_DIR` that keeps the embedded database in memory (tests). */
export const IN_MEMORY = 'memory://';

/**
 * The embedded database's directory: `PGLITE_DATA_DIR`, or `.data/pglite`
 * under the working directory, so that the demo keeps its data across
 * restarts; `memory://` keeps it in memory (lost on exit).
 */
export function pgliteDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.PGLITE_DATA_DIR?.trim() || DEFAULT_PGLITE_DATA_DIR;
  return dir === IN_MEMORY ? IN_MEMORY : resolve(dir);
}
