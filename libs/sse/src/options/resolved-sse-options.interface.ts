import type { KeyObject } from 'node:crypto';
import type {
  SseModuleExtras,
  SseModuleOptions,
} from './sse-module-options.interface.js';
import type { ResolvedSseMetricsOptions } from './sse-metrics-options.interface.js';
import type { SseAuthOptions } from './sse-auth-options.interface.js';
import type {
  SseRateLimit,
  SseRateLimitOptions,
} from './sse-rate-limit-options.interface.js';
import type {
  SseHistoryOptions,
  SseMemoryTransportOptions,
  SseRedisTransportOptions,
} from './sse-transport-options.interface.js';

/** Redis transport options after defaults. @publicApi */
export type ResolvedSseRedisTransportOptions = Required<
  Omit<SseRedisTransportOptions, 'url' | 'options'>
> &
  Pick<SseRedisTransportOptions, 'url' | 'options'>;

/** JWT options after defaults, with the key parsed once. @publicApi */
export type ResolvedSseAuthOptions = SseAuthOptions &
  Required<
    Pick<
      SseAuthOptions,
      'algorithms' | 'clockTolerance' | 'cookieName' | 'allowQueryToken'
    >
  > & {
    /** `secret` or `publicKey`, parsed once (jsonwebtoken would parse it on every verify). */
    key: KeyObject;
  };

/** Rate limits after defaults: each one on (`limit` > 0), or `false`. @publicApi */
export type ResolvedSseRateLimits = Record<
  keyof SseRateLimitOptions,
  Required<SseRateLimit> | false
>;

/**
 * The options after defaults are applied and validated: what
 * `@InjectSseOptions()` injects.
 * @publicApi
 */
export type ResolvedSseOptions = Required<
  Omit<
    SseModuleOptions,
    | 'auth'
    | 'authenticator'
    | 'topicAuthorizer'
    | 'history'
    | 'transport'
    | 'rateLimits'
    | 'metrics'
  >
> &
  Required<Omit<SseModuleExtras, 'isGlobal' | 'decorators'>> & {
    history: Required<SseHistoryOptions>;
    transport: SseMemoryTransportOptions | ResolvedSseRedisTransportOptions;
    rateLimits: ResolvedSseRateLimits;
    /** Set unless an `authenticator` replaces JWT. */
    auth?: ResolvedSseAuthOptions;
    /** `false` when metrics are off. */
    metrics: ResolvedSseMetricsOptions | false;
  } & Pick<SseModuleOptions, 'authenticator' | 'topicAuthorizer'>;

/** Injection token of the {@link ResolvedSseOptions} of a registration. @internal */
export const SSE_RESOLVED_OPTIONS = Symbol('SSE:RESOLVED_OPTIONS');
