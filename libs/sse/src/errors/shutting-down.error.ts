import { SseError } from './sse.error.js';

/**
 * A stream was refused because the application is shutting down (HTTP 503).
 *
 * @publicApi
 */
export class ShuttingDownError extends SseError {
  readonly code = 'shutting_down';
}
