import { SseError } from './sse.error.js';

/**
 * A stream was refused because the topic authorizer did not allow one of its topics (HTTP 403).
 *
 * @publicApi
 */
export class TopicForbiddenError extends SseError {
  readonly code = 'topic_forbidden';
}
