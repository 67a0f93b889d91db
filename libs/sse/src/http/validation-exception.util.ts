import { HttpStatus } from '@nestjs/common';
import type { ValidationError } from 'class-validator';
import { SseError } from '../errors/sse.error.js';
import { SseHttpException } from './sse-http.exception.js';

/** Turns class-validator errors into `400 { code, message, errors }`. @internal */
export function validationException(
  code: string,
  errors: ValidationError[],
): SseHttpException {
  const messages = errors.flatMap(function collect(
    error: ValidationError,
  ): string[] {
    return [
      ...Object.values(error.constraints ?? {}),
      ...(error.children ?? []).flatMap(collect),
    ];
  });
  return new SseHttpException(
    HttpStatus.BAD_REQUEST,
    code,
    messages.join('; '),
    { errors: messages },
  );
}

/**
 * The HTTP answer to a broker error: 413 for payloads over the limit, 503
 * (without the internal reason) when the transport is down, 400 otherwise.
 * @internal
 */
export function sseErrorToHttp(error: SseError): SseHttpException {
  if (error.code === 'transport_unavailable') {
    return new SseHttpException(
      HttpStatus.SERVICE_UNAVAILABLE,
      error.code,
      'The message transport is unavailable; retry later.',
    );
  }
  const status =
    error.code === 'payload_too_large'
      ? HttpStatus.PAYLOAD_TOO_LARGE
      : HttpStatus.BAD_REQUEST;
  return new SseHttpException(status, error.code, error.message);
}
