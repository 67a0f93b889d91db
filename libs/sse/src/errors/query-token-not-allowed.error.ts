import { SseError } from './sse.error.js';

/**
 * A stream request carried `?access_token=` while `auth.allowQueryToken` is off (HTTP 400).
 *
 * @publicApi
 */
export class QueryTokenNotAllowedError extends SseError {
  readonly code = 'query_token_not_allowed';
}
