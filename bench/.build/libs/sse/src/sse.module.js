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
import { Inject, Logger, Module, } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { AllowTenantTopicsAuthorizer } from './auth/allow-tenant-topics.authorizer.js';
import { ApplicationClassResolver } from './auth/application-class.resolver.js';
import { JwtSseAuthenticator } from './auth/jwt-sse.authenticator.js';
import { SseAuthenticator } from './auth/sse-authenticator.interface.js';
import { SseTopicAuthorizer } from './auth/sse-topic-authorizer.interface.js';
import { SseBroker } from './broker/sse-broker.js';
import { SseAdminGuard } from './http/sse-admin.guard.js';
import { SseAuthGuard } from './http/sse-auth.guard.js';
import { createSseControllers, mountSseRoutes } from './http/sse-routes.js';
import { SsePublishBodyPipe, SseStreamQueryPipe, } from './http/sse-validation.pipes.js';
import { ConfigurableModuleClass, MODULE_OPTIONS_TOKEN, } from './sse.module-definition.js';
import { SSE_RESOLVED_OPTIONS } from './sse.internal-constants.js';
import { SSE_MESSAGES } from './sse.messages.js';
import { resolveSseOptions, } from './sse.options.js';
const SSE_ROUTES = Symbol('SSE:ROUTES');
let SseModule = class SseModule extends ConfigurableModuleClass {
    authenticator;
    topicAuthorizer;
    constructor(authenticator, topicAuthorizer) {
        super();
        this.authenticator = authenticator;
        this.topicAuthorizer = topicAuthorizer;
    }
    async onApplicationBootstrap() {
        await this.authenticator[WARM_UP]?.();
        await this.topicAuthorizer[WARM_UP]?.();
    }
    static forRoot(options) {
        return withSseProviders(super.forRoot(options));
    }
    static forRootAsync(options) {
        return withSseProviders(super.forRootAsync(options));
    }
};
SseModule = __decorate([
    Module({}),
    __param(0, Inject(SseAuthenticator)),
    __param(1, Inject(SseTopicAuthorizer)),
    __metadata("design:paramtypes", [Object, Object])
], SseModule);
export { SseModule };
function withSseProviders(definition) {
    const controllers = createSseControllers();
    const providers = [
        {
            provide: SSE_RESOLVED_OPTIONS,
            useFactory: (options) => resolveSseOptions(options),
            inject: [MODULE_OPTIONS_TOKEN],
        },
        {
            provide: SSE_ROUTES,
            useFactory: (options) => mountSseRoutes(controllers, options),
            inject: [SSE_RESOLVED_OPTIONS],
        },
        {
            provide: SseAuthenticator,
            useFactory: async (options, moduleRef) => {
                if (!options.authenticate)
                    return moduleRef.create(JwtSseAuthenticator);
                const resolver = new ApplicationClassResolver(moduleRef, options.authenticate);
                return withWarmUp({
                    authenticate: async (request) => (await resolver.get()).authenticate(request),
                }, resolver);
            },
            inject: [SSE_RESOLVED_OPTIONS, ModuleRef],
        },
        {
            provide: SseTopicAuthorizer,
            useFactory: (options, moduleRef) => {
                if (!options.topicAuthorizer) {
                    if (options.enableTopics)
                        new Logger('SseModule').log(SSE_MESSAGES.TOPIC_AUTHORIZER_DEFAULT());
                    return new AllowTenantTopicsAuthorizer();
                }
                const resolver = new ApplicationClassResolver(moduleRef, options.topicAuthorizer);
                return withWarmUp({
                    canSubscribe: async (user, topic) => (await resolver.get()).canSubscribe(user, topic),
                }, resolver);
            },
            inject: [SSE_RESOLVED_OPTIONS, ModuleRef],
        },
        SseBroker,
        SseAuthGuard,
        SseAdminGuard,
        SseStreamQueryPipe,
        SsePublishBodyPipe,
    ];
    return {
        ...definition,
        controllers: [controllers.stream, controllers.admin],
        providers: [...(definition.providers ?? []), ...providers],
        exports: [
            SseBroker,
            SseAuthGuard,
            SseAuthenticator,
            SseTopicAuthorizer,
            SSE_RESOLVED_OPTIONS,
            MODULE_OPTIONS_TOKEN,
        ],
    };
}
const WARM_UP = Symbol('SSE:WARM_UP');
function withWarmUp(delegate, resolver) {
    return Object.assign(delegate, { [WARM_UP]: () => resolver.get() });
}
