import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { forget, hold } from './resources.js';

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
