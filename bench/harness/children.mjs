// Child processes of the harness: servers and load generators, each started
// through bash so that it gets a raised open-files limit, and driven over
// Node's IPC channel with small request/answer messages.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';

/** Open files wanted per child (each connection is one descriptor). */
export const WANTED_FD_LIMIT = 65536;

const RAISE_LIMIT = `ulimit -n ${WANTED_FD_LIMIT} 2>/dev/null || ulimit -n "$(ulimit -Hn)"`;

/** The open-files limit a child actually gets. */
export function childFdLimit() {
  const run = spawnSync('bash', ['-c', `${RAISE_LIMIT}; ulimit -n`], {
    encoding: 'utf8',
  });
  return Number(run.stdout.trim());
}

/** Whether `taskset` can pin children to cores. */
export const CAN_PIN =
  spawnSync('taskset', ['-p', String(process.pid)]).status === 0;

/**
 * Starts `node <nodeArgs> <script> <args>` with its output appended to
 * `logFile`, pinned to the cores `cpus` (e.g. '0') when given and possible.
 * Resolves once the child sent `{ ready: true, ... }`.
 */
export async function startChild({
  name,
  script,
  args = [],
  nodeArgs = [],
  logFile,
  cpus,
  readyTimeoutMs = 30_000,
}) {
  mkdirSync(dirname(logFile), { recursive: true });
  const log = openSync(logFile, 'a');
  const pin = cpus !== undefined && CAN_PIN ? ['taskset', '-c', cpus] : [];
  const child = spawn(
    'bash',
    [
      '-c',
      `${RAISE_LIMIT}; exec "$@"`,
      name,
      ...pin,
      process.execPath,
      ...nodeArgs,
      script,
      ...args,
    ],
    { stdio: ['ignore', log, log, 'ipc'] },
  );
  closeSync(log);
  const pending = new Map();
  let nextId = 1;
  let exited = false;
  let readyResolve;
  let readyReject;
  const ready = new Promise((resolve, reject) => {
    readyResolve = resolve;
    readyReject = reject;
  });
  const readyTimer = setTimeout(
    () =>
      readyReject(
        new Error(
          `${name}: not ready after ${readyTimeoutMs} ms (see ${logFile})`,
        ),
      ),
    readyTimeoutMs,
  );
  child.on('message', (msg) => {
    if (msg.ready) {
      clearTimeout(readyTimer);
      readyResolve(msg);
      return;
    }
    const waiter = pending.get(msg.id);
    if (!waiter) return;
    pending.delete(msg.id);
    clearTimeout(waiter.timer);
    if (msg.error) waiter.reject(new Error(`${name}: ${msg.error}`));
    else waiter.resolve(msg.result);
  });
  child.on('exit', (code, signal) => {
    exited = true;
    clearTimeout(readyTimer);
    const err = new Error(`${name} exited (${signal ?? code}); see ${logFile}`);
    readyReject(err);
    for (const waiter of pending.values()) {
      clearTimeout(waiter.timer);
      waiter.reject(err);
    }
    pending.clear();
  });
  const info = await ready.catch((err) => {
    // Not ready in time (or exited): it must not outlive the failed start.
    if (!exited) child.kill('SIGKILL');
    throw err;
  });
  return {
    name,
    info,
    pid: child.pid,
    get exited() {
      return exited;
    },
    /** Sends one request and waits for its answer. */
    call(op, params = {}, timeoutMs = 60_000) {
      if (exited) return Promise.reject(new Error(`${name} has exited`));
      const id = nextId++;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`${name}: ${op} not answered in ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(id, { resolve, reject, timer });
        child.send({ id, op, ...params });
      });
    },
    /** Asks the child to exit, then kills it (by its own pid) if it does not. */
    async stop() {
      if (exited) return;
      const gone = new Promise((resolve) => child.once('exit', resolve));
      try {
        child.send({ id: 0, op: 'exit' });
      } catch {
        /* channel already closed */
      }
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await gone;
      clearTimeout(timer);
    },
  };
}
