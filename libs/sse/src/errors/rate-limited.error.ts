import { SseError } from './sse.error.js';

/**
 * A request was refused because its caller went over one of the `rateLimits`
 * (stream connects per user or per client address, admin publishes per
 * caller) (HTTP 429, with `Retry-After`).
 *
 * @publicApi
 */
export class RateLimitedError extends SseError {
  readonly code = 'rate_limited';

  constructor(
    message: string,
    /** Whole seconds until the caller's next request would be accepted (at least 1): the `Retry-After` value. */
    readonly retryAfter: number,
  ) {
    super(message);
  }
}
