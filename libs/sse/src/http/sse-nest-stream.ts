import type { MessageEvent } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Observable } from 'rxjs';
import { NestSink } from '../stream/nest.sink.js';
import type { SseConnection } from '../stream/sse-connection.js';
import { releaseRouterState } from './release-router-state.util.js';

/** Request property where `SseStreamAdmissionGuard` leaves the admitted stream. */
const NEST_STREAM_KEY = Symbol('SSE:NEST_STREAM');

type Carrier = { [NEST_STREAM_KEY]?: SseNestStream };

/**
 * A stream of the nest writer, admitted by `SseStreamAdmissionGuard` before
 * Nest's `@Sse()` pipeline starts, handed to the route as an Observable.
 * @internal
 */
export class SseNestStream {
  constructor(
    private readonly connection: SseConnection,
    private readonly request: IncomingMessage,
    private readonly response: ServerResponse,
  ) {}

  /** What the `@Sse()` route returns. */
  observable(): Observable<MessageEvent> {
    return new Observable<MessageEvent>((subscriber) => {
      this.connection.attach(() => new NestSink(subscriber, this.response));
      releaseRouterState(this.request);
      return () => this.connection.close('client_closed');
    });
  }
}

/** @internal */
export function leaveNestStream(
  request: IncomingMessage,
  stream: SseNestStream,
): void {
  (request as Carrier)[NEST_STREAM_KEY] = stream;
}

/** The stream the guard admitted for this request. @internal */
export function takeNestStream(request: IncomingMessage): SseNestStream {
  const stream = (request as Carrier)[NEST_STREAM_KEY];
  if (!stream)
    throw new Error(
      'sse: no stream was admitted for this request (SseStreamAdmissionGuard did not run).',
    );
  return stream;
}
