// What is measured: the variants (servers) and the two modes' scenario
// parameters. Every variant runs every scenario with the same clients,
// payloads and rates.

/** The shared JWT secret of the library variants and their clients. */
export const BENCH_SECRET = 'bench-only-secret-not-for-production';

/**
 * The server variants, in report order. B0 is the floor every figure is
 * divided by.
 *
 * - `server`: the compiled script in bench/.build/bench/servers.
 * - `path`, `auth`: how clients open a stream (`none`: `?user=u<i>`;
 *   `jwt`: `Authorization: Bearer` with `sub: u<i>`).
 * - `instances`: server processes behind the variant, all on the server
 *   core; clients alternate between them and the first one publishes.
 * - `scenarios`: `'all'` (1-6 where they apply) or `'redis'` (scenario 6
 *   only: it compares this variant with L-direct's run of the same windows).
 */
export const VARIANTS = [
  {
    id: 'B0',
    label: 'raw node:http',
    description:
      '`node:http`, one pre-serialised frame per event, a `res.write` loop',
    server: 'raw-http.server',
    args: [],
    path: '/sse',
    auth: 'none',
    instances: 1,
    scenarios: 'all',
  },
  {
    id: 'B1',
    label: 'better-sse',
    description:
      'better-sse 0.16 `Channel.broadcast`, `Session.push` per user; defaults',
    server: 'better-sse.server',
    args: [],
    path: '/sse',
    auth: 'none',
    instances: 1,
    scenarios: 'all',
  },
  {
    id: 'B2',
    label: 'naive Nest @Sse()',
    description:
      'Nest 12 `@Sse()`, one global Subject, a `filter` per connection',
    server: 'nest-naive.server',
    args: [],
    path: '/sse',
    auth: 'none',
    instances: 1,
    scenarios: 'all',
  },
  {
    id: 'L-nest',
    label: "library, writer 'nest'",
    description:
      "`SseModule.forRoot({ writer: 'nest', auth: { secret } })`, JWT per stream",
    server: 'library.server',
    args: ['--writer=nest'],
    path: '/sse/stream',
    auth: 'jwt',
    instances: 1,
    scenarios: 'all',
  },
  {
    id: 'L-direct',
    label: "library, writer 'direct'",
    description:
      "`SseModule.forRoot({ writer: 'direct', auth: { secret } })`, JWT per stream",
    server: 'library.server',
    args: ['--writer=direct'],
    path: '/sse/stream',
    auth: 'jwt',
    instances: 1,
    scenarios: 'all',
    /** Also runs scenario 6's windows, as L-redis's single-instance reference. */
    redisBaseline: true,
  },
  {
    id: 'L-fastify',
    label: "library, writer 'direct', Fastify",
    description:
      "L-direct on `@nestjs/platform-fastify` 12 (`new FastifyAdapter()`, Fastify's defaults) instead of Express",
    server: 'library.server',
    args: ['--writer=direct', '--adapter=fastify'],
    path: '/sse/stream',
    auth: 'jwt',
    instances: 1,
    scenarios: 'all',
  },
  {
    id: 'L-redis',
    label: "library, 'direct', Redis, 2 instances",
    description:
      "two `SseModule.forRoot({ writer: 'direct', transport: { type: 'redis' } })` processes on the server core sharing the local Redis; clients alternate between them, publishing on the first",
    server: 'library.server',
    args: ['--writer=direct', '--transport=redis'],
    path: '/sse/stream',
    auth: 'jwt',
    instances: 2,
    scenarios: 'redis',
  },
  {
    id: 'L-scale',
    label: "library, 'direct', Redis, many streams",
    description:
      "`mode.scale.instances` L-direct processes with `transport: { type: 'redis' }` sharing the local Redis, `mode.scale.loadGenerators` load generators (scenario 7 only), nothing pinned",
    server: 'library.server',
    args: ['--writer=direct', '--transport=redis'],
    path: '/sse/stream',
    auth: 'jwt',
    instances: 1,
    scenarios: 'scale',
  },
];

/**
 * Scenario parameters. Broadcast rates are given as offered deliveries per
 * second (connections x publishes per second), so that every N is measured
 * at the same loads; the publish rate is that divided by N.
 */
export const MODES = {
  quick: {
    /** N for scenarios 1-3, in order; each step adds connections. */
    ladder: [1000, 2000],
    /** Extra idle-only steps after the ladder (scenario 1's "10k+"). */
    idleOnly: [],
    idleMs: 300,
    payloadBytes: 100,
    /** Offered deliveries per second, stepped up until the server falls behind. */
    deliveredRates: [20_000, 60_000],
    /** The load at which variants are compared (one of deliveredRates). */
    referenceRate: 20_000,
    /** Windows at the reference load; the median is reported with the spread. */
    referenceRepeats: 1,
    windowMs: 700,
    unicast: {
      rate: 200,
      windowMs: 500,
      burstCalls: 1000,
      burstRounds: 2,
      burstMs: 150,
      warmupBursts: 2,
    },
    churn: {
      connections: 1000,
      perSecond: 100,
      windowMs: 500,
      broadcastRate: 10,
    },
    slow: {
      connections: 200,
      every: 20,
      rate: 50,
      payloadBytes: 16384,
      prefill: 1100,
      referenceMs: 600,
      windowMs: 1500,
      cutWaitMs: 0,
    },
    /** Scenario 6: L-direct (one instance, memory) against L-redis (two instances, Redis). */
    redis: {
      connections: 1000,
      broadcastRate: 20_000,
      userRates: [200],
      windowMs: 700,
    },
    /** Scenario 7 (L-scale): N streams over several instances through Redis. */
    scale: {
      steps: [5000, 10000],
      instances: 2,
      loadGenerators: 2,
      connectConcurrency: 50,
      idleMs: 11_000,
      userCalls: 1000,
      userRate: 1000,
      payloadBytes: 100,
      /** The whole scenario stops (and releases everything) after this. */
      maxMs: 180_000,
    },
    loadGenerators: 1,
  },
  full: {
    ladder: [1000, 5000, 10000],
    idleOnly: [16000],
    idleMs: 3000,
    payloadBytes: 100,
    deliveredRates: [10_000, 20_000, 40_000, 60_000, 80_000],
    referenceRate: 20_000,
    referenceRepeats: 3,
    windowMs: 4000,
    unicast: {
      rate: 200,
      windowMs: 3000,
      /** Calls per round: the same at every N, at most one per user. */
      burstCalls: 1000,
      burstRounds: 5,
      burstMs: 1000,
      warmupBursts: 5,
    },
    churn: {
      connections: 2000,
      perSecond: 200,
      windowMs: 5000,
      broadcastRate: 10,
    },
    slow: {
      connections: 200,
      every: 20,
      rate: 50,
      payloadBytes: 16384,
      prefill: 1100,
      referenceMs: 5000,
      windowMs: 15000,
      cutWaitMs: 2500,
    },
    redis: {
      connections: 2000,
      /** Offered deliveries per second of the broadcast window. */
      broadcastRate: 20_000,
      /** sendToUser calls per second, one window each. */
      userRates: [200, 2000],
      windowMs: 4000,
    },
    scale: {
      steps: [25_000, 50_000, 75_000, 100_000],
      /** About 14 300 streams each: one process holds at most the open-file limit. */
      instances: 7,
      /** About 16 700 connections each, for the same reason. */
      loadGenerators: 6,
      /**
       * Opens pending per load generator. More only queues in the instances:
       * on a busy machine their Redis commands then time out (503, retried).
       */
      connectConcurrency: 25,
      /** Long enough for one presence refresh (every presenceTtl / 3 = 10 s). */
      idleMs: 11_000,
      userCalls: 1000,
      userRate: 1000,
      payloadBytes: 100,
      maxMs: 600_000,
    },
    loadGenerators: 1,
  },
};

/**
 * Cores the processes are pinned to (with taskset, when there are at least
 * two): the server alone on one, the load generators on the other, so that
 * neither migrates or takes the other's cache mid-window.
 */
export function placement(cores) {
  return cores >= 2
    ? { server: '0', load: String(cores - 1) }
    : { server: undefined, load: undefined };
}

/** p99 latency above which a broadcast rate counts as not sustained. */
export const LATENCY_LIMIT_MS = 100;
/** p99 latency at or above which the server is taken to be falling behind (the ladder stops). */
export const BACKLOG_MS = 1000;
/** Share of offered deliveries below which a rate counts as not sustained. */
export const MIN_DELIVERY_RATIO = 0.99;
/** One connection in this many parses its events for latency. */
export const SAMPLE_EVERY = 20;
/** Source addresses 127.0.0.2 .. 127.0.0.<1 + this> spread the clients' ports. */
export const SOURCE_ADDRESSES = 40;
/** Client CPU share of one core above which the load generator may be the bottleneck. */
export const CLIENT_CPU_LIMIT = 0.7;
