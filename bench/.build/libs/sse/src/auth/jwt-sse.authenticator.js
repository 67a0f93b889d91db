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
import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { SSE_RESOLVED_OPTIONS } from '../sse.internal-constants.js';
import { extractSseToken } from './token-extractor.util.js';
let JwtSseAuthenticator = class JwtSseAuthenticator {
    jwt = new JwtService();
    auth;
    constructor(options) {
        this.auth = options.auth;
    }
    async authenticate(request) {
        const token = extractSseToken(request, this.auth);
        if (!token)
            return null;
        const { secret, publicKey, algorithms, issuer, audience, clockTolerance } = this.auth;
        const claims = await this.jwt.verifyAsync(token, {
            secret,
            publicKey,
            algorithms,
            issuer: issuer,
            audience: audience,
            clockTolerance,
        });
        return identityFromClaims(claims);
    }
};
JwtSseAuthenticator = __decorate([
    Injectable(),
    __param(0, Inject(SSE_RESOLVED_OPTIONS)),
    __metadata("design:paramtypes", [Object])
], JwtSseAuthenticator);
export { JwtSseAuthenticator };
export function identityFromClaims(claims) {
    const { sub, tid, roles, exp } = claims;
    if (typeof sub !== 'string' || sub.length === 0)
        return null;
    if (tid !== undefined && (typeof tid !== 'string' || tid.length === 0))
        return null;
    if (roles !== undefined &&
        !(Array.isArray(roles) && roles.every((r) => typeof r === 'string'))) {
        return null;
    }
    return {
        userId: sub,
        tenantId: tid,
        roles: roles ?? [],
        expiresAt: typeof exp === 'number' ? exp * 1000 : undefined,
    };
}
