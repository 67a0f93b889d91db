import type { ServerResponse } from 'node:http';
import type { SseConnection } from '../stream/sse-connection.js';

/** How long shutdown waits for streams to flush their `close` event before cutting sockets. */
const SHUTDOWN_GRACE_MS = 500;

/**
 * Ends every stream with `event: close {reason: 'shutdown'}`, waits briefly
 * for those frames to flush, then destroys the sockets so that the HTTP
 * server can stop at once.
 * @internal
 */
export async function closeForShutdown(
  connections: readonly SseConnection[],
): Promise<void> {
  const flushed = connections.map((c) => responseEnded(c.response));
  connections.forEach((c) => c.close('shutdown'));
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.all(flushed),
    new Promise((resolve) => (timer = setTimeout(resolve, SHUTDOWN_GRACE_MS))),
  ]);
  clearTimeout(timer);
  // Keep-alive sockets of ended streams would otherwise hold server.close().
  connections.forEach((c) => c.response.socket?.destroy());
}

function responseEnded(response: ServerResponse): Promise<void> {
  if (response.writableFinished || response.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    response.once('finish', resolve);
    response.once('close', resolve);
  });
}
