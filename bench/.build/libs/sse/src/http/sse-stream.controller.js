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
import { HttpException, HttpStatus, Inject, Logger, Query, Req, Res, UseGuards, } from '@nestjs/common';
import { Observable } from 'rxjs';
import { SseTopicAuthorizer } from '../auth/sse-topic-authorizer.interface.js';
import { SseBroker } from '../broker/sse-broker.js';
import { DirectSink } from './direct.sink.js';
import { NestSink } from './nest.sink.js';
import { SseAuthGuard } from './sse-auth.guard.js';
import { SseHttpException } from './sse-http.exception.js';
import { SseUser } from './sse-user.decorator.js';
import { SseStreamQueryPipe } from './sse-validation.pipes.js';
let SseStreamController = class SseStreamController {
    broker;
    authorizer;
    logger = new Logger('SseStream');
    constructor(broker, authorizer) {
        this.broker = broker;
        this.authorizer = authorizer;
    }
    async streamDirect(request, response, identity, query) {
        const connection = await this.open(request, response, identity, query);
        connection.attach(() => new DirectSink(response, request));
    }
    async streamNest(request, response, identity, query) {
        const connection = await this.open(request, response, identity, query);
        return new Observable((subscriber) => {
            connection.attach(() => new NestSink(subscriber, response));
            return () => connection.close('client_closed');
        });
    }
    async open(request, response, identity, query) {
        const topics = [...new Set(query.topics ?? [])];
        for (const topic of topics) {
            if (!(await this.canSubscribe(identity, topic))) {
                throw new SseHttpException(HttpStatus.FORBIDDEN, 'topic_forbidden', `Not allowed to subscribe to topic "${topic}".`);
            }
        }
        const header = request.headers['last-event-id'];
        const cursor = typeof header === 'string' ? header : query.lastEventId;
        return this.broker.admit(identity, topics, request, response, cursor);
    }
    async canSubscribe(identity, topic) {
        try {
            return (await this.authorizer.canSubscribe(identity, topic)) === true;
        }
        catch (err) {
            if (err instanceof HttpException)
                throw err;
            this.logger.error(`topicAuthorizer failed for topic "${topic}"`, err?.stack);
            throw new SseHttpException(HttpStatus.INTERNAL_SERVER_ERROR, 'internal_error', 'The subscription could not be checked; retry later.');
        }
    }
};
__decorate([
    __param(0, Req()),
    __param(1, Res()),
    __param(2, SseUser()),
    __param(3, Query(SseStreamQueryPipe)),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [Function, Function, Object, Object]),
    __metadata("design:returntype", Promise)
], SseStreamController.prototype, "streamDirect", null);
__decorate([
    __param(0, Req()),
    __param(1, Res({ passthrough: true })),
    __param(2, SseUser()),
    __param(3, Query(SseStreamQueryPipe)),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [Function, Function, Object, Object]),
    __metadata("design:returntype", Promise)
], SseStreamController.prototype, "streamNest", null);
SseStreamController = __decorate([
    UseGuards(SseAuthGuard),
    __param(1, Inject(SseTopicAuthorizer)),
    __metadata("design:paramtypes", [SseBroker, Object])
], SseStreamController);
export { SseStreamController };
