// A load generator: many raw TCP connections to one SSE server, driven by the
// harness over IPC. Most connections only count the events they receive:
// every benchmark event carries exactly one `#` byte (the start of its
// padding), and nothing else on the wire does, so counting is one
// Buffer.indexOf loop per read, with nothing to carry across reads. One
// connection in `sampleEvery` parses its events and records the
// publish-to-receive latency into a histogram.
import { createHmac } from 'node:crypto';
import { connect } from 'node:net';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { LogHistogram } from '../harness/histogram.mjs';

const HASH = 0x23; // '#'
const wallNow = () => performance.timeOrigin + performance.now();

/** One read buffer for every socket: reads are handled synchronously. */
const readBuffer = Buffer.allocUnsafe(256 * 1024);

const conns = new Map(); // index -> connection state
const totals = {
  events: 0,
  slowEvents: 0,
  bytes: 0,
  opened: 0,
  failed: 0,
  /** Opens retried after a 503 (the server could not reach its transport in time). */
  retried: 0,
  closedByServer: 0,
};
/** Attempts per connection when the server answers 503, as a reconnecting client would. */
const MAX_ATTEMPTS = 5;
let latency = new LogHistogram();
let connectLatency = new LogHistogram();
/** The histogram records each 10 ms sampling interval whole: the delay is what exceeds it. */
const eld = monitorEventLoopDelay({ resolution: 10 });
eld.enable();
const eldMs = (ns) => Math.max(0, ns / 1e6 - 10);
let cpuMark = process.cpuUsage();
let wallMark = performance.now();
let target;
let lastFailure;

function base64url(value) {
  return Buffer.from(
    typeof value === 'string' ? value : JSON.stringify(value),
  ).toString('base64url');
}

/** An HS256 JWT for `sub`, signed with node:crypto (what @nestjs/jwt verifies). */
function jwt(sub, secret) {
  const now = Math.floor(Date.now() / 1000);
  const head = `${base64url({ alg: 'HS256', typ: 'JWT' })}.${base64url({ sub, iat: now, exp: now + 4 * 3600 })}`;
  return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
}

function requestFor(index) {
  const user = `u${index}`;
  if (target.auth === 'jwt') {
    return (
      `GET ${target.path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n` +
      `Authorization: Bearer ${jwt(user, target.secret)}\r\n\r\n`
    );
  }
  return `GET ${target.path}?user=${user} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n`;
}

/** With several server instances, connection `index` goes to instance `index % ports`. */
function portFor(index) {
  return target.ports ? target.ports[index % target.ports.length] : target.port;
}

/** Spreads source addresses over 127.0.0.2 .. so that ephemeral ports never run out. */
function localAddressFor(index) {
  return `127.0.0.${2 + (index % target.sourceAddresses)}`;
}

function onRead(conn, nread, buf) {
  totals.bytes += nread;
  if (!conn.open) {
    // The first read holds the status line (servers flush headers at once).
    if (buf.latin1Slice(0, 12) === 'HTTP/1.1 200') {
      conn.open = true;
      totals.opened++;
      connectLatency.record((performance.now() - conn.startedAt) * 1000);
      conn.resolve?.(true);
    } else {
      lastFailure = buf.latin1Slice(0, Math.min(nread, 64)).split('\r\n')[0];
      conn.unavailable = lastFailure.startsWith('HTTP/1.1 503');
      conn.socket.destroy();
      return;
    }
  }
  const data = buf.subarray(0, nread);
  let n = 0;
  let i = data.indexOf(HASH);
  while (i !== -1) {
    n++;
    i = data.indexOf(HASH, i + 1);
  }
  if (n === 0) return;
  conn.events += n;
  totals.events += n;
  if (conn.slow) totals.slowEvents += n;
  if (conn.sampled) sample(conn, buf.latin1Slice(0, nread));
}

/** Parses `"t":<ms>` of each complete event; a partial event waits for the next read. */
function sample(conn, text) {
  const now = wallNow();
  const all = conn.carry + text;
  const end = all.lastIndexOf('\n\n');
  if (end === -1) {
    conn.carry = all;
    return;
  }
  conn.carry = all.slice(end + 2);
  let i = all.indexOf('"t":');
  while (i !== -1 && i < end) {
    const t = Number.parseFloat(all.slice(i + 4, i + 30));
    if (Number.isFinite(t)) latency.record(Math.max(0, now - t) * 1000);
    i = all.indexOf('"t":', i + 4);
  }
}

function open(index, attempt = 1) {
  return new Promise((resolve) => {
    const conn = {
      unavailable: false,
      index,
      sampled: index % target.sampleEvery === 0,
      slow: false,
      open: false,
      closing: false,
      events: 0,
      carry: '',
      startedAt: performance.now(),
      resolve,
      socket: undefined,
    };
    const socket = connect({
      host: '127.0.0.1',
      port: portFor(index),
      localAddress: localAddressFor(index),
      onread: {
        buffer: readBuffer,
        callback: (nread, buf) => onRead(conn, nread, buf),
      },
    });
    conn.socket = socket;
    conns.set(index, conn);
    socket.setNoDelay(true);
    socket.on('connect', () => socket.write(requestFor(index)));
    socket.on('error', () => {});
    socket.on('close', () => {
      if (conns.get(index) === conn) conns.delete(index);
      if (!conn.open && conn.unavailable && attempt < MAX_ATTEMPTS) {
        totals.retried++;
        setTimeout(() => open(index, attempt + 1).then(resolve), 250 * attempt);
      } else if (!conn.open) {
        totals.failed++;
        resolve(false);
      } else if (!conn.closing) totals.closedByServer++;
    });
  });
}

/** Whether connection `index` belongs to this load generator (indices are dealt round-robin). */
const mine = (index) => index % target.shards === target.shard;

/** Opens this generator's connections among `from .. to - 1`, at most `concurrency` pending at a time. */
async function openRange(from, to, concurrency) {
  const started = performance.now();
  const indices = [];
  for (let i = from; i < to; i++) if (mine(i)) indices.push(i);
  let next = 0;
  let ok = 0;
  let firstFailure;
  const worker = async () => {
    while (next < indices.length) {
      const index = indices[next++];
      const opened = await open(index);
      if (opened) ok++;
      else firstFailure ??= lastFailure ?? `connection ${index} failed`;
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(concurrency, indices.length) }, worker),
  );
  return {
    opened: ok,
    failed: indices.length - ok,
    ms: performance.now() - started,
    firstFailure,
  };
}

function closeConn(conn) {
  conn.closing = true;
  conns.delete(conn.index);
  conn.socket.destroy();
}

/** Closes every open connection with an index at or above `from`. */
function closeFrom(from) {
  let closed = 0;
  for (const conn of [...conns.values()]) {
    if (conn.index >= from) {
      closeConn(conn);
      closed++;
    }
  }
  return closed;
}

/** Stops reading on connections `i % every === offset`: the kernel buffers fill, then the server's. */
function stall(every, offset) {
  let stalled = 0;
  for (const conn of conns.values()) {
    if (conn.index % every === offset && !conn.sampled) {
      conn.slow = true;
      conn.socket.pause();
      stalled++;
    }
  }
  return stalled;
}

/**
 * Replaces `perSecond` connections a second for `durationMs`: each step
 * closes one connection drawn at random among those of `from .. to - 1` and
 * their replacements (never a sampled one), and opens a fresh one.
 */
async function churn({ perSecond, durationMs, from, to, nextIndex }) {
  const pool = [];
  for (let i = from; i < to; i++)
    if (conns.get(i)?.open && !conns.get(i).sampled) pool.push(i);
  if (pool.length === 0)
    return { closes: 0, connects: 0, failures: 0, ms: 0, nextIndex };
  const started = performance.now();
  const interval = 1000 / perSecond;
  const total = Math.round((perSecond * durationMs) / 1000);
  let random = 0x9e3779b9;
  // Fresh indices, disjoint between generators.
  let index = nextIndex + target.shard;
  let connects = 0;
  let failures = 0;
  let closes = 0;
  const inflight = [];
  for (let k = 0; k < total; k++) {
    const due = started + k * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    random = (Math.imul(random, 1103515245) + 12345) >>> 0;
    const slot = random % pool.length;
    const victim = conns.get(pool[slot]);
    if (victim) {
      closeConn(victim);
      closes++;
    }
    pool[slot] = index;
    const opening = open(index).then((ok) => (ok ? connects++ : failures++));
    index += target.shards;
    inflight.push(opening);
  }
  await Promise.all(inflight);
  return {
    closes,
    connects,
    failures,
    ms: performance.now() - started,
    nextIndex: index,
  };
}

function stats({ reset = true } = {}) {
  const cpu = process.cpuUsage(cpuMark);
  const now = performance.now();
  let open = 0;
  for (const conn of conns.values()) if (conn.open) open++;
  const result = {
    ...totals,
    open,
    cpuUs: cpu.user + cpu.system,
    wallMs: now - wallMark,
    eld: {
      p50: eldMs(eld.percentile(50)),
      p99: eldMs(eld.percentile(99)),
      max: eldMs(eld.max),
    },
    latency: latency.toJSON(),
    connectLatency: connectLatency.toJSON(),
  };
  if (reset) {
    cpuMark = process.cpuUsage();
    wallMark = now;
    eld.reset();
    latency = new LogHistogram();
    connectLatency = new LogHistogram();
  }
  return result;
}

const handlers = {
  configure(params) {
    target = params.target;
    return true;
  },
  connect: ({ from, to, concurrency = 200 }) =>
    openRange(from, to, concurrency),
  closeFrom: ({ from }) => closeFrom(from),
  stall: ({ every, offset }) => stall(every, offset),
  churn,
  stats,
  exit() {
    setImmediate(() => process.exit(0));
    return true;
  },
};

process.on('message', async ({ id, op, ...params }) => {
  try {
    process.send({ id, result: await handlers[op](params) });
  } catch (err) {
    process.send({ id, error: err.stack ?? String(err) });
  }
});
process.on('disconnect', () => process.exit(0));
process.send({ ready: true, pid: process.pid });
