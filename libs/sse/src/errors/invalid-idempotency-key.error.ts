import { SseError } from './sse.error.js';

/**
 * Thrown by the publish methods when `idempotencyKey` is not 1-128
 * printable ASCII characters (no spaces).
 *
 * @publicApi
 */
export class InvalidIdempotencyKeyError extends SseError {
  readonly code = 'invalid_idempotency_key';
}
