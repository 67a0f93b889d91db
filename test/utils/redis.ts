import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { type AddressInfo, createServer } from 'node:net';
import { Redis } from 'ioredis';
import { forget, hold } from './resources.js';
import { startApp, type TestApp, type TestAppOptions } from './sse-test-app.js';

/**
 * The Redis the transport tests use: `REDIS_URL`, or the local default when
 * it answers. Undefined (the tests skip, saying why) when none is reachable
 * and REDIS_URL is unset; with `SSE_REQUIRE_REDIS=1` (CI) a missing Redis
 * fails instead.
 */
export const REDIS_URL = await findRedis();

async function findRedis(): Promise<string | undefined> {
  const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const required =
    process.env.SSE_REQUIRE_REDIS === '1' ||
    process.env.REDIS_URL !== undefined;
  const probe = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 1_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    await probe.ping();
    return url;
  } catch (err) {
    if (required)
      throw new Error(
        `Redis is required (REDIS_URL / SSE_REQUIRE_REDIS=1) but ${url} is unreachable: ${(err as Error).message}`,
      );
    console.warn(
      `Skipping the Redis transport tests: no Redis at ${url}. Start one, or set REDIS_URL (SSE_REQUIRE_REDIS=1 makes this an error).`,
    );
    return undefined;
  } finally {
    probe.disconnect();
  }
}

/** `describe` when Redis is reachable, `describe.skip` otherwise. */
export const describeWithRedis = REDIS_URL ? describe : describe.skip;

/** A key prefix of its own for one test file, so that runs never see each other's keys. */
export function testPrefix(): string {
  return `sse-test-${randomBytes(4).toString('hex')}:`;
}

/**
 * A plain client for assertions and for simulating a flush of one
 * deployment's keys; disconnected at the end of the file if the spec does not.
 */
export function redisClient(): Redis {
  const client = new Redis(REDIS_URL!, {
    maxRetriesPerRequest: 1,
    connectTimeout: 5_000,
  });
  client.on('error', () => undefined);
  hold(client, `Redis client ${REDIS_URL}`, () => client.disconnect());
  client.once('end', () => forget(client));
  return client;
}

/** Deletes every key under `prefix` (what FLUSHDB does to one deployment). */
export async function deleteKeys(
  client: Redis,
  prefix: string,
): Promise<number> {
  let deleted = 0;
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(
      cursor,
      'MATCH',
      `${prefix}*`,
      'COUNT',
      500,
    );
    cursor = next;
    if (keys.length > 0) deleted += await client.del(...keys);
  } while (cursor !== '0');
  return deleted;
}

/**
 * A `redis-server` of one test file's own, on a free port and without
 * persistence, for tests that flush, restart or stop Redis (never the shared
 * one). `REDIS_SERVER` names the binary (default `redis-server` on the PATH).
 */
export class OwnRedisServer {
  private process?: ChildProcess;

  private constructor(readonly port: number) {}

  /** Starts one; rejects (leaving nothing running) when it does not answer. */
  static async start(): Promise<OwnRedisServer> {
    const server = new OwnRedisServer(await freePort());
    await server.launch();
    // Stopped at the end of the file even when the spec's set-up failed.
    hold(server, `redis-server :${server.port}`, () => server.stop());
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Kills the server and starts an empty one on the same port: a restart without persistence. */
  async restart(): Promise<void> {
    await this.kill();
    await this.launch();
  }

  /** Kills the server (nothing is saved); safe to call twice. */
  async stop(): Promise<void> {
    forget(this);
    await this.kill();
  }

  private async kill(): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  private async launch(): Promise<void> {
    const child = spawn(
      process.env.REDIS_SERVER ?? 'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--loglevel',
        'warning',
      ],
      { stdio: 'ignore' },
    );
    this.process = child;
    const failed = new Promise<never>((_, reject) => {
      child.once('error', reject);
      child.once('exit', (code) =>
        reject(new Error(`redis-server exited with ${code}`)),
      );
    });
    failed.catch(() => undefined);
    const probe = new Redis(this.url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    probe.on('error', () => undefined);
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          await Promise.race([
            probe.connect().then(() => probe.ping()),
            failed,
          ]);
          return;
        } catch (err) {
          if (attempt >= 100 || child.exitCode !== null) throw err;
          probe.disconnect();
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
    } catch (err) {
      await this.kill();
      throw err;
    } finally {
      probe.disconnect();
    }
  }
}

/** Whether a `redis-server` binary can be started (it is skipped, saying why, when not). */
export const REDIS_SERVER_AVAILABLE = (() => {
  const found =
    spawnSync(process.env.REDIS_SERVER ?? 'redis-server', ['--version'])
      .status === 0;
  if (!found && process.env.SSE_REQUIRE_REDIS === '1')
    throw new Error(
      'redis-server is required (SSE_REQUIRE_REDIS=1) but was not found; set REDIS_SERVER to its path.',
    );
  if (!found)
    console.warn(
      'Skipping the tests that run their own redis-server: none on the PATH (set REDIS_SERVER).',
    );
  return found;
})();

/** `describe` when a `redis-server` can be started, `describe.skip` otherwise. */
export const describeWithRedisServer = REDIS_SERVER_AVAILABLE
  ? describe
  : describe.skip;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * An app on the Redis transport under `prefix`, with the short intervals the
 * Redis specs use (canary, presence, command timeout, heartbeats).
 */
export function startRedisApp(
  prefix: string,
  options: TestAppOptions = {},
  url = REDIS_URL!,
): Promise<TestApp> {
  return startApp({
    transport: {
      type: 'redis',
      url,
      keyPrefix: prefix,
      canaryInterval: 300,
      presenceTtl: 1_500,
      commandTimeout: 500,
    },
    history: { size: 5, ttl: 60_000 },
    heartbeatInterval: 1_000,
    clientTimeout: 60_000,
    ...options,
  });
}

/** Two applications on one Redis under one key prefix, and a plain client for assertions. */
export interface RedisPair {
  redis: Redis;
  a: TestApp;
  b: TestApp;
}

/**
 * Starts two applications under `prefix` (`optionsB` defaults to `options`),
 * for a `beforeAll`; what started is released at the end of the file at the
 * latest if a start fails.
 */
export async function startRedisPair(
  prefix: string,
  options: TestAppOptions,
  optionsB: TestAppOptions = options,
): Promise<RedisPair> {
  const redis = redisClient();
  const a = await startRedisApp(prefix, options);
  const b = await startRedisApp(prefix, optionsB);
  return { redis, a, b };
}

/** Closes what `startRedisPair` started (any part of it) and deletes the keys under `prefix`. */
export async function closeRedisPair(
  prefix: string,
  { redis, a, b }: Partial<RedisPair>,
): Promise<void> {
  await Promise.all([a?.close(), b?.close()]);
  if (redis) {
    await deleteKeys(redis, prefix);
    redis.disconnect();
  }
}
