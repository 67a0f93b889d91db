import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpStatus,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { SseError } from '../errors/sse.error.js';

/** HTTP status of each domain error code; any other `SseError` is a 400. */
const STATUS: Readonly<Record<string, number>> = {
  payload_too_large: HttpStatus.PAYLOAD_TOO_LARGE,
  topic_forbidden: HttpStatus.FORBIDDEN,
  too_many_user_connections: HttpStatus.TOO_MANY_REQUESTS,
  too_many_connections: HttpStatus.SERVICE_UNAVAILABLE,
  shutting_down: HttpStatus.SERVICE_UNAVAILABLE,
  transport_unavailable: HttpStatus.SERVICE_UNAVAILABLE,
};

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
 * exceptions.
 * @publicApi
 */
@Catch(SseError)
export class SseErrorFilter implements ExceptionFilter<SseError> {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(error: SseError, host: ArgumentsHost): void {
    const statusCode = STATUS[error.code] ?? HttpStatus.BAD_REQUEST;
    const message = PUBLIC_MESSAGE[error.code] ?? error.detail;
    this.adapterHost.httpAdapter.reply(
      host.switchToHttp().getResponse(),
      { statusCode, code: error.code, message },
      statusCode,
    );
  }
}
