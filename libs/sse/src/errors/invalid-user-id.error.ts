import { SseError } from './sse.error.js';

/**
 * Thrown when a user id is empty or not a string.
 *
 * @publicApi
 */
export class InvalidUserIdError extends SseError {
  readonly code = 'invalid_user_id';
}
