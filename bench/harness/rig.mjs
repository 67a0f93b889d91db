// One variant under test: its server process and the load generators
// connected to it, with the readings every scenario is built from.
import { join } from 'node:path';
import { serverScript } from './build.mjs';
import { startChild } from './children.mjs';
import { cpus } from 'node:os';
import {
  BENCH_SECRET,
  placement,
  SAMPLE_EVERY,
  SOURCE_ADDRESSES,
} from './config.mjs';
import { LogHistogram } from './histogram.mjs';
import { BENCH_DIR } from './paths.mjs';

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export class Rig {
  /** Connections are numbered 0 .. next - 1 in order of opening; those below `connected` are open. */
  connected = 0;
  nextIndex = 0;

  /**
   * Starts the variant's server processes (`variant.instances` of them, all
   * on the server core; the first is the one that publishes) and its load
   * generators, which deal connections round-robin over the instances.
   * `layout` overrides the variant's instances, the mode's load generators,
   * pinning (`pin: false` lets every process use every core) and the share
   * of sampled connections.
   */
  static async start(variant, mode, logDir, extraArgs = [], layout = {}) {
    const rig = new Rig();
    rig.variant = variant;
    const {
      instances = variant.instances,
      loadGenerators = mode.loadGenerators,
      pin = true,
      sampleEvery = SAMPLE_EVERY,
    } = layout;
    const cores = pin
      ? placement(cpus().length)
      : { server: undefined, load: undefined };
    rig.servers = [];
    rig.clients = [];
    try {
      await rig.spawn(variant, logDir, extraArgs, {
        instances,
        loadGenerators,
        cores,
        sampleEvery,
      });
    } catch (err) {
      // A failed start releases what it started.
      await rig.stop();
      throw err;
    }
    return rig;
  }

  /** Starts the server processes, then the load generators, adding each to the rig as it is ready. */
  async spawn(
    variant,
    logDir,
    extraArgs,
    { instances, loadGenerators, cores, sampleEvery },
  ) {
    const rig = this;
    for (let i = 0; i < instances; i++) {
      const suffix = instances > 1 ? `-${i}` : '';
      rig.servers.push(
        await startChild({
          name: `${variant.id}-server${suffix}`,
          script: serverScript(variant.server),
          args: [...variant.args, ...extraArgs, `--secret=${BENCH_SECRET}`],
          nodeArgs: [
            '--expose-gc',
            ...(process.env.BENCH_NODE_ARGS?.split(' ') ?? []),
          ],
          logFile: join(logDir, `${variant.id}-server${suffix}.log`),
          cpus: cores.server,
        }),
      );
    }
    rig.server = rig.servers[0];
    for (let shard = 0; shard < loadGenerators; shard++) {
      const client = await startChild({
        name: `${variant.id}-load${shard}`,
        script: join(BENCH_DIR, 'clients', 'load-client.mjs'),
        logFile: join(logDir, `${variant.id}-load${shard}.log`),
        cpus: cores.load,
      });
      await client.call('configure', {
        target: {
          port: rig.server.info.port,
          ports: rig.servers.map((server) => server.info.port),
          path: variant.path,
          auth: variant.auth,
          secret: BENCH_SECRET,
          sampleEvery,
          sourceAddresses: SOURCE_ADDRESSES,
          shard,
          shards: loadGenerators,
        },
      });
      rig.clients.push(client);
    }
  }

  /**
   * Opens connections until `n` are open (numbered `connected .. n - 1`),
   * at most `concurrency` pending per load generator, failing after `timeoutMs`.
   */
  async connectTo(n, timeoutMs = 300_000, concurrency = 200) {
    if (n <= this.connected) return { opened: 0, failed: 0, ms: 0 };
    const from = this.connected;
    const results = await Promise.all(
      this.clients.map((c) =>
        c.call('connect', { from, to: n, concurrency }, timeoutMs),
      ),
    );
    this.connected = n;
    this.nextIndex = Math.max(this.nextIndex, n);
    const opened = sum(results, 'opened');
    const failed = sum(results, 'failed');
    if (failed > 0) {
      const why = results.find((r) => r.firstFailure)?.firstFailure;
      throw new Error(
        `${this.variant.id}: ${failed} of ${n - from} connections failed (${why})`,
      );
    }
    return { opened, failed, ms: Math.max(...results.map((r) => r.ms)) };
  }

  /** Closes every connection numbered `n` or above, then waits for the server to see it. */
  async closeDownTo(n) {
    await Promise.all(
      this.clients.map((c) => c.call('closeFrom', { from: n })),
    );
    this.connected = Math.min(this.connected, n);
    for (let i = 0; i < 100; i++) {
      const { sockets } = await this.usage();
      if (sockets <= n) break;
      await sleep(100);
    }
  }

  /** Resource readings of the server; with several instances, their sums (CPU, memory, sockets). */
  async usage(gc = false) {
    const all = await Promise.all(
      this.servers.map((server) => server.call('usage', { gc }, 120_000)),
    );
    if (all.length === 1) return all[0];
    const total = (pick) => all.reduce((sum, u) => sum + pick(u), 0);
    return {
      ...all[0],
      cpu: {
        user: total((u) => u.cpu.user),
        system: total((u) => u.cpu.system),
      },
      heapUsed: total((u) => u.heapUsed),
      rss: total((u) => u.rss),
      sockets: total((u) => u.sockets),
      eld: { ...all[0].eld, p99: Math.max(...all.map((u) => u.eld.p99)) },
      instances: all,
    };
  }

  /** Merged readings of every load generator since the last reset. */
  async clientStats(reset = true) {
    const all = await Promise.all(
      this.clients.map((c) => c.call('stats', { reset })),
    );
    const latency = new LogHistogram();
    const connectLatency = new LogHistogram();
    all.forEach((s) => {
      latency.add(s.latency);
      connectLatency.add(s.connectLatency);
    });
    return {
      events: sum(all, 'events'),
      bytes: sum(all, 'bytes'),
      open: sum(all, 'open'),
      slowEvents: sum(all, 'slowEvents'),
      closedByServer: sum(all, 'closedByServer'),
      failed: sum(all, 'failed'),
      retried: sum(all, 'retried'),
      /** Busiest generator's CPU share of one core. */
      cpuShare: Math.max(
        ...all.map((s) => s.cpuUs / 1000 / Math.max(1, s.wallMs)),
      ),
      eldP99: Math.max(...all.map((s) => s.eld.p99)),
      eldMax: Math.max(...all.map((s) => s.eld.max)),
      latency,
      connectLatency,
    };
  }

  /**
   * Waits until the clients have received `expected` events in total, or no
   * event arrived for `quietMs`, or `maxMs` passed.
   */
  async waitForEvents(expected, { quietMs = 400, maxMs = 5000 } = {}) {
    const started = Date.now();
    let last = -1;
    let lastChange = Date.now();
    for (;;) {
      const stats = await Promise.all(
        this.clients.map((c) => c.call('stats', { reset: false })),
      );
      const events = sum(stats, 'events');
      if (events >= expected)
        return { events, waitedMs: Date.now() - started, complete: true };
      if (events !== last) {
        last = events;
        lastChange = Date.now();
      }
      if (Date.now() - lastChange >= quietMs || Date.now() - started >= maxMs)
        return { events, waitedMs: Date.now() - started, complete: false };
      await sleep(50);
    }
  }

  /** Restarts the event-loop delay histograms of every instance. */
  eldReset() {
    return Promise.all(this.servers.map((server) => server.call('eldReset')));
  }

  call(op, params) {
    return Promise.all(this.clients.map((c) => c.call(op, params, 120_000)));
  }

  async stop() {
    await Promise.all(this.clients.map((c) => c.stop()));
    await Promise.all(this.servers.map((server) => server.stop()));
  }
}

function sum(items, key) {
  return items.reduce((total, item) => total + (item[key] ?? 0), 0);
}
