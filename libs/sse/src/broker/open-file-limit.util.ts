import type { LoggerService } from '@nestjs/common';
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

/**
 * The bound on this instance's streams: `maxConnections`, or with
 * `maxConnections: 0` the {@link streamCapacity} of the open-file limit
 * (0 = no bound). Every stream holds a socket: past the open-file limit the
 * process can neither accept nor open anything, so streams are refused (503)
 * before that, leaving room for the application. Logs the bound it derives,
 * and warns when `maxConnections` is above what the limit allows.
 * @internal
 */
export function connectionBound(
  maxConnections: number,
  openFiles: number | undefined,
  logger: Pick<LoggerService, 'log' | 'warn'>,
): number {
  const capacity = streamCapacity(openFiles);
  if (maxConnections === 0) {
    if (capacity > 0)
      logger.log(
        `maxConnections: at most ${capacity} streams on this instance (open-file limit ${openFiles}, ${openFiles! - capacity} kept for the application); set maxConnections to choose`,
      );
    return capacity;
  }
  if (capacity > 0 && maxConnections > capacity)
    logger.warn(
      `maxConnections (${maxConnections}) is above the ${capacity} streams that the open-file limit (${openFiles}) allows with ${openFiles! - capacity} files kept for the application: beyond that, the process may fail to accept connections or open files (EMFILE). Raise the limit (ulimit -n) or lower maxConnections.`,
    );
  return maxConnections;
}
