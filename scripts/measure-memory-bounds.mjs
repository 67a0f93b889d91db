// Measures what the server holds in two situations that used to grow without
// bound, with the library as built from this checkout and default options
// unless given:
//
//   node --expose-gc scripts/measure-memory-bounds.mjs history [--messages=8000] [--max-bytes=N]
//     Publishes 64 KB messages to made-up user ids (nobody connected, as
//     through the admin route) and reports RSS and heap after GC as it goes.
//
//   node --expose-gc scripts/measure-memory-bounds.mjs stalled [--clients=200] [--messages=300] [--buffer-bytes=N] [--unicast=1]
//     Opens streams that never read, broadcasts a burst of 64 KB messages
//     (with --unicast=1: sends each stream its own, `messages` rounds) and
//     reports the kernel's TCP memory of the server's sockets and of the
//     clients' (`ss -tm`), host TCP memory (/proc/net/sockstat) and RSS at
//     the peak and after the stalled streams were cut.
//
// Bounded: a few hundred MB at most, and under a minute on two cores.
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildServers } from '../bench/harness/build.mjs';
import { BUILD_DIR } from '../bench/harness/paths.mjs';

const [mode = 'history', ...argv] = process.argv.slice(2);
const option = (name, fallback) => {
  const arg = argv.find((a) => a.startsWith(`--${name}=`));
  return arg === undefined ? fallback : Number(arg.split('=')[1]);
};
if (typeof global.gc !== 'function')
  throw new Error('run with node --expose-gc');

buildServers(() => undefined);
const lib = await import(
  pathToFileURL(join(BUILD_DIR, 'libs/sse/src/index.js')).href
);
const { NestFactory } = await import('@nestjs/core');
const { JwtService } = await import('@nestjs/jwt');

const SECRET = 'measure-secret';
const MB = (bytes) => (bytes / 2 ** 20).toFixed(1);
const PAGE = 4096;
const tick = () => new Promise((resolve) => setImmediate(resolve));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function usage() {
  global.gc();
  const { rss, heapUsed, heapTotal, external } = process.memoryUsage();
  return { rss, heapUsed, heapTotal, external };
}

async function start(options) {
  const app = await NestFactory.create(
    lib.SseModule.forRoot({ auth: { secret: SECRET }, ...options }),
    { logger: ['error'] },
  );
  await app.listen(0, '127.0.0.1');
  return {
    app,
    broker: app.get(lib.SseBroker),
    port: app.getHttpServer().address().port,
  };
}

/** A 64 KB payload parsed from its own JSON text, as a request body would be. */
const PAD = 'x'.repeat(64 * 1024 - 64);
const payload = (i) => JSON.parse(JSON.stringify({ i, pad: PAD }));

async function history() {
  const messages = option('messages', 8_000);
  const maxBytes = option('max-bytes', undefined);
  const { app, broker } = await start(
    maxBytes === undefined ? {} : { history: { maxBytes } },
  );
  const base = usage();
  console.log(
    `history: ${messages} messages of 64 KB to made-up user ids, history ${JSON.stringify(maxBytes === undefined ? 'defaults' : { maxBytes })}`,
  );
  console.log(
    'published  rss MB  heap used MB  heap total MB  external MB  (growth after GC)',
  );
  for (let i = 1; i <= messages; i++) {
    await broker.sendToUser(`made-up-${i}`, 'n', payload(i));
    if (i % 1_000 === 0 || i === messages) {
      const now = usage();
      console.log(
        `${String(i).padStart(9)}  ${MB(now.rss - base.rss).padStart(6)}  ${MB(now.heapUsed - base.heapUsed).padStart(12)}  ${MB(now.heapTotal - base.heapTotal).padStart(13)}  ${MB(now.external - base.external).padStart(11)}`,
      );
    }
  }
  console.log(`base rss ${MB(base.rss)} MB, heap ${MB(base.heapUsed)} MB`);
  await app.close();
}

/** Kernel memory of the TCP sockets whose local port is `port` (server side) or whose peer port is (client side). */
function socketMemory(port) {
  const out = execFileSync('ss', ['-tmnH', 'state', 'established'], {
    encoding: 'utf8',
  });
  const lines = out.split('\n');
  const sum = { server: 0, client: 0, sockets: 0 };
  for (let i = 0; i < lines.length; i++) {
    const cols = lines[i].trim().split(/\s+/);
    if (cols.length < 4) continue;
    const local = cols[2];
    const peer = cols[3];
    const mem = /skmem:\(r(\d+),rb\d+,t(\d+),tb\d+,f\d+,w(\d+)/.exec(
      lines[i] + (lines[i + 1] ?? ''),
    );
    if (!mem) continue;
    const bytes = Number(mem[1]) + Math.max(Number(mem[2]), Number(mem[3]));
    if (local.endsWith(`:${port}`)) {
      sum.server += bytes;
      sum.sockets++;
    } else if (peer.endsWith(`:${port}`)) sum.client += bytes;
  }
  return sum;
}

function hostTcpMemory() {
  const line = readFileSync('/proc/net/sockstat', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('TCP:'));
  return Number(/mem (\d+)/.exec(line)[1]) * PAGE;
}

function openStalled(port, token) {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.write(
        `GET /sse/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\nAccept: text/event-stream\r\n\r\n`,
      );
      socket.pause();
      resolve(socket);
    });
    socket.on('error', () => undefined);
    socket.once('error', reject);
  });
}

async function stalled() {
  const clients = option('clients', 200);
  const messages = option('messages', 300);
  const bufferBytes = option('buffer-bytes', undefined);
  const unicast = option('unicast', 0) === 1;
  const { app, broker, port } = await start(
    bufferBytes === undefined ? {} : { clientBufferBytes: bufferBytes },
  );
  const closes = new Map();
  let published = 0;
  let lastCloseAt = 0;
  broker.connections$.subscribe((e) => {
    if (e.type !== 'disconnect') return;
    closes.set(e.reason, (closes.get(e.reason) ?? 0) + 1);
    lastCloseAt = published;
  });
  const jwt = new JwtService();
  const base = { ...usage(), host: hostTcpMemory(), ...socketMemory(port) };
  const sockets = [];
  for (let i = 0; i < clients; i++)
    sockets.push(
      await openStalled(
        port,
        jwt.sign({ sub: `stalled-${i}` }, { secret: SECRET }),
      ),
    );
  while ((await broker.getStats()).totalClients < clients) await sleep(10);
  console.log(
    `stalled: ${clients} streams that never read, ${messages} ${unicast ? 'rounds of a 64 KB message to each' : 'broadcasts of 64 KB'}, ${bufferBytes === undefined ? 'default options' : `clientBufferBytes ${bufferBytes}`}`,
  );
  const peak = { rss: 0, held: 0, host: 0, server: 0, client: 0 };
  const sample = () => {
    const { rss, heapUsed, external } = usage();
    const sockets = socketMemory(port);
    peak.rss = Math.max(peak.rss, rss);
    peak.held = Math.max(peak.held, heapUsed + external);
    peak.host = Math.max(peak.host, hostTcpMemory());
    peak.server = Math.max(peak.server, sockets.server);
    peak.client = Math.max(peak.client, sockets.client);
    return sockets;
  };
  const started = Date.now();
  while (published < messages) {
    if (unicast) {
      for (let i = 0; i < clients; i++)
        await broker.sendToUser(`stalled-${i}`, 'n', payload(published));
      published++;
    } else {
      await broker.broadcast('n', payload(published++));
    }
    await tick();
    if (published % 10 === 0) sample();
  }
  const burstMs = Date.now() - started;
  await sleep(2_500); // stalled streams are cut 2 s after their final event
  const after = { ...usage(), host: hostTcpMemory(), ...socketMemory(port) };
  const row = (name, value, baseValue) =>
    console.log(`${name.padEnd(34)} ${MB(value - baseValue).padStart(8)} MB`);
  row('peak server-side socket memory', peak.server, base.server);
  row('peak client-side socket memory', peak.client, base.client);
  row('peak host TCP memory (sockstat)', peak.host, base.host);
  row(
    'peak heap + external after GC',
    peak.held,
    base.heapUsed + base.external,
  );
  row('peak RSS', peak.rss, base.rss);
  row('server-side socket memory after', after.server, base.server);
  row('host TCP memory after', after.host, base.host);
  row('RSS after GC', after.rss, base.rss);
  console.log(
    `burst ${burstMs} ms; closed ${JSON.stringify(Object.fromEntries(closes))}, the last after round ${lastCloseAt} of ${messages}`,
  );
  sockets.forEach((s) => s.destroy());
  await app.close();
}

if (mode === 'history') await history();
else if (mode === 'stalled') await stalled();
else throw new Error(`unknown mode ${mode}: history or stalled`);
process.exit(0);
