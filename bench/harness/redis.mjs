// The Redis that scenario 6 runs on: the one at REDIS_URL, or the local one.
// Each run uses its own key prefix and deletes its keys afterwards.
import { Redis } from 'ioredis';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * Connects to Redis, or resolves undefined (with the reason logged) when it
 * does not answer: scenario 6 is then skipped, the rest of the run goes on.
 */
export async function openBenchRedis(log) {
  const client = new Redis(REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    log(
      `  Redis at ${REDIS_URL} does not answer (${err.message}): scenario 6 skipped`,
    );
    client.disconnect();
    return undefined;
  }
  const prefix = `sse-bench-${process.pid}-${Date.now()}:`;
  return {
    url: REDIS_URL,
    prefix,
    /** Redis's own CPU time so far (user + system), in microseconds. */
    async cpuUs() {
      const info = await client.info('cpu');
      const field = (name) =>
        Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
      return (field('used_cpu_user') + field('used_cpu_sys')) * 1e6;
    },
    async version() {
      const info = await client.info('server');
      return /^redis_version:(\S+)/m.exec(info)?.[1] ?? 'unknown';
    },
    /** Deletes this run's keys and disconnects. */
    async close() {
      let cursor = '0';
      do {
        const [next, keys] = await client.scan(
          cursor,
          'MATCH',
          `${prefix}*`,
          'COUNT',
          1000,
        );
        if (keys.length > 0) await client.unlink(...keys);
        cursor = next;
      } while (cursor !== '0');
      client.disconnect();
    },
  };
}
