import { SseError } from './sse.error.js';
export class InvalidEventNameError extends SseError {
    code = 'invalid_event_name';
}
