import { type MessageEvent, SSE_ABORT_CONTROLLER } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Observable } from 'rxjs';
import { DirectSink } from '../stream/direct.sink.js';
import { NestSink } from '../stream/nest.sink.js';
import type { SseConnection } from '../stream/sse-connection.js';
import { releaseRouterState } from './release-router-state.util.js';

/** Request property where `SseStreamAdmissionGuard` leaves the admitted stream. */
const NEST_STREAM_KEY = Symbol('SSE:NEST_STREAM');

type Carrier = { [NEST_STREAM_KEY]?: SseNestStream };

/**
 * Nest's `@Sse()` writer, as Nest pipes it into the response: a stream that
 * writes the headers on demand. Its class is internal to `@nestjs/core`, so
 * it is recognised by these two methods.
 */
interface NestSseWriter {
  commitHeaders(): void;
  unpipe(destination: ServerResponse): unknown;
}

function isNestSseWriter(source: unknown): source is NestSseWriter {
  const writer = source as Partial<NestSseWriter> | null;
  return (
    typeof writer?.commitHeaders === 'function' &&
    typeof writer.unpipe === 'function'
  );
}

/**
 * A stream of the nest writer, admitted by `SseStreamAdmissionGuard` before
 * Nest's `@Sse()` pipeline starts, and handed to the route as an Observable
 * that carries no event.
 *
 * Nest runs the Observable an `@Sse()` route returns through every
 * interceptor of the route, the application's global ones included, and
 * writes what comes out of them. A transform interceptor would wrap each
 * event (`{ data: event }`: Nest then numbers it itself), a cache
 * interceptor would answer the next request for the URL with an event of
 * another client, and a timeout interceptor would end an idle stream, after
 * which Nest writes an `error` event with an id of its own (`id: 1`), moving
 * the client's Last-Event-ID to an id the broker never issued.
 *
 * So once the interceptors have let the request through to the route (Nest
 * subscribes to the Observable), the library takes the response over from
 * Nest's writer: Nest's writer sends its headers (those of the application
 * included), is unpiped, and the connection writes its frames to the
 * response itself, as the direct writer does. The Observable then completes
 * at once, empty: there is nothing to map, store or time out, and Nest ends
 * its side of the request as it does for a handler that has answered. From
 * then on nothing Nest or an interceptor does reaches the client; the stream
 * ends when the library ends it or the client leaves, and its frames keep
 * the library's ids whatever the interceptors are.
 *
 * If Nest did not pipe such a writer (a version of `@nestjs/core` that
 * writes differently), events go through the Observable as on any `@Sse()`
 * route, and `onFallback` is called.
 * @internal
 */
export class SseNestStream {
  private writer?: NestSseWriter;
  private started = false;

  constructor(
    private readonly connection: SseConnection,
    private readonly request: IncomingMessage,
    private readonly response: ServerResponse,
    private readonly onFallback: () => void,
  ) {
    // Nest pipes its writer into the response before it subscribes.
    response.once('pipe', (source: unknown) => {
      if (isNestSseWriter(source)) this.writer = source;
    });
  }

  /** What the `@Sse()` route returns. */
  observable(): Observable<MessageEvent> {
    return new Observable<MessageEvent>((subscriber) => {
      // An interceptor may subscribe twice (e.g. retry): the stream runs once.
      if (this.started) return subscriber.complete();
      this.started = true;
      releaseRouterState(this.request);
      if (this.request.method === 'HEAD') {
        // Nest answers it with the headers alone once this completes.
        this.connection.close('client_closed');
        return subscriber.complete();
      }
      if (!this.writer) {
        this.onFallback();
        this.connection.attach(() => new NestSink(subscriber, this.response));
        return () => this.connection.close('client_closed');
      }
      this.takeOver(this.writer);
      this.writer = undefined;
      subscriber.complete();
      // Nest aborted it on completion. Left on the request, which lives as
      // long as the stream, it would keep what listened to it as well.
      (this.request as { [SSE_ABORT_CONTROLLER]?: unknown })[
        SSE_ABORT_CONTROLLER
      ] = undefined;
    });
  }

  private takeOver(writer: NestSseWriter): void {
    const { request, response } = this;
    const socket = request.httpVersionMajor < 2 ? request.socket : undefined;
    // Nest's headers and the stream's first event leave in one send.
    socket?.cork();
    writer.commitHeaders();
    writer.unpipe(response);
    this.connection.attach(() => new DirectSink(response, request));
    if (socket) process.nextTick(() => socket.uncork());
  }
}

/** Leaves the stream on the request as the route receives it (`@Req()`). @internal */
export function leaveNestStream(request: object, stream: SseNestStream): void {
  (request as Carrier)[NEST_STREAM_KEY] = stream;
}

/** The stream the guard admitted for this request. @internal */
export function takeNestStream(request: object): SseNestStream {
  const carrier = request as Carrier;
  const stream = carrier[NEST_STREAM_KEY];
  // The request lives as long as the stream: it need not keep this too.
  carrier[NEST_STREAM_KEY] = undefined;
  if (!stream)
    throw new Error(
      'sse: no stream was admitted for this request (SseStreamAdmissionGuard did not run).',
    );
  return stream;
}
