import { SseError } from './sse.error.js';
export class InvalidSseOptionsError extends SseError {
    code = 'invalid_options';
}
