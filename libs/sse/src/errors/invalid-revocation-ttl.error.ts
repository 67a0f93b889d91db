import { SseError } from './sse.error.js';

/**
 * Thrown when `revokeUser()`'s `ttl` is not an integer from 1000 to 31536000000 ms.
 *
 * @publicApi
 */
export class InvalidRevocationTtlError extends SseError {
  readonly code = 'invalid_revocation_ttl';
}
