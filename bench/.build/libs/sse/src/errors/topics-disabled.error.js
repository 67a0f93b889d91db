import { SseError } from './sse.error.js';
export class TopicsDisabledError extends SseError {
    code = 'topics_disabled';
}
