import { readFileSync } from 'node:fs';

/**
 * The process's soft limit on open files (`ulimit -n`, `RLIMIT_NOFILE`) as
 * Linux reports it in `/proc/self/limits`; `undefined` where it is unlimited
 * or cannot be read (other systems), and then nothing is derived from it.
 * Node raises the soft limit to the hard one when it starts, so this is the
 * limit the process actually runs with.
 * @internal
 */
export function openFileLimit(
  readLimits: () => string = () => readFileSync('/proc/self/limits', 'utf8'),
): number | undefined {
  let limits: string;
  try {
    limits = readLimits();
  } catch {
    return undefined;
  }
  const soft = /^Max open files\s+(\d+)\s/m.exec(limits)?.[1];
  return soft === undefined ? undefined : Number(soft);
}

/**
 * How many streams one instance may hold when `maxConnections` is 0: the
 * open-file limit less what the application keeps for its own files and
 * sockets (other requests, database and Redis connections, logs), a tenth
 * of the limit and at least 256 files (half of a limit under 512). Every
 * stream holds one socket, so beyond this a stream is refused with `503`
 * instead of the process failing to accept or open anything (`EMFILE`).
 * 0 (no bound) when the limit is unknown.
 * @internal
 */
export function streamCapacity(openFiles: number | undefined): number {
  if (openFiles === undefined) return 0;
  const headroom = Math.max(
    Math.ceil(openFiles / 10),
    Math.min(256, Math.floor(openFiles / 2)),
  );
  return Math.max(1, openFiles - headroom);
}
