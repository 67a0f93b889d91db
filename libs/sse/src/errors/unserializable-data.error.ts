import { SseError } from './sse.error.js';

/**
 * Thrown when event data is not a string or a JSON-serialisable value (`undefined`, a function, a BigInt, a circular structure).
 *
 * @publicApi
 */
export class UnserializableDataError extends SseError {
  readonly code = 'unserializable_data';
}
