import { SseError } from './sse.error.js';

/**
 * Thrown when a topic is used while the module runs with `enableTopics: false`.
 *
 * @publicApi
 */
export class TopicsDisabledError extends SseError {
  readonly code = 'topics_disabled';
}
