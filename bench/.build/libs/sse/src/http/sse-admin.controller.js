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
import { Body, HttpStatus, Param, UseGuards } from '@nestjs/common';
import { SseBroker } from '../broker/sse-broker.js';
import { SseError } from '../errors/sse.error.js';
import { SseAdminGuard } from './sse-admin.guard.js';
import { SseAuthGuard } from './sse-auth.guard.js';
import { SseHttpException } from './sse-http.exception.js';
import { SseUser } from './sse-user.decorator.js';
import { SsePublishBodyPipe } from './sse-validation.pipes.js';
import { sseErrorToHttp } from './validation-exception.util.js';
let SseAdminController = class SseAdminController {
    broker;
    constructor(broker) {
        this.broker = broker;
    }
    async publish(admin, body) {
        const opts = { tenantId: admin.tenantId };
        try {
            const message = body.target === 'user'
                ? await this.broker.sendToUser(body.userId, body.event, body.data, opts)
                : body.target === 'topic'
                    ? await this.broker.sendToTopic(body.topic, body.event, body.data, opts)
                    : await this.broker.broadcast(body.event, body.data, opts);
            const { id, event, target, createdAt } = message;
            return { id, event, target, createdAt };
        }
        catch (err) {
            throw err instanceof SseError ? sseErrorToHttp(err) : err;
        }
    }
    stats() {
        return this.broker.getStats();
    }
    async online(admin) {
        try {
            return {
                userIds: await this.broker.getOnlineUsers({ tenantId: admin.tenantId }),
            };
        }
        catch (err) {
            throw err instanceof SseError ? sseErrorToHttp(err) : err;
        }
    }
    disconnectClient(admin, clientId) {
        const client = this.broker.getClient(clientId);
        if (!client || client.tenantId !== admin.tenantId) {
            throw new SseHttpException(HttpStatus.NOT_FOUND, 'client_not_found', `No open stream with id "${clientId}".`);
        }
        this.broker.disconnect(clientId);
    }
};
__decorate([
    __param(0, SseUser()),
    __param(1, Body(SsePublishBodyPipe)),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [Object, Object]),
    __metadata("design:returntype", Promise)
], SseAdminController.prototype, "publish", null);
__decorate([
    __param(0, SseUser()),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [Object]),
    __metadata("design:returntype", Promise)
], SseAdminController.prototype, "online", null);
__decorate([
    __param(0, SseUser()),
    __param(1, Param('id')),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [Object, String]),
    __metadata("design:returntype", void 0)
], SseAdminController.prototype, "disconnectClient", null);
SseAdminController = __decorate([
    UseGuards(SseAuthGuard, SseAdminGuard),
    __metadata("design:paramtypes", [SseBroker])
], SseAdminController);
export { SseAdminController };
