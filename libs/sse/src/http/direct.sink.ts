import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SseWireEvent } from './sse-frame.util.js';
import type { SseSink } from './sse-sink.interface.js';

/** The response headers of a stream, the same as Nest's `@Sse()` sends. @internal */
export const SSE_RESPONSE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'text/event-stream',
  'Cache-Control':
    'private, no-cache, no-store, must-revalidate, max-age=0, no-transform',
  Pragma: 'no-cache',
  Expires: '0',
  'X-Accel-Buffering': 'no',
};

/**
 * Writes each event's pre-built frame straight to the response: one string
 * per message, shared by every recipient, and no per-event allocation here.
 * @internal
 */
export class DirectSink implements SseSink {
  constructor(
    private readonly response: ServerResponse,
    request: IncomingMessage,
  ) {
    const http1 = request.httpVersionMajor < 2;
    if (http1) {
      request.socket.setKeepAlive(true);
      request.socket.setNoDelay(true);
      request.socket.setTimeout(0);
    }
    response.writeHead(
      200,
      http1
        ? { ...SSE_RESPONSE_HEADERS, Connection: 'keep-alive' }
        : SSE_RESPONSE_HEADERS,
    );
    response.flushHeaders();
  }

  get backpressured(): boolean {
    return this.response.writableNeedDrain;
  }

  write(event: SseWireEvent): void {
    this.response.write(event.frame);
  }

  end(): void {
    if (!this.response.writableEnded) this.response.end();
  }
}
