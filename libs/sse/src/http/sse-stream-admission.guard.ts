import {
  type CanActivate,
  type ExecutionContext,
  Injectable,
} from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SseIdentity } from '../auth/sse-identity.interface.js';
import { leaveNestStream, SseNestStream } from './sse-nest-stream.js';
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
 * @internal
 */
@Injectable()
export class SseStreamAdmissionGuard implements CanActivate {
  constructor(
    private readonly admission: SseStreamAdmission,
    private readonly queryPipe: SseStreamQueryPipe,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<
      IncomingMessage & { query?: unknown; [SSE_IDENTITY_KEY]?: SseIdentity }
    >();
    const response = http.getResponse<ServerResponse>();
    const query = await this.queryPipe.transform(request.query, {
      type: 'query',
    });
    const connection = await this.admission.open(
      request,
      response,
      request[SSE_IDENTITY_KEY]!,
      query,
    );
    leaveNestStream(request, new SseNestStream(connection, request, response));
    return true;
  }
}
