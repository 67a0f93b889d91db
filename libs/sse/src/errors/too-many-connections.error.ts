import { SseError } from './sse.error.js';

/**
 * A stream was refused because this instance holds `maxConnections` streams (HTTP 503).
 *
 * @publicApi
 */
export class TooManyConnectionsError extends SseError {
  readonly code = 'too_many_connections';
}
