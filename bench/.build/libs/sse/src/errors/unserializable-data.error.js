import { SseError } from './sse.error.js';
export class UnserializableDataError extends SseError {
    code = 'unserializable_data';
}
