import {
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  Logger,
  type MessageEvent,
} from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Observable } from 'rxjs';
import type { SseIdentity } from '../auth/sse-identity.interface.js';
import { SseTopicAuthorizer } from '../auth/sse-topic-authorizer.interface.js';
import { SseConnectionHub } from '../broker/sse-connection-hub.js';
import { SseError } from '../errors/sse.error.js';
import { SSE_MESSAGES } from '../errors/sse-error.messages.js';
import { TopicForbiddenError } from '../errors/topic-forbidden.error.js';
import { DirectSink } from '../stream/direct.sink.js';
import { NestSink } from '../stream/nest.sink.js';
import type { SseConnection } from '../stream/sse-connection.js';
import type { SseStreamQueryDto } from './dto/sse-stream-query.dto.js';
import {
  rawRequest,
  rawResponse,
  type SseAdapterRequest,
  type SseAdapterResponse,
  takeOverResponse,
} from './raw-http.util.js';
import { SseHttpException } from './sse-http.exception.js';

/**
 * Declared as a mapped type so that the parameter's reflected type is
 * `Object`: an application's global ValidationPipe then leaves it to
 * `SseStreamQueryPipe`, which answers in the library's error format.
 * @internal
 */
export type SseStreamQuery = Readonly<SseStreamQueryDto>;

/**
 * What `GET /<path>/stream` does, with either writer; the routes themselves
 * are declared per registration (`sse-controllers.factory.ts`). Both writers
 * run the same checks, in order: 401 (guard), 400 (query), 403 (topics),
 * 503 / 429 (limits), all before any stream header is sent. The adapter's
 * request and response (Express or Fastify) are only unwrapped here: the
 * connection and the sinks work on the Node request and response.
 * @internal
 */
@Injectable()
export class SseStreamHandler {
  private readonly logger = new Logger('SseStream');

  constructor(
    private readonly hub: SseConnectionHub,
    @Inject(SseTopicAuthorizer) private readonly authorizer: SseTopicAuthorizer,
  ) {}

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
    const connection = await this.open(req, res, identity, query);
    takeOverResponse(response);
    connection.attach(() => new DirectSink(res, req));
    releaseRouterState(req);
  }

  /** Nest's `@Sse()` pipeline: the connection's events as an Observable. */
  protected async streamNest(
    request: SseAdapterRequest,
    response: SseAdapterResponse,
    identity: SseIdentity,
    query: SseStreamQuery,
  ): Promise<Observable<MessageEvent>> {
    const req = rawRequest(request);
    const res = rawResponse(response);
    const connection = await this.open(req, res, identity, query);
    return new Observable<MessageEvent>((subscriber) => {
      connection.attach(() => new NestSink(subscriber, res));
      releaseRouterState(req);
      return () => connection.close('client_closed');
    });
  }

  private async open(
    request: IncomingMessage,
    response: ServerResponse,
    identity: SseIdentity,
    query: SseStreamQuery,
  ): Promise<SseConnection> {
    const topics = [...new Set(query.topics ?? [])];
    for (const topic of topics) {
      if (!(await this.canSubscribe(identity, topic)))
        throw new TopicForbiddenError(SSE_MESSAGES.TOPIC_FORBIDDEN(topic));
    }
    // The browser's own reconnect sends the header; a page's first connect
    // can only pass the cursor in the URL.
    const header = request.headers['last-event-id'];
    const cursor = typeof header === 'string' ? header : query.lastEventId;
    return this.hub.admit(identity, topics, request, response, cursor);
  }

  private async canSubscribe(
    identity: SseIdentity,
    topic: string,
  ): Promise<boolean> {
    try {
      return (await this.authorizer.canSubscribe(identity, topic)) === true;
    } catch (err) {
      if (err instanceof HttpException || err instanceof SseError) throw err;
      this.logger.error(
        `topicAuthorizer failed for topic "${topic}"`,
        (err as Error)?.stack,
      );
      throw new SseHttpException(
        HttpStatus.INTERNAL_SERVER_ERROR,
        'internal_error',
        'The subscription could not be checked; retry later.',
      );
    }
  }
}

/**
 * Express keeps its router's per-request state (the route chain's `next` and
 * what it closes over, about 0.8 KB) reachable through `req.next` for as long
 * as the request lives. A stream lives for hours and never calls it.
 */
function releaseRouterState(request: IncomingMessage): void {
  const routed = request as { next?: unknown };
  if (typeof routed.next === 'function') routed.next = undefined;
}
