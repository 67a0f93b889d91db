import { SseError } from './sse.error.js';

/**
 * Thrown when an application publishes an event name the stream reserves for itself (`connected`, `heartbeat`, `close`, `reset`, `error`).
 *
 * @publicApi
 */
export class ReservedEventNameError extends SseError {
  readonly code = 'reserved_event_name';
}
