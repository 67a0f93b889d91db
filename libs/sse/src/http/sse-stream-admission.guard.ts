import {
  type CanActivate,
  type ExecutionContext,
  Injectable,
  Logger,
} from '@nestjs/common';
import { ApplicationConfig } from '@nestjs/core';
import type { SseIdentity } from '../auth/sse-identity.interface.js';
import { SSE_MESSAGES } from '../errors/sse-error.messages.js';
import {
  rawRequest,
  rawResponse,
  type SseAdapterRequest,
  type SseAdapterResponse,
} from './raw-http.util.js';
import { leaveNestStream, SseNestStream } from './sse-nest-stream.js';
import { rawQuery } from './sse-raw-query.decorator.js';
import { SseStreamAdmission } from './sse-stream-admission.js';
import { SSE_IDENTITY_KEY } from './sse-user.decorator.js';
import { SseStreamQueryPipe } from './sse-validation.pipes.js';

/**
 * The nest writer's admission, after `SseAuthGuard`: the query (400), the
 * topics (403) and the limits (503 / 429), checked before Nest starts its
 * `@Sse()` pipeline. Nest runs a route's interceptors inside that pipeline
 * and sends the stream's headers one macrotask after it starts; a refusal
 * decided later (an authorizer that looks a topic up, a limit kept in
 * Redis) would reach the client as an `error` event on a `200` stream, which
 * an EventSource answers by reconnecting forever. Guards run before both.
 * The admitted stream is left on the request for the route
 * ({@link SseNestStream}).
 * @internal
 */
@Injectable()
export class SseStreamAdmissionGuard implements CanActivate {
  private readonly logger = new Logger('SseStream');
  private warned = false;

  constructor(
    private readonly admission: SseStreamAdmission,
    private readonly queryPipe: SseStreamQueryPipe,
    private readonly config: ApplicationConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const routed = http.getRequest<{
      query?: unknown;
      [SSE_IDENTITY_KEY]?: SseIdentity;
    }>();
    const request = rawRequest(routed as SseAdapterRequest);
    const response = rawResponse(http.getResponse<SseAdapterResponse>());
    const query = await this.queryPipe.transform(rawQuery(request), {
      type: 'query',
    });
    const connection = await this.admission.open(
      request,
      response,
      routed[SSE_IDENTITY_KEY]!,
      query,
    );
    leaveNestStream(
      routed,
      new SseNestStream(connection, request, response, () => this.fallback()),
    );
    return true;
  }

  /** Said once per registration: every stream after the first does the same. */
  private fallback(): void {
    if (this.warned) return;
    this.warned = true;
    this.logger.warn(
      SSE_MESSAGES.NEST_WRITER_NOT_TAKEN_OVER(this.globalInterceptors()),
    );
  }

  private globalInterceptors(): string[] {
    return [
      ...this.config.getGlobalInterceptors().map((i) => i.constructor.name),
      ...this.config
        .getGlobalRequestInterceptors()
        .map((wrapper) => wrapper.metatype?.name ?? String(wrapper.name)),
    ];
  }
}

/** The node:http object under an adapter's own (Fastify's `raw`), or the object itself. */
