import { HttpStatus } from '@nestjs/common';
import type { ValidationError } from 'class-validator';
import { SseHttpException } from './sse-http.exception.js';

/** Turns class-validator errors (and further messages) into `400 { code, message, errors }`. @internal */
export function validationException(
  code: string,
  errors: ValidationError[],
  more: string[] = [],
): SseHttpException {
  const messages = errors
    .flatMap(function collect(error: ValidationError): string[] {
      return [
        ...Object.values(error.constraints ?? {}),
        ...(error.children ?? []).flatMap(collect),
      ];
    })
    .concat(more);
  return new SseHttpException(
    HttpStatus.BAD_REQUEST,
    code,
    messages.join('; '),
    { errors: messages },
  );
}
