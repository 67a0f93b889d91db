import { SseError } from './sse.error.js';

/**
 * Thrown when the serialised data of an event is larger than `maxPayloadBytes`.
 *
 * @publicApi
 */
export class PayloadTooLargeError extends SseError {
  readonly code = 'payload_too_large';
}
