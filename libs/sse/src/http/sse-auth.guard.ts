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
import { SseRevocations } from '../broker/sse-revocations.js';
import { isIdentifier } from '../core/sse-validation.js';
import { SseError } from '../errors/sse.error.js';
import { SSE_MESSAGES } from '../errors/sse-error.messages.js';
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
 * token, an authenticator that throws, or an identity whose user or tenant
 * id is empty or holds control characters) gets the same
 * `401 { code: 'invalid_token' }`, decided before any stream header is sent.
 * Credentials issued before a `revokeUser()` of their user still in force
 * get `401 { code: 'token_revoked' }`. Use it on your own `@Sse()` routes
 * too.
 * @publicApi
 */
@Injectable()
export class SseAuthGuard implements CanActivate {
  private readonly logger = new Logger('SseAuthGuard');

  constructor(
    @Inject(SseAuthenticator) private readonly authenticator: SseAuthenticator,
    private readonly revocations: SseRevocations,
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
    if (!isIdentity(identity))
      throw invalidToken(http.getResponse<SseAdapterResponse>());
    const revoked = this.revocations.isRevoked(identity);
    if (revoked === true || (revoked !== false && (await revoked)))
      throw invalidToken(
        http.getResponse<SseAdapterResponse>(),
        SSE_MESSAGES.TOKEN_REVOKED(),
        'token_revoked',
      );
    request[SSE_IDENTITY_KEY] = identity;
    return true;
  }
}

/**
 * The one refusal of an unauthenticated request: `401 invalid_token` with
 * `WWW-Authenticate`, whatever the reason (the reason is never sent).
 * @internal
 */
export function invalidToken(
  response: SseAdapterResponse,
  message = 'A valid access token is required: send "Authorization: Bearer <token>" or the token cookie.',
  code: 'invalid_token' | 'token_revoked' = 'invalid_token',
): SseHttpException {
  // RFC 6750 names a revoked token invalid_token too.
  rawResponse(response).setHeader(
    'WWW-Authenticate',
    'Bearer error="invalid_token"',
  );
  return new SseHttpException(HttpStatus.UNAUTHORIZED, code, message);
}

function isIdentity(value: unknown): value is SseIdentity {
  const identity = value as SseIdentity | null;
  return (
    isIdentifier(identity?.userId) &&
    (identity.tenantId === undefined || isIdentifier(identity.tenantId)) &&
    Array.isArray(identity.roles)
  );
}
