import {
  OutgoingMessage,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { Socket } from 'node:net';
import { httpChunk, type SseWireEvent } from '../core/sse-frame.js';
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
 * Writes each event's pre-built frame, shared by every recipient, with no
 * per-event allocation here.
 *
 * On a plain HTTP/1.1 chunked response, each message goes to the socket as
 * one ready-made chunk (encoded once per message): `res.write` would encode
 * the frame again for every recipient and write the chunk in four pieces.
 * When anything wraps `res.write` (a compression middleware, an
 * instrumentation library), or on HTTP/1.0 and HTTP/2, frames go through
 * `res.write` as usual.
 *
 * Both writers use it: the nest writer once Nest has sent the headers.
 * @internal
 */
export class DirectSink implements SseSink {
  /** Set when chunks go straight to the socket. */
  private readonly socket?: Socket;
  private drainListener?: () => void;

  constructor(
    private readonly response: ServerResponse,
    request: IncomingMessage,
  ) {
    const http1 = request.httpVersionMajor < 2;
    if (http1) {
      const { socket } = request;
      socket.setKeepAlive(true);
      socket.setNoDelay(true);
      socket.setTimeout(0);
      // The headers and the stream's first event (written in the same tick)
      // leave in one send instead of two.
      socket.cork();
      process.nextTick(() => socket.uncork());
    }
    // The nest writer's headers are out already: Nest's own writer sent them.
    if (!response.headersSent) {
      response.writeHead(
        200,
        http1
          ? { ...SSE_RESPONSE_HEADERS, Connection: 'keep-alive' }
          : SSE_RESPONSE_HEADERS,
      );
      response.flushHeaders();
    }
    if (writesChunksUnwrapped(response, request)) this.socket = request.socket;
  }

  get backpressured(): boolean {
    return (this.socket ?? this.response).writableNeedDrain;
  }

  get pendingBytes(): number {
    return (this.socket ?? this.response).writableLength;
  }

  write(event: SseWireEvent): void {
    if (this.socket) this.socket.write(event.chunk ?? httpChunk(event.frame));
    else this.response.write(event.frame);
  }

  onDrain(listener: () => void): void {
    this.drainListener = listener;
    (this.socket ?? this.response).on('drain', listener);
  }

  /** A keep-alive socket outlives the response: leave it as it was found. */
  release(): void {
    if (this.socket && this.drainListener)
      this.socket.off('drain', this.drainListener);
  }

  /** `res.end()` writes the last chunk after everything written before it. */
  end(): void {
    if (!this.response.writableEnded) this.response.end();
  }
}

/**
 * True when the response's headers are on its own socket, it is chunked, and
 * nothing has replaced Node's `write`/`end`: then a chunk written to the
 * socket is exactly what `res.write` would have sent.
 */
function writesChunksUnwrapped(
  response: ServerResponse,
  request: IncomingMessage,
): boolean {
  return (
    request.httpVersionMajor === 1 &&
    request.httpVersionMinor >= 1 &&
    response.chunkedEncoding &&
    response.headersSent &&
    response.socket === request.socket &&
    response.write === OutgoingMessage.prototype.write &&
    response.end === OutgoingMessage.prototype.end
  );
}
