import { Logger, type Provider, type Type } from '@nestjs/common';
import { AllowTenantTopicsAuthorizer } from './auth/allow-tenant-topics.authorizer.js';
import { JwtSseAuthenticator } from './auth/jwt-sse.authenticator.js';
import { SseAuthenticator } from './auth/sse-authenticator.interface.js';
import { SseTopicAuthorizer } from './auth/sse-topic-authorizer.interface.js';
import { SseBroker } from './broker/sse-broker.js';
import { SseConnectionHub } from './broker/sse-connection-hub.js';
import { SseRevocations } from './broker/sse-revocations.js';
import { InvalidSseOptionsError } from './errors/invalid-sse-options.error.js';
import { SSE_MESSAGES } from './errors/sse-error.messages.js';
import { SseAddressRateGuard } from './http/sse-address-rate.guard.js';
import { SseAdminGuard } from './http/sse-admin.guard.js';
import { SseAuthGuard } from './http/sse-auth.guard.js';
import { SseErrorFilter } from './http/sse-error.filter.js';
import { SseStreamAdmission } from './http/sse-stream-admission.js';
import { SseStreams } from './http/sse-streams.service.js';
import { SseStreamAdmissionGuard } from './http/sse-stream-admission.guard.js';
import {
  SsePublishBodyPipe,
  SseStreamQueryPipe,
  SseTopicsChangePipe,
} from './http/sse-validation.pipes.js';
import { loadSseMetrics, SSE_METRICS } from './metrics/load-sse-metrics.js';
import { resolveSseOptions } from './options/resolve-sse-options.js';
import {
  type ResolvedSseOptions,
  SSE_RESOLVED_OPTIONS,
} from './options/resolved-sse-options.interface.js';
import type {
  SseModuleExtras,
  SseModuleOptions,
} from './options/sse-module-options.interface.js';
import { createSseTransport } from './transport/sse-transport.factory.js';
import { SSE_TRANSPORT } from './transport/sse-transport.interface.js';
import {
  MODULE_OPTIONS_TOKEN,
  SSE_MODULE_EXTRAS,
} from './sse.module-definition.js';

const EXTRAS: readonly (keyof SseModuleExtras)[] = [
  'isGlobal',
  'path',
  'writer',
  'adminRoutes',
  'decorators',
];

/** Providers of every registration; `given` is `forRoot`'s options (undefined with `forRootAsync`). @internal */
export function createSseProviders(given?: SseModuleOptions): Provider[] {
  return [
    {
      provide: SSE_RESOLVED_OPTIONS,
      useFactory: (options: SseModuleOptions, extras: SseModuleExtras) => {
        const misplaced = EXTRAS.find((name) => name in (options ?? {}));
        if (misplaced)
          throw new InvalidSseOptionsError(
            SSE_MESSAGES.EXTRA_FROM_FACTORY(misplaced),
          );
        return resolveSseOptions({ ...options, ...extras });
      },
      inject: [MODULE_OPTIONS_TOKEN, SSE_MODULE_EXTRAS],
    },
    {
      provide: SSE_TRANSPORT,
      useFactory: (options: ResolvedSseOptions) => createSseTransport(options),
      inject: [SSE_RESOLVED_OPTIONS],
    },
    {
      provide: SSE_METRICS,
      useFactory: (options: ResolvedSseOptions) =>
        options.metrics
          ? loadSseMetrics(options.metrics, options.transport.type)
          : null,
      inject: [SSE_RESOLVED_OPTIONS],
    },
    pluggable(
      SseAuthenticator,
      'authenticator',
      given?.authenticator,
      (options) => new JwtSseAuthenticator(options.auth!),
    ),
    pluggable(
      SseTopicAuthorizer,
      'topicAuthorizer',
      given?.topicAuthorizer,
      (options) => {
        if (options.enableTopics)
          new Logger('SseModule').log(SSE_MESSAGES.TOPIC_AUTHORIZER_DEFAULT());
        return new AllowTenantTopicsAuthorizer();
      },
    ),
    SseConnectionHub,
    SseRevocations,
    SseBroker,
    SseAuthGuard,
    SseAdminGuard,
    SseErrorFilter,
    SseStreamQueryPipe,
    SsePublishBodyPipe,
    SseTopicsChangePipe,
    SseStreamAdmission,
    SseStreams,
    SseStreamAdmissionGuard,
    SseAddressRateGuard,
  ];
}

/**
 * A part the application may replace (as @nestjs/terminus takes its
 * pluggable parts): a class given to `forRoot` is registered with
 * `useClass`, so Nest injects its dependencies; an instance (from
 * `forRoot`, or from a `forRootAsync` factory, which can `inject` what it
 * needs) is used as it is; without either, the library's default.
 */
function pluggable<T>(
  token: symbol,
  option: 'authenticator' | 'topicAuthorizer',
  given: unknown,
  fallback: (options: ResolvedSseOptions) => T,
): Provider {
  if (typeof given === 'function')
    return { provide: token, useClass: given as Type<T> };
  return {
    provide: token,
    useFactory: (options: ResolvedSseOptions): T => {
      const value = options[option];
      if (value === undefined) return fallback(options);
      if (typeof value === 'function')
        throw new InvalidSseOptionsError(
          SSE_MESSAGES.CLASS_FROM_FACTORY(option),
        );
      return value as T;
    },
    inject: [SSE_RESOLVED_OPTIONS],
  };
}
