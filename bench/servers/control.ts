/**
 * The control channel every benchmark server shares: the harness (its parent
 * process) asks over IPC for publishing at a fixed rate and for resource
 * readings. Publishing runs inside the server process on purpose: it is part
 * of each variant's cost (serialising, fan-out), measured the same way for all.
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

/** What a benchmark server publishes: the same payload object for every variant. */
export interface BenchPayload {
  /** Intended publish time, epoch milliseconds with sub-millisecond precision. */
  t: number;
  /** Publish sequence within the run. */
  s: number;
  /** Padding; starts with the one `#` of the frame, which clients count. */
  p: string;
}

/** The two publish operations each variant implements its own way. */
export interface BenchTarget {
  /** One event to every connection. */
  broadcast(seq: number, payload: BenchPayload): void;
  /** One event to every connection of user `u<index>`. */
  sendToUser(userId: string, seq: number, payload: BenchPayload): void;
}

interface PublishRequest {
  op: 'publish';
  /** `none`: the same loop without publishing, to measure the loop itself. */
  kind: 'broadcast' | 'user' | 'none';
  /** Events per second, open loop: each event has its intended time. */
  rate: number;
  durationMs: number;
  payloadBytes: number;
  /** For `user`: recipients are drawn from `u0 .. u<users - 1>`. */
  users?: number;
}

/** Back-to-back `sendToUser` calls, for their CPU cost without timer wake-ups. */
interface BurstRequest {
  op: 'burst';
  users: number;
  /** Calls per round, at most one per user. */
  maxCalls: number;
  /** Rounds, each in its own tick, so that no two writes of a round share a socket. */
  rounds: number;
  maxMs: number;
  payloadBytes: number;
}

type Request =
  | PublishRequest
  | BurstRequest
  | { op: 'usage'; gc?: boolean }
  | { op: 'eldReset' }
  | { op: 'exit' };

/** Wall-clock milliseconds with sub-millisecond resolution, comparable across processes. */
export const wallNow = (): number => performance.timeOrigin + performance.now();

/** The histogram records each sampling interval whole: the delay is what exceeds it. */
const ELD_RESOLUTION_MS = 10;
const eld = monitorEventLoopDelay({ resolution: ELD_RESOLUTION_MS });
eld.enable();
const eldMs = (ns: number) => Math.max(0, ns / 1e6 - ELD_RESOLUTION_MS);
const sockets = new Set<Socket>();
let publishSeq = 0;

/** Keeps the server's open TCP connections, the same way for every variant. */
export function trackConnections(server: Server): void {
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
}

/** Bytes written but not yet handed to the kernel, over all sockets. */
function socketBuffered(): number {
  let total = 0;
  for (const socket of sockets) total += socket.writableLength;
  return total;
}

/**
 * Answers the harness. `ready` carries the listening port; each request is
 * answered with `{ id, result }` or `{ id, error }`.
 */
export function serveControl(
  variant: string,
  port: number,
  target: BenchTarget,
): void {
  const send = process.send?.bind(process);
  if (!send) throw new Error('bench servers run under the harness (IPC)');
  process.on('message', (raw) => {
    const { id, ...request } = raw as Request & { id: number };
    handle(request as Request, target).then(
      (result) => send({ id, result }),
      (err: Error) => send({ id, error: err.stack ?? String(err) }),
    );
  });
  process.on('disconnect', () => process.exit(0));
  send({ ready: true, variant, port, pid: process.pid });
}

async function handle(request: Request, target: BenchTarget): Promise<unknown> {
  switch (request.op) {
    case 'usage':
      return usage(request.gc === true);
    case 'eldReset':
      eld.reset();
      return true;
    case 'publish':
      return publish(request, target);
    case 'burst':
      return burst(request, target);
    case 'exit':
      setImmediate(() => process.exit(0));
      return true;
  }
}

function usage(gc: boolean) {
  if (gc) collect();
  const mem = process.memoryUsage();
  return {
    at: wallNow(),
    cpu: process.cpuUsage(),
    heapUsed: mem.heapUsed,
    heapTotal: mem.heapTotal,
    rss: mem.rss,
    external: mem.external,
    arrayBuffers: mem.arrayBuffers,
    sockets: sockets.size,
    socketBuffered: socketBuffered(),
    eld: {
      p50: eldMs(eld.percentile(50)),
      p99: eldMs(eld.percentile(99)),
      max: eldMs(eld.max),
      mean: eldMs(eld.mean),
    },
  };
}

function collect(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run bench servers with --expose-gc');
  gc();
  gc();
}

/**
 * Publishes `rate` events per second for `durationMs`. Open loop: an event
 * late because the process was busy still carries its intended time, so
 * the delay shows in the clients' latency instead of silently lowering the
 * rate (no coordinated omission).
 */
function publish(request: PublishRequest, target: BenchTarget) {
  const { kind, rate, durationMs, payloadBytes, users = 1 } = request;
  const total = Math.max(1, Math.round((rate * durationMs) / 1000));
  const interval = 1000 / rate;
  const padding = '#' + 'x'.repeat(Math.max(0, payloadBytes - 48));
  let random = 0x2545f491;
  let sent = 0;
  let callMs = 0;
  let maxLagMs = 0;
  const start = wallNow();
  return new Promise((resolve) => {
    const tick = () => {
      const now = wallNow();
      const due = Math.min(total, Math.floor((now - start) / interval) + 1);
      for (; sent < due; sent++) {
        const intended = start + sent * interval;
        maxLagMs = Math.max(maxLagMs, now - intended);
        const payload: BenchPayload = {
          t: intended,
          s: ++publishSeq,
          p: padding,
        };
        const before = performance.now();
        if (kind === 'broadcast') target.broadcast(publishSeq, payload);
        else if (kind === 'user') {
          random = (Math.imul(random, 1103515245) + 12345) >>> 0;
          target.sendToUser(`u${random % users}`, publishSeq, payload);
        }
        callMs += performance.now() - before;
      }
      if (sent >= total) {
        resolve({ published: sent, callUs: (callMs * 1000) / sent, maxLagMs });
        return;
      }
      setTimeout(tick, Math.max(0, start + sent * interval - wallNow()));
    };
    tick();
  });
}

/**
 * Calls `sendToUser` back to back, in `rounds` rounds of `maxCalls` calls
 * (at most `maxMs` in all), letting each round's writes go out (they leave
 * after the current tick) before the next, and returns the CPU time per
 * call: lookup, fan-out and the write to the recipient, without a timer
 * wake-up per call. A round calls each user at most once, so no two writes
 * share a socket (and a syscall) whatever N is.
 */
async function burst(request: BurstRequest, target: BenchTarget) {
  const { users, maxCalls, rounds, maxMs, payloadBytes } = request;
  const padding = '#' + 'x'.repeat(Math.max(0, payloadBytes - 48));
  // A stride coprime with N visits distinct users in a scattered order.
  const stride = users % 7919 === 0 ? 7907 : 7919;
  let next = Math.floor(Math.random() * users);
  const perRound = Math.min(maxCalls, users);
  const cpu0 = process.cpuUsage();
  const start = wallNow();
  let callMs = 0;
  let calls = 0;
  for (let round = 0; round < rounds && wallNow() - start < maxMs; round++) {
    const roundStart = wallNow();
    for (let i = 0; i < perRound && wallNow() - start < maxMs; i++) {
      next = (next + stride) % users;
      target.sendToUser(`u${next}`, ++publishSeq, {
        t: wallNow(),
        s: publishSeq,
        p: padding,
      });
      calls++;
    }
    callMs += wallNow() - roundStart;
    // The round's writes leave in the next tick, before the next round.
    await new Promise((resolve) => setImmediate(resolve));
  }
  const cpu = process.cpuUsage(cpu0);
  return {
    calls,
    cpuUsPerCall: (cpu.user + cpu.system) / calls,
    inCallUs: (callMs * 1000) / calls,
  };
}

/** `--name=value` command-line options of a server. */
export function argOf(name: string, fallback: string): string {
  const prefix = `--${name}=`;
  const arg = process.argv.find((a) => a.startsWith(prefix));
  return arg ? arg.slice(prefix.length) : fallback;
}
