import { isMissingPackage } from '../core/missing-package.js';
import { InvalidSseOptionsError } from '../errors/invalid-sse-options.error.js';
import { SSE_MESSAGES } from '../errors/sse-error.messages.js';
import type { ResolvedSseOptions } from '../options/resolved-sse-options.interface.js';
import { MemoryTransport } from './memory/memory.transport.js';
import type { SseTransport } from './sse-transport.interface.js';

/**
 * Builds the transport the options name. The Redis transport (and with it
 * `ioredis`) is loaded only when it is configured.
 * @internal
 */
export async function createSseTransport(
  options: Pick<ResolvedSseOptions, 'transport' | 'history'>,
): Promise<SseTransport> {
  const { transport, history } = options;
  if (transport.type === 'memory') return new MemoryTransport(history);
  let redis: typeof import('./redis/redis.transport.js');
  try {
    redis = await import('./redis/redis.transport.js');
  } catch (err) {
    if (isMissingPackage(err, 'ioredis'))
      throw new InvalidSseOptionsError(SSE_MESSAGES.IOREDIS_MISSING());
    throw err;
  }
  return new redis.RedisTransport(transport, history);
}
