var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var __metadata = (this && this.__metadata) || function (k, v) {
    if (typeof Reflect === "object" && typeof Reflect.metadata === "function") return Reflect.metadata(k, v);
};
var __param = (this && this.__param) || function (paramIndex, decorator) {
    return function (target, key) { decorator(target, key, paramIndex); }
};
import { HttpStatus, Inject, Injectable, ValidationPipe, } from '@nestjs/common';
import { SSE_RESOLVED_OPTIONS } from '../sse.internal-constants.js';
import { SsePublishDto } from './dto/sse-publish.dto.js';
import { SseStreamQueryDto } from './dto/sse-stream-query.dto.js';
import { SseHttpException } from './sse-http.exception.js';
import { validationException } from './validation-exception.util.js';
let SseStreamQueryPipe = class SseStreamQueryPipe {
    options;
    pipe = new ValidationPipe({
        transform: true,
        whitelist: true,
        exceptionFactory: (errors) => validationException('invalid_topics', errors),
    });
    constructor(options) {
        this.options = options;
    }
    async transform(value, metadata) {
        const query = (await this.pipe.transform(value ?? {}, {
            ...metadata,
            metatype: SseStreamQueryDto,
        }));
        const count = query.topics?.length ?? 0;
        if (count > 0 && !this.options.enableTopics) {
            throw new SseHttpException(HttpStatus.BAD_REQUEST, 'topics_disabled', 'Topics are disabled on this server; connect without ?topics=.');
        }
        const max = this.options.maxTopicsPerConnection;
        if (count > max) {
            const message = `at most ${max} topics are allowed per stream; got ${count}`;
            throw new SseHttpException(HttpStatus.BAD_REQUEST, 'invalid_topics', message, { errors: [message] });
        }
        return query;
    }
};
SseStreamQueryPipe = __decorate([
    Injectable(),
    __param(0, Inject(SSE_RESOLVED_OPTIONS)),
    __metadata("design:paramtypes", [Object])
], SseStreamQueryPipe);
export { SseStreamQueryPipe };
let SsePublishBodyPipe = class SsePublishBodyPipe {
    pipe = new ValidationPipe({
        transform: true,
        whitelist: true,
        forbidNonWhitelisted: true,
        exceptionFactory: (errors) => validationException('invalid_body', errors),
    });
    transform(value, metadata) {
        return this.pipe.transform(value ?? {}, {
            ...metadata,
            metatype: SsePublishDto,
        });
    }
};
SsePublishBodyPipe = __decorate([
    Injectable()
], SsePublishBodyPipe);
export { SsePublishBodyPipe };
