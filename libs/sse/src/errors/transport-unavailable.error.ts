import { SseError } from './sse.error.js';

/**
 * Thrown by the publish methods (and refused stream requests answer 503 with
 * this code) when the transport shared by the instances cannot be reached in
 * time. A publish that fails this way may still have been accepted by Redis
 * just before the failure; if it was, it is delivered and replayed like any
 * other message.
 *
 * @publicApi
 */
export class TransportUnavailableError extends SseError {
  readonly code = 'transport_unavailable';
}
