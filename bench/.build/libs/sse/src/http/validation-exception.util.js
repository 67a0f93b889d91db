import { HttpStatus } from '@nestjs/common';
import { SseHttpException } from './sse-http.exception.js';
export function validationException(code, errors) {
    const messages = errors.flatMap(function collect(error) {
        return [
            ...Object.values(error.constraints ?? {}),
            ...(error.children ?? []).flatMap(collect),
        ];
    });
    return new SseHttpException(HttpStatus.BAD_REQUEST, code, messages.join('; '), { errors: messages });
}
export function sseErrorToHttp(error) {
    if (error.code === 'transport_unavailable') {
        return new SseHttpException(HttpStatus.SERVICE_UNAVAILABLE, error.code, 'The message transport is unavailable; retry later.');
    }
    const status = error.code === 'payload_too_large'
        ? HttpStatus.PAYLOAD_TOO_LARGE
        : HttpStatus.BAD_REQUEST;
    return new SseHttpException(status, error.code, error.message);
}
