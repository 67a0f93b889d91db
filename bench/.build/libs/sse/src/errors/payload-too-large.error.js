import { SseError } from './sse.error.js';
export class PayloadTooLargeError extends SseError {
    code = 'payload_too_large';
}
