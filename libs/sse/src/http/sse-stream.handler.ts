import { Injectable, type MessageEvent } from '@nestjs/common';
import type { Observable } from 'rxjs';
import type { SseIdentity } from '../auth/sse-identity.interface.js';
import { DirectSink } from '../stream/direct.sink.js';
import {
  rawRequest,
  rawResponse,
  type SseAdapterRequest,
  type SseAdapterResponse,
  takeOverResponse,
} from './raw-http.util.js';
import { releaseRouterState } from './release-router-state.util.js';
import { takeNestStream } from './sse-nest-stream.js';
import {
  SseStreamAdmission,
  type SseStreamQuery,
} from './sse-stream-admission.js';

/**
 * What `GET /<path>/stream` does, with either writer; the routes themselves
 * are declared per registration (`sse-controllers.factory.ts`). Both writers
 * run the same checks, in order: 429 (the address's connect rate, guard),
 * 401 (guard), 400 (query), 403 (topics), 503 / 429 (limits, then the
 * user's connect rate), all before any stream header is sent. The nest writer
 * runs them in `SseStreamAdmissionGuard`, before Nest's `@Sse()` pipeline
 * and the application's interceptors start. The adapter's request and
 * response (Express or Fastify) are unwrapped here: the connection and the
 * sinks work on the Node request and response.
 * @internal
 */
@Injectable()
export class SseStreamHandler {
  constructor(private readonly admission: SseStreamAdmission) {}

  /**
   * The direct writer: each event's shared frame is written to the response,
   * which is taken over from the adapter once the stream is accepted (until
   * then, a refusal is answered through the adapter).
   */
  protected async streamDirect(
    request: SseAdapterRequest,
    response: SseAdapterResponse,
    identity: SseIdentity,
    query: SseStreamQuery,
  ): Promise<void> {
    const req = rawRequest(request);
    const res = rawResponse(response);
    const connection = await this.admission.open(req, res, identity, query);
    takeOverResponse(response);
    connection.attach(() => new DirectSink(res, req));
    releaseRouterState(req);
  }

  /** Nest's `@Sse()` pipeline: the stream `SseStreamAdmissionGuard` admitted, as an Observable. */
  protected streamNest(request: SseAdapterRequest): Observable<MessageEvent> {
    return takeNestStream(request).observable();
  }
}
