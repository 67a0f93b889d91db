import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
} from '@nestjs/common';
import type { Response } from 'express';
import { TooManyAttemptsException } from './too-many-attempts.exception.js';

/** Answers a {@link TooManyAttemptsException} with its body and a `Retry-After` header. */
@Catch(TooManyAttemptsException)
export class RetryAfterFilter implements ExceptionFilter {
  catch(exception: TooManyAttemptsException, host: ArgumentsHost): void {
    host
      .switchToHttp()
      .getResponse<Response>()
      .status(exception.getStatus())
      .setHeader('Retry-After', String(exception.retryAfterSeconds))
      .json(exception.getResponse());
  }
}
