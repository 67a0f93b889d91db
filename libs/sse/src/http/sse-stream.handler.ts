import { Injectable, type MessageEvent } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Observable } from 'rxjs';
import type { SseIdentity } from '../auth/sse-identity.interface.js';
import { DirectSink } from '../stream/direct.sink.js';
import { releaseRouterState } from './release-router-state.util.js';
import { takeNestStream } from './sse-nest-stream.js';
import {
  SseStreamAdmission,
  type SseStreamQuery,
} from './sse-stream-admission.js';

/**
 * What `GET /<path>/stream` does, with either writer; the routes themselves
 * are declared per registration (`sse-controllers.factory.ts`). Both writers
 * run the same checks, in order: 401 (guard), 400 (query), 403 (topics),
 * 503 / 429 (limits), all before any stream header is sent. The nest writer
 * runs them in `SseStreamAdmissionGuard`, before Nest's `@Sse()` pipeline
 * and the application's interceptors start.
 * @internal
 */
@Injectable()
export class SseStreamHandler {
  constructor(private readonly admission: SseStreamAdmission) {}

  /** The direct writer: each event's shared frame is written to the response. */
  protected async streamDirect(
    request: IncomingMessage,
    response: ServerResponse,
    identity: SseIdentity,
    query: SseStreamQuery,
  ): Promise<void> {
    const connection = await this.admission.open(
      request,
      response,
      identity,
      query,
    );
    connection.attach(() => new DirectSink(response, request));
    releaseRouterState(request);
  }

  /** Nest's `@Sse()` pipeline: the stream `SseStreamAdmissionGuard` admitted, as an Observable. */
  protected streamNest(request: IncomingMessage): Observable<MessageEvent> {
    return takeNestStream(request).observable();
  }
}
