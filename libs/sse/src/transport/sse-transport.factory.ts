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
  const { RedisTransport } = await import('./redis/redis.transport.js');
  return new RedisTransport(transport, history);
}
