import { SseError } from './sse.error.js';
export class TransportUnavailableError extends SseError {
    code = 'transport_unavailable';
}
