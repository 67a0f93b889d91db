import { HttpException } from '@nestjs/common';

/**
 * An HTTP error of the SSE routes. The body is always
 * `{ statusCode, code, message }` (plus `errors` for validation failures),
 * with a stable `code`, and never carries internal error details.
 * @publicApi
 */
export class SseHttpException extends HttpException {
  constructor(
    status: number,
    readonly code: string,
    message: string,
    extra: Record<string, unknown> = {},
  ) {
    super({ statusCode: status, code, message, ...extra }, status);
  }
}
