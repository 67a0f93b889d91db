import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpStatus,
  Inject,
  Optional,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { RateLimitedError } from '../errors/rate-limited.error.js';
import { SseError } from '../errors/sse.error.js';
import {
  type ResolvedSseOptions,
  SSE_RESOLVED_OPTIONS,
} from '../options/resolved-sse-options.interface.js';
import { DEFAULT_SSE_OPTIONS } from '../options/sse-options.defaults.js';

/** HTTP status of each domain error code; any other `SseError` is a 400. */
const STATUS: Readonly<Record<string, number>> = {
  token_revoked: HttpStatus.UNAUTHORIZED,
  payload_too_large: HttpStatus.PAYLOAD_TOO_LARGE,
  topic_forbidden: HttpStatus.FORBIDDEN,
  too_many_user_connections: HttpStatus.TOO_MANY_REQUESTS,
  rate_limited: HttpStatus.TOO_MANY_REQUESTS,
  too_many_connections: HttpStatus.SERVICE_UNAVAILABLE,
  shutting_down: HttpStatus.SERVICE_UNAVAILABLE,
  transport_unavailable: HttpStatus.SERVICE_UNAVAILABLE,
};

/**
 * Refusals that a later attempt may get past (a stream slot frees up, the
 * transport or another instance comes back): they carry `Retry-After`.
 */
const RETRY_LATER: ReadonlySet<string> = new Set([
  'too_many_user_connections',
  'too_many_connections',
  'shutting_down',
  'transport_unavailable',
]);

/**
 * What a client is told instead of the error's own message, where that
 * message is for operators (it names the internal reason).
 */
const PUBLIC_MESSAGE: Readonly<Record<string, string>> = {
  transport_unavailable:
    'The server cannot reach its message transport; retry later.',
};

/**
 * Maps the library's domain errors to HTTP on its own routes (and on
 * application routes that use it): `{ statusCode, code, message }` with the
 * error's stable code. The broker and the hub throw these errors, never HTTP
 * exceptions. Refusals worth retrying (429 `too_many_user_connections`, 503
 * `too_many_connections`, `shutting_down`, `transport_unavailable`) carry
 * `Retry-After`: the `retry` option in seconds, rounded up (3 by default).
 * 429 `rate_limited` carries the seconds until the caller's window lets a
 * request through again.
 * @publicApi
 */
@Catch(SseError)
export class SseErrorFilter implements ExceptionFilter<SseError> {
  /** `Retry-After` in seconds: when a stream's client would reconnect anyway. */
  private readonly retryAfter: string;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Optional() @Inject(SSE_RESOLVED_OPTIONS) options?: ResolvedSseOptions,
  ) {
    const retry = options?.retry ?? DEFAULT_SSE_OPTIONS.retry;
    this.retryAfter = String(Math.max(1, Math.ceil(retry / 1_000)));
  }

  catch(error: SseError, host: ArgumentsHost): void {
    const statusCode = STATUS[error.code] ?? HttpStatus.BAD_REQUEST;
    const message = PUBLIC_MESSAGE[error.code] ?? error.detail;
    const { httpAdapter } = this.adapterHost;
    const response: unknown = host.switchToHttp().getResponse();
    if (error instanceof RateLimitedError)
      httpAdapter.setHeader(response, 'Retry-After', String(error.retryAfter));
    else if (RETRY_LATER.has(error.code))
      httpAdapter.setHeader(response, 'Retry-After', this.retryAfter);
    if (statusCode === HttpStatus.UNAUTHORIZED)
      httpAdapter.setHeader(
        response,
        'WWW-Authenticate',
        'Bearer error="invalid_token"',
      );
    httpAdapter.reply(
      response,
      { statusCode, code: error.code, message },
      statusCode,
    );
  }
}
