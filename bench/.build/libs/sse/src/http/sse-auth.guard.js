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
import { HttpException, HttpStatus, Inject, Injectable, Logger, } from '@nestjs/common';
import { SseAuthenticator, } from '../auth/sse-authenticator.interface.js';
import { SSE_IDENTITY_KEY } from '../sse.internal-constants.js';
import { SseHttpException } from './sse-http.exception.js';
let SseAuthGuard = class SseAuthGuard {
    authenticator;
    logger = new Logger('SseAuthGuard');
    constructor(authenticator) {
        this.authenticator = authenticator;
    }
    async canActivate(context) {
        const http = context.switchToHttp();
        const request = http.getRequest();
        let identity;
        try {
            identity = await this.authenticator.authenticate(request);
        }
        catch (err) {
            if (err instanceof HttpException &&
                err.getStatus() !== HttpStatus.UNAUTHORIZED)
                throw err;
            this.logger.debug(`stream request refused: ${err?.name ?? 'error'}: ${err?.message}`);
            identity = null;
        }
        if (!isIdentity(identity)) {
            http
                .getResponse()
                .setHeader('WWW-Authenticate', 'Bearer error="invalid_token"');
            throw new SseHttpException(HttpStatus.UNAUTHORIZED, 'invalid_token', 'A valid access token is required: send "Authorization: Bearer <token>" or the token cookie.');
        }
        request[SSE_IDENTITY_KEY] = identity;
        return true;
    }
};
SseAuthGuard = __decorate([
    Injectable(),
    __param(0, Inject(SseAuthenticator)),
    __metadata("design:paramtypes", [Object])
], SseAuthGuard);
export { SseAuthGuard };
function isIdentity(value) {
    const identity = value;
    return (typeof identity?.userId === 'string' &&
        identity.userId.length > 0 &&
        (identity.tenantId === undefined ||
            (typeof identity.tenantId === 'string' &&
                identity.tenantId.length > 0)) &&
        Array.isArray(identity.roles));
}
