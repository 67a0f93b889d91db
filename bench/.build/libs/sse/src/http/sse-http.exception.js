import { HttpException } from '@nestjs/common';
export class SseHttpException extends HttpException {
    code;
    constructor(status, code, message, extra = {}) {
        super({ statusCode: status, code, message, ...extra }, status);
        this.code = code;
    }
}
