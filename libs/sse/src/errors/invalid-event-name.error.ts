import { SseError } from './sse.error.js';

/**
 * Thrown when an event name does not match `[A-Za-z0-9_.:-]{1,64}`.
 *
 * @publicApi
 */
export class InvalidEventNameError extends SseError {
  readonly code = 'invalid_event_name';
}
