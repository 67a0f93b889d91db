import { SseError } from './sse.error.js';

/**
 * Thrown at bootstrap when an `SseModule` option is outside its allowed range.
 *
 * @publicApi
 */
export class InvalidSseOptionsError extends SseError {
  readonly code = 'invalid_options';
}
