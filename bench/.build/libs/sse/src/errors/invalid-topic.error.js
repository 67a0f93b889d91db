import { SseError } from './sse.error.js';
export class InvalidTopicError extends SseError {
    code = 'invalid_topic';
}
