import type { SseWriter } from './sse-module-options.interface.js';

/**
 * Every default of {@link SseModuleOptions} and {@link SseModuleExtras}, in
 * one object shaped like them.
 * @publicApi
 */
export const DEFAULT_SSE_OPTIONS = Object.freeze({
  path: 'sse',
  writer: 'direct' as SseWriter,
  adminRoutes: false,
  clientBufferSize: 256,
  clientBufferBytes: 1_048_576,
  heartbeatInterval: 30_000,
  clientTimeout: 300_000,
  retry: 3_000,
  enableTopics: true,
  maxConnections: 0,
  maxConnectionsPerUser: 16,
  maxTopicsPerConnection: 32,
  maxPayloadBytes: 65_536,
  history: Object.freeze({
    size: 1_000,
    ttl: 86_400_000,
    maxBytes: 64 * 1024 * 1024,
  }),
  maxConnectionAge: 0,
  reconnectJitter: 5_000,
  transport: Object.freeze({ type: 'memory' as const }),
  auth: Object.freeze({
    clockTolerance: 0,
    cookieName: 'sse_token',
    allowQueryToken: false,
  }),
  adminRole: 'admin',
  allowedOrigins: Object.freeze([]) as readonly string[],
  rateLimits: Object.freeze({
    connectsPerUser: Object.freeze({ limit: 30, window: 60_000 }),
    connectsPerAddress: Object.freeze({ limit: 120, window: 60_000 }),
    adminPublishes: Object.freeze({ limit: 600, window: 60_000 }),
  }),
  metrics: false as const,
});

/** The defaults of {@link SseMetricsOptions} (`metrics: true`). @publicApi */
export const DEFAULT_SSE_METRICS_OPTIONS = Object.freeze({
  prefix: '',
  tenantLabel: false,
  buckets: Object.freeze({
    publishDuration: Object.freeze([
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
    ]) as readonly number[],
    publishToWrite: Object.freeze([
      0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
    ]) as readonly number[],
  }),
});

/** The defaults of {@link SseRevokeOptions} (`SseBroker.revokeUser`). @publicApi */
export const DEFAULT_SSE_REVOKE_OPTIONS = Object.freeze({
  ttl: 86_400_000,
});

/** The defaults of {@link SseRedisTransportOptions}. @publicApi */
export const DEFAULT_SSE_REDIS_TRANSPORT_OPTIONS = Object.freeze({
  keyPrefix: 'sse:',
  commandTimeout: 2_000,
  canaryInterval: 5_000,
  presenceTtl: 30_000,
});

/** The defaults of {@link SseServerTimeouts} (`setSseServerTimeouts`). @publicApi */
export const DEFAULT_SSE_SERVER_TIMEOUTS = Object.freeze({
  headersTimeout: 10_000,
  requestTimeout: 30_000,
  connectionsCheckingInterval: 1_000,
});
