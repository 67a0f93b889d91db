import {
  type DynamicModule,
  Inject,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type Provider,
} from '@nestjs/common';
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
import {
  SsePublishBodyPipe,
  SseStreamQueryPipe,
} from './http/sse-validation.pipes.js';
import {
  ASYNC_OPTIONS_TYPE,
  ConfigurableModuleClass,
  MODULE_OPTIONS_TOKEN,
  OPTIONS_TYPE,
} from './sse.module-definition.js';
import { SSE_RESOLVED_OPTIONS } from './sse.internal-constants.js';
import { SSE_MESSAGES } from './sse.messages.js';
import {
  type ResolvedSseOptions,
  resolveSseOptions,
  type SseModuleOptions,
} from './sse.options.js';

const SSE_ROUTES = Symbol('SSE:ROUTES');

/**
 * Server-Sent Events for Nest: an injectable {@link SseBroker}, a guarded
 * `GET /<path>/stream` endpoint and opt-in admin routes.
 *
 * @example
 * ```ts
 * SseModule.forRootAsync({
 *   isGlobal: true,
 *   imports: [ConfigModule],
 *   inject: [ConfigService],
 *   useFactory: (config: ConfigService) => ({ auth: { secret: config.getOrThrow('JWT_SECRET') } }),
 * })
 * ```
 * @publicApi
 */
@Module({})
export class SseModule
  extends ConfigurableModuleClass
  implements OnApplicationBootstrap
{
  constructor(
    @Inject(SseAuthenticator) private readonly authenticator: SseAuthenticator,
    @Inject(SseTopicAuthorizer)
    private readonly topicAuthorizer: SseTopicAuthorizer,
  ) {
    super();
  }

  /** Resolves the application's authenticator and authorizer now, so that a misconfiguration fails start-up. */
  async onApplicationBootstrap(): Promise<void> {
    await (this.authenticator as WarmUp)[WARM_UP]?.();
    await (this.topicAuthorizer as WarmUp)[WARM_UP]?.();
  }

  static forRoot(options: typeof OPTIONS_TYPE): DynamicModule {
    return withSseProviders(super.forRoot(options));
  }

  static forRootAsync(options: typeof ASYNC_OPTIONS_TYPE): DynamicModule {
    return withSseProviders(super.forRootAsync(options));
  }
}

function withSseProviders(definition: DynamicModule): DynamicModule {
  const controllers = createSseControllers();
  const providers: Provider[] = [
    {
      provide: SSE_RESOLVED_OPTIONS,
      useFactory: (options: SseModuleOptions) => resolveSseOptions(options),
      inject: [MODULE_OPTIONS_TOKEN],
    },
    {
      provide: SSE_ROUTES,
      useFactory: (options: ResolvedSseOptions) =>
        mountSseRoutes(controllers, options),
      inject: [SSE_RESOLVED_OPTIONS],
    },
    {
      provide: SseAuthenticator,
      useFactory: async (
        options: ResolvedSseOptions,
        moduleRef: ModuleRef,
      ): Promise<SseAuthenticator> => {
        if (!options.authenticate) return moduleRef.create(JwtSseAuthenticator);
        const resolver = new ApplicationClassResolver(
          moduleRef,
          options.authenticate,
        );
        return withWarmUp(
          {
            authenticate: async (request) =>
              (await resolver.get()).authenticate(request),
          },
          resolver,
        );
      },
      inject: [SSE_RESOLVED_OPTIONS, ModuleRef],
    },
    {
      provide: SseTopicAuthorizer,
      useFactory: (
        options: ResolvedSseOptions,
        moduleRef: ModuleRef,
      ): SseTopicAuthorizer => {
        if (!options.topicAuthorizer) {
          if (options.enableTopics)
            new Logger('SseModule').log(
              SSE_MESSAGES.TOPIC_AUTHORIZER_DEFAULT(),
            );
          return new AllowTenantTopicsAuthorizer();
        }
        const resolver = new ApplicationClassResolver(
          moduleRef,
          options.topicAuthorizer,
        );
        return withWarmUp(
          {
            canSubscribe: async (user, topic) =>
              (await resolver.get()).canSubscribe(user, topic),
          },
          resolver,
        );
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

/** Marks a delegating provider whose application class SseModule resolves at bootstrap. */
const WARM_UP = Symbol('SSE:WARM_UP');
type WarmUp = { [WARM_UP]?: () => Promise<unknown> };

function withWarmUp<T extends object>(
  delegate: T,
  resolver: ApplicationClassResolver<object>,
): T {
  return Object.assign(delegate, { [WARM_UP]: () => resolver.get() });
}
