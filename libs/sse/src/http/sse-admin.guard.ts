import {
  type CanActivate,
  type ExecutionContext,
  HttpStatus,
  Inject,
  Injectable,
} from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import type { SseAdapterResponse } from './raw-http.util.js';
import type { SseIdentity } from '../auth/sse-identity.interface.js';
import {
  type ResolvedSseOptions,
  SSE_RESOLVED_OPTIONS,
} from '../options/resolved-sse-options.interface.js';
import { invalidToken } from './sse-auth.guard.js';
import { SseHttpException } from './sse-http.exception.js';
import { SSE_IDENTITY_KEY } from './sse-user.decorator.js';

/**
 * Lets through callers that sent their token in the `Authorization` header
 * and whose roles include `adminRole`; runs after {@link SseAuthGuard}.
 *
 * A browser attaches the token cookie to any request to this host, including
 * one a page of another site (or of a sibling subdomain, or another port)
 * makes it send: the cookie may open the stream (a `GET` that changes
 * nothing), never act on the admin routes. Without the header the answer is
 * `401 invalid_token`, as for a request without any token.
 * @internal
 */
@Injectable()
export class SseAdminGuard implements CanActivate {
  constructor(
    @Inject(SSE_RESOLVED_OPTIONS) private readonly options: ResolvedSseOptions,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const request = http.getRequest<
      IncomingMessage & { [SSE_IDENTITY_KEY]?: SseIdentity }
    >();
    if (request.headers.authorization === undefined)
      throw invalidToken(
        http.getResponse<SseAdapterResponse>(),
        'The admin routes require "Authorization: Bearer <token>"; the token cookie is not accepted here.',
      );
    const identity = request[SSE_IDENTITY_KEY];
    if (!identity?.roles.includes(this.options.adminRole)) {
      throw new SseHttpException(
        HttpStatus.FORBIDDEN,
        'forbidden',
        `This route requires the "${this.options.adminRole}" role.`,
      );
    }
    return true;
  }
}
