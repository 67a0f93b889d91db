import { type DynamicModule, Module } from '@nestjs/common';
import { SseAuthenticator } from './auth/sse-authenticator.interface.js';
import { SseTopicAuthorizer } from './auth/sse-topic-authorizer.interface.js';
import { SseBroker } from './broker/sse-broker.js';
import { SseRevocations } from './broker/sse-revocations.js';
import { SseAuthGuard } from './http/sse-auth.guard.js';
import { SseErrorFilter } from './http/sse-error.filter.js';
import { SseStreams } from './http/sse-streams.service.js';
import { SSE_RESOLVED_OPTIONS } from './options/resolved-sse-options.interface.js';
import {
  ASYNC_OPTIONS_TYPE,
  ConfigurableModuleClass,
  MODULE_OPTIONS_TOKEN,
  OPTIONS_TYPE,
} from './sse.module-definition.js';
import { createSseProviders } from './sse.providers.js';

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
export class SseModule extends ConfigurableModuleClass {
  static forRoot(options: typeof OPTIONS_TYPE): DynamicModule {
    return withSseProviders(super.forRoot(options), options);
  }

  static forRootAsync(options: typeof ASYNC_OPTIONS_TYPE): DynamicModule {
    return withSseProviders(super.forRootAsync(options));
  }
}

function withSseProviders(
  definition: DynamicModule,
  given?: typeof OPTIONS_TYPE,
): DynamicModule {
  return {
    ...definition,
    providers: [...(definition.providers ?? []), ...createSseProviders(given)],
    exports: [
      SseBroker,
      SseStreams,
      SseAuthGuard,
      // The guard's dependency, for the application's routes that use it.
      SseRevocations,
      SseErrorFilter,
      SseAuthenticator,
      SseTopicAuthorizer,
      SSE_RESOLVED_OPTIONS,
      MODULE_OPTIONS_TOKEN,
    ],
  };
}
