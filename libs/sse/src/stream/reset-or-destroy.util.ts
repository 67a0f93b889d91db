import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Cuts a stream that stopped reading. An HTTP/1 stream's TCP socket is reset:
 * closed normally, it would keep its unsent data (megabytes) in the kernel for
 * as long as the peer stays. Other sockets (TLS, HTTP/2 sessions shared by
 * other streams) are destroyed as usual.
 * @internal
 */
export function resetOrDestroy(
  request: IncomingMessage,
  response: ServerResponse,
): void {
  const { socket } = request;
  if (request.httpVersionMajor === 1 && socket && !socket.destroyed) {
    try {
      socket.resetAndDestroy();
      return;
    } catch {
      // Not a TCP handle (TLS): closed as usual below.
    }
  }
  response.destroy();
}
