import { HttpStatus } from '@nestjs/common';
import { SseHttpException } from 'nestjs-sse-broker';

/** 429 `too_many_attempts`, with the seconds to wait (sent as `Retry-After`). */
export class TooManyAttemptsException extends SseHttpException {
  constructor(readonly retryAfterSeconds: number) {
    super(
      HttpStatus.TOO_MANY_REQUESTS,
      'too_many_attempts',
      'Too many failed logins. Try again later.',
    );
  }
}
