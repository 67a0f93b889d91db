import { SseError } from './sse.error.js';
export class InvalidUserIdError extends SseError {
    code = 'invalid_user_id';
}
