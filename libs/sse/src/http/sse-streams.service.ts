import { Inject, Injectable } from '@nestjs/common';
import type { SseIdentity } from '../auth/sse-identity.interface.js';
import { SseConnectionHub } from '../broker/sse-connection-hub.js';
import { SseRevocations } from '../broker/sse-revocations.js';
import {
  assertTenantId,
  assertTopic,
  assertUserId,
} from '../core/sse-validation.js';
import { InvalidTopicError } from '../errors/invalid-topic.error.js';
import { SSE_MESSAGES } from '../errors/sse-error.messages.js';
import { TokenRevokedError } from '../errors/token-revoked.error.js';
import { TopicsDisabledError } from '../errors/topics-disabled.error.js';
import {
  type ResolvedSseOptions,
  SSE_RESOLVED_OPTIONS,
} from '../options/resolved-sse-options.interface.js';
import { DirectSink } from '../stream/direct.sink.js';
import {
  rawRequest,
  rawResponse,
  type SseAdapterRequest,
  type SseAdapterResponse,
  takeOverResponse,
} from './raw-http.util.js';
import { releaseRouterState } from './release-router-state.util.js';

/** What {@link SseStreams.open} serves. @publicApi */
export interface SseStreamOptions {
  /**
   * Whose stream it is, as your own guard established it. `expiresAt` closes
   * the stream with `close {reason: 'token_expired'}` at that moment.
   */
  identity: SseIdentity;
  /**
   * Topics the route decides, in the identity's tenant. The topic authorizer
   * is not asked: the route has decided. At most `maxTopicsPerConnection`.
   */
  topics?: readonly string[];
  /**
   * Where the client resumes. By default its `Last-Event-ID` header, which a
   * browser sends on its own reconnects.
   */
  cursor?: string;
}

/**
 * Serves a full library stream from an application's own route, after the
 * application's own guards: the same replay, heartbeats, token expiry,
 * maximum age, shutdown close, limits and slow-consumer policy as
 * `GET /<path>/stream`, for the user and the topics the route decides.
 *
 * Refusals (limits, shutting down, transport unavailable, invalid topics)
 * are thrown as {@link SseError}s before any stream header: put
 * `@UseFilters(SseErrorFilter)` on the route to answer them with the
 * library's bodies.
 *
 * @example
 * ```ts
 * @Get(':id/events')
 * @UseGuards(MyAuthGuard)
 * @UseFilters(SseErrorFilter)
 * async events(@Param('id') id: string, @CurrentUser() user: User, @Req() req: Request, @Res() res: Response) {
 *   await this.orders.assertVisibleTo(user, id);
 *   await this.streams.open(req, res, {
 *     identity: { userId: user.id, tenantId: user.tenantId, roles: user.roles, expiresAt: user.tokenExpiresAt },
 *     topics: [`order:${id}`],
 *   });
 * }
 * ```
 * @publicApi
 */
@Injectable()
export class SseStreams {
  constructor(
    private readonly hub: SseConnectionHub,
    @Inject(SSE_RESOLVED_OPTIONS) private readonly options: ResolvedSseOptions,
    private readonly revocations: SseRevocations,
  ) {}

  /**
   * Opens the stream on this request's response (take both with `@Req()`
   * and `@Res()`, on Express or Fastify). Resolves once the stream has
   * started; the response then belongs to the stream. An identity whose
   * `issuedAt` is before a `revokeUser()` still in force is refused with
   * {@link TokenRevokedError} (`token_revoked`), as `SseAuthGuard` does.
   */
  async open(
    request: SseAdapterRequest,
    response: SseAdapterResponse,
    stream: SseStreamOptions,
  ): Promise<void> {
    const { identity } = stream;
    assertUserId(identity.userId);
    assertTenantId(identity.tenantId);
    const topics = [...new Set(stream.topics ?? [])];
    if (topics.length > 0 && !this.options.enableTopics)
      throw new TopicsDisabledError(SSE_MESSAGES.TOPICS_DISABLED());
    topics.forEach((topic) => assertTopic(topic));
    if (topics.length > this.options.maxTopicsPerConnection)
      throw new InvalidTopicError(
        SSE_MESSAGES.TOO_MANY_TOPICS(
          topics.length,
          this.options.maxTopicsPerConnection,
        ),
      );
    if (await this.revocations.isRevoked(identity))
      throw new TokenRevokedError(SSE_MESSAGES.TOKEN_REVOKED());
    const req = rawRequest(request);
    const res = rawResponse(response);
    const header = req.headers['last-event-id'];
    const cursor =
      stream.cursor ?? (typeof header === 'string' ? header : undefined);
    const connection = await this.hub.admit(identity, topics, req, res, cursor);
    takeOverResponse(response);
    connection.attach(() => new DirectSink(res, req));
    releaseRouterState(req);
  }
}
