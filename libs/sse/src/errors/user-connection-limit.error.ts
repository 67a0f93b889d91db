import { SseError } from './sse.error.js';

/**
 * A stream was refused because its user already holds `maxConnectionsPerUser` streams, on any instance (HTTP 429).
 *
 * @publicApi
 */
export class UserConnectionLimitError extends SseError {
  readonly code = 'too_many_user_connections';
}
