import {
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  Logger,
} from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SseIdentity } from '../auth/sse-identity.interface.js';
import { SseTopicAuthorizer } from '../auth/sse-topic-authorizer.interface.js';
import { SseConnectionHub } from '../broker/sse-connection-hub.js';
import { SseError } from '../errors/sse.error.js';
import { SSE_MESSAGES } from '../errors/sse-error.messages.js';
import { TopicForbiddenError } from '../errors/topic-forbidden.error.js';
import type { SseConnection } from '../stream/sse-connection.js';
import type { SseStreamQueryDto } from './dto/sse-stream-query.dto.js';
import { SseHttpException } from './sse-http.exception.js';

/**
 * Declared as a mapped type so that the parameter's reflected type is
 * `Object`: an application's global ValidationPipe then leaves it to
 * `SseStreamQueryPipe`, which answers in the library's error format.
 * @internal
 */
export type SseStreamQuery = Readonly<SseStreamQueryDto>;

/**
 * Admits an authenticated stream request with a valid query: 403 (a topic
 * the authorizer refuses), then 503 / 429 (the hub's limits). The admitted
 * connection holds its slot and waits for its sink. The direct writer's
 * route calls it; the nest writer's calls it from `SseStreamAdmissionGuard`,
 * before Nest starts its `@Sse()` pipeline.
 * @internal
 */
@Injectable()
export class SseStreamAdmission {
  private readonly logger = new Logger('SseStream');

  constructor(
    private readonly hub: SseConnectionHub,
    @Inject(SseTopicAuthorizer) private readonly authorizer: SseTopicAuthorizer,
  ) {}

  async open(
    request: IncomingMessage,
    response: ServerResponse,
    identity: SseIdentity,
    query: SseStreamQuery,
  ): Promise<SseConnection> {
    const topics = [...new Set(query.topics ?? [])];
    try {
      await this.authorize(identity, topics);
    } catch (err) {
      if (err instanceof TopicForbiddenError)
        this.hub.refusedBefore('topic_forbidden');
      throw err;
    }
    // The browser's own reconnect sends the header; a page's first connect
    // can only pass the cursor in the URL.
    const header = request.headers['last-event-id'];
    const cursor = typeof header === 'string' ? header : query.lastEventId;
    return this.hub.admit(identity, topics, request, response, cursor);
  }

  /** Refuses with `403 topic_forbidden` the first topic the authorizer does not allow. */
  async authorize(
    identity: SseIdentity,
    topics: readonly string[],
  ): Promise<void> {
    for (const topic of topics) {
      if (!(await this.canSubscribe(identity, topic)))
        throw new TopicForbiddenError(SSE_MESSAGES.TOPIC_FORBIDDEN(topic));
    }
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
