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
import { HttpStatus, Inject, Injectable, } from '@nestjs/common';
import { SSE_IDENTITY_KEY, SSE_RESOLVED_OPTIONS, } from '../sse.internal-constants.js';
import { SseHttpException } from './sse-http.exception.js';
let SseAdminGuard = class SseAdminGuard {
    options;
    constructor(options) {
        this.options = options;
    }
    canActivate(context) {
        const identity = context
            .switchToHttp()
            .getRequest()[SSE_IDENTITY_KEY];
        if (!identity?.roles.includes(this.options.adminRole)) {
            throw new SseHttpException(HttpStatus.FORBIDDEN, 'forbidden', `This route requires the "${this.options.adminRole}" role.`);
        }
        return true;
    }
};
SseAdminGuard = __decorate([
    Injectable(),
    __param(0, Inject(SSE_RESOLVED_OPTIONS)),
    __metadata("design:paramtypes", [Object])
], SseAdminGuard);
export { SseAdminGuard };
