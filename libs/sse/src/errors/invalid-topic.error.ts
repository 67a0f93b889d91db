import { SseError } from './sse.error.js';

/**
 * Thrown when a topic is empty, too long or contains characters outside `[A-Za-z0-9_.:/-]`.
 *
 * @publicApi
 */
export class InvalidTopicError extends SseError {
  readonly code = 'invalid_topic';
}
