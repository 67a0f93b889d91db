import {
  type CanActivate,
  type ExecutionContext,
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  Logger,
} from '@nestjs/common';
import { SseAuthenticator } from '../auth/sse-authenticator.interface.js';
import type { SseIdentity } from '../auth/sse-identity.interface.js';
import { SseError } from '../errors/sse.error.js';
import {
  rawRequest,
  rawResponse,
  type SseAdapterRequest,
  type SseAdapterResponse,
} from './raw-http.util.js';
import { SseHttpException } from './sse-http.exception.js';
import { SSE_IDENTITY_KEY } from './sse-user.decorator.js';

/**
 * Authenticates stream requests with the configured {@link SseAuthenticator}
 * (JWT by default) and leaves the identity on the request for `@SseUser()`.
 *
 * Every failure (missing, malformed, wrongly signed, `alg: none`, expired
 * token, or an authenticator that throws) gets the same
 * `401 { code: 'invalid_token' }`, decided before any stream header is sent.
 * Use it on your own `@Sse()` routes too.
 * @publicApi
 */
@Injectable()
export class SseAuthGuard implements CanActivate {
  private readonly logger = new Logger('SseAuthGuard');

  constructor(
    @Inject(SseAuthenticator) private readonly authenticator: SseAuthenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<
      SseAdapterRequest & { [SSE_IDENTITY_KEY]?: SseIdentity }
    >();
    let identity: SseIdentity | null;
    try {
      identity = await this.authenticator.authenticate(rawRequest(request));
    } catch (err) {
      // A refusal with its own meaning (`query_token_not_allowed`, or an
      // HTTP error of the application's authenticator) is not a bad token.
      if (
        err instanceof SseError ||
        (err instanceof HttpException &&
          err.getStatus() !== HttpStatus.UNAUTHORIZED)
      )
        throw err;
      // The reason is for operators; it never contains the token.
      this.logger.debug(
        `stream request refused: ${(err as Error)?.name ?? 'error'}: ${(err as Error)?.message}`,
      );
      identity = null;
    }
    if (!isIdentity(identity)) {
      rawResponse(http.getResponse<SseAdapterResponse>()).setHeader(
        'WWW-Authenticate',
        'Bearer error="invalid_token"',
      );
      throw new SseHttpException(
        HttpStatus.UNAUTHORIZED,
        'invalid_token',
        'A valid access token is required: send "Authorization: Bearer <token>" or the token cookie.',
      );
    }
    request[SSE_IDENTITY_KEY] = identity;
    return true;
  }
}

function isIdentity(value: unknown): value is SseIdentity {
  const identity = value as SseIdentity | null;
  return (
    typeof identity?.userId === 'string' &&
    identity.userId.length > 0 &&
    (identity.tenantId === undefined ||
      (typeof identity.tenantId === 'string' &&
        identity.tenantId.length > 0)) &&
    Array.isArray(identity.roles)
  );
}
