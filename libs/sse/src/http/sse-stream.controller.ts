import {
  HttpException,
  HttpStatus,
  Inject,
  Logger,
  type MessageEvent,
  Query,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Observable } from 'rxjs';
import type { SseIdentity } from '../auth/sse-identity.interface.js';
import { SseTopicAuthorizer } from '../auth/sse-topic-authorizer.interface.js';
import { SseBroker } from '../broker/sse-broker.js';
import { DirectSink } from './direct.sink.js';
import type { SseStreamQueryDto } from './dto/sse-stream-query.dto.js';
import { NestSink } from './nest.sink.js';
import { SseAuthGuard } from './sse-auth.guard.js';
import type { SseConnection } from './sse-connection.js';
import { SseHttpException } from './sse-http.exception.js';
import { SseUser } from './sse-user.decorator.js';
import { SseStreamQueryPipe } from './sse-validation.pipes.js';

/**
 * Declared as a mapped type so that the parameter's reflected type is
 * `Object`: an application's global ValidationPipe then leaves it to
 * {@link SseStreamQueryPipe}, which answers in the library's error format.
 */
type StreamQuery = Readonly<SseStreamQueryDto>;

/**
 * `GET /<path>/stream?topics=a,b`. Which of the two handlers is mounted is
 * decided by the `writer` option (see `sse-routes.ts`); both run the same
 * checks, in order: 401 (guard), 400 (query), 403 (topics), 503 / 429
 * (limits), all before any stream header is sent.
 * @internal
 */
@UseGuards(SseAuthGuard)
export class SseStreamController {
  private readonly logger = new Logger('SseStream');

  constructor(
    private readonly broker: SseBroker,
    @Inject(SseTopicAuthorizer) private readonly authorizer: SseTopicAuthorizer,
  ) {}

  /** The direct writer: each event's shared frame is written to the response. */
  async streamDirect(
    @Req() request: IncomingMessage,
    @Res() response: ServerResponse,
    @SseUser() identity: SseIdentity,
    @Query(SseStreamQueryPipe) query: StreamQuery,
  ): Promise<void> {
    const connection = await this.open(request, response, identity, query);
    connection.attach(() => new DirectSink(response, request));
    releaseRouterState(request);
  }

  /** Nest's `@Sse()` pipeline: the connection's events as an Observable. */
  async streamNest(
    @Req() request: IncomingMessage,
    @Res({ passthrough: true }) response: ServerResponse,
    @SseUser() identity: SseIdentity,
    @Query(SseStreamQueryPipe) query: StreamQuery,
  ): Promise<Observable<MessageEvent>> {
    const connection = await this.open(request, response, identity, query);
    return new Observable<MessageEvent>((subscriber) => {
      connection.attach(() => new NestSink(subscriber, response));
      releaseRouterState(request);
      return () => connection.close('client_closed');
    });
  }

  private async open(
    request: IncomingMessage,
    response: ServerResponse,
    identity: SseIdentity,
    query: StreamQuery,
  ): Promise<SseConnection> {
    const topics = [...new Set(query.topics ?? [])];
    for (const topic of topics) {
      if (!(await this.canSubscribe(identity, topic))) {
        throw new SseHttpException(
          HttpStatus.FORBIDDEN,
          'topic_forbidden',
          `Not allowed to subscribe to topic "${topic}".`,
        );
      }
    }
    // The browser's own reconnect sends the header; a page's first connect
    // can only pass the cursor in the URL.
    const header = request.headers['last-event-id'];
    const cursor = typeof header === 'string' ? header : query.lastEventId;
    return this.broker.admit(identity, topics, request, response, cursor);
  }

  private async canSubscribe(
    identity: SseIdentity,
    topic: string,
  ): Promise<boolean> {
    try {
      return (await this.authorizer.canSubscribe(identity, topic)) === true;
    } catch (err) {
      if (err instanceof HttpException) throw err;
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
