import { SseError } from './sse.error.js';
export class ReservedEventNameError extends SseError {
    code = 'reserved_event_name';
}
