export { SseModule } from './sse.module.js';
export {
  OPTIONS_TYPE as SSE_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE as SSE_ASYNC_OPTIONS_TYPE,
} from './sse.module-definition.js';
export {
  InjectSseOptions,
  SSE_MODULE_OPTIONS,
  getSseOptionsToken,
} from './sse.constants.js';

export type {
  SseModuleExtras,
  SseModuleOptions,
  SseRootOptions,
  SseWriter,
} from './options/sse-module-options.interface.js';
export type {
  SseAuthOptions,
  SseJwtAlgorithm,
} from './options/sse-auth-options.interface.js';
export type {
  SseRateLimit,
  SseRateLimitOptions,
} from './options/sse-rate-limit-options.interface.js';
export type {
  SseHistoryOptions,
  SseMemoryTransportOptions,
  SseRedisTransportOptions,
  SseTransportOptions,
} from './options/sse-transport-options.interface.js';
export type {
  ResolvedSseAuthOptions,
  ResolvedSseOptions,
  ResolvedSseRateLimits,
  ResolvedSseRedisTransportOptions,
} from './options/resolved-sse-options.interface.js';
export type {
  ResolvedSseMetricsOptions,
  SseMetricsOptions,
  SseMetricsRegistry,
} from './options/sse-metrics-options.interface.js';
export {
  DEFAULT_SSE_METRICS_OPTIONS,
  DEFAULT_SSE_OPTIONS,
  DEFAULT_SSE_REDIS_TRANSPORT_OPTIONS,
  DEFAULT_SSE_REVOKE_OPTIONS,
} from './options/sse-options.defaults.js';

export { SseBroker } from './broker/sse-broker.js';
export type {
  SseHistoryPage,
  SseMessage,
  SsePublishOptions,
  SseRevokeOptions,
} from './core/sse-message.interface.js';
export type {
  SseAnyEvents,
  SseEventData,
  SseEventMap,
  SseEventMessage,
  SseEventName,
  SseIsOpenEventMap,
  SsePublishData,
  SsePublishedMessage,
} from './core/sse-event-map.js';
export type {
  SseHistoryTarget,
  SseTarget,
  SseTargetType,
} from './core/sse-target.js';
export type { SseCloseReason, SseResetReason } from './core/sse-reasons.js';
export type { SseInstanceStats, SseStats } from './core/sse-stats.interface.js';
export type { SseHealth } from './core/sse-health.interface.js';
export type {
  SseClientInfo,
  SseConnectionEvent,
} from './core/sse-client-info.interface.js';
export {
  SSE_EVENT_NAME_PATTERN,
  SSE_TOPIC_PATTERN,
} from './core/sse-validation.js';
export { SSE_IDEMPOTENCY_KEY_PATTERN } from './core/sse-validation.js';

export {
  SseAuthenticator,
  type SseRequest,
} from './auth/sse-authenticator.interface.js';
export { SseTopicAuthorizer } from './auth/sse-topic-authorizer.interface.js';
export type { SseIdentity } from './auth/sse-identity.interface.js';
export {
  extractSseToken,
  type SseTokenSources,
} from './auth/token-extractor.util.js';

export { SseAuthGuard } from './http/sse-auth.guard.js';
export { SseUser } from './http/sse-user.decorator.js';
export { SseHttpException } from './http/sse-http.exception.js';
export { SseErrorFilter } from './http/sse-error.filter.js';
export {
  SseStreams,
  type SseStreamOptions,
} from './http/sse-streams.service.js';
export { SseStreamQueryDto } from './http/dto/sse-stream-query.dto.js';
export { SsePublishDto } from './http/dto/sse-publish.dto.js';
export { toMessageEvent } from './http/to-message-event.util.js';

export { SseError } from './errors/sse.error.js';
export { InvalidSseOptionsError } from './errors/invalid-sse-options.error.js';
export { InvalidUserIdError } from './errors/invalid-user-id.error.js';
export { InvalidTenantIdError } from './errors/invalid-tenant-id.error.js';
export { InvalidTopicError } from './errors/invalid-topic.error.js';
export { TopicsDisabledError } from './errors/topics-disabled.error.js';
export { InvalidEventNameError } from './errors/invalid-event-name.error.js';
export { ReservedEventNameError } from './errors/reserved-event-name.error.js';
export { PayloadTooLargeError } from './errors/payload-too-large.error.js';
export { UnserializableDataError } from './errors/unserializable-data.error.js';
export { TransportUnavailableError } from './errors/transport-unavailable.error.js';
export { ShuttingDownError } from './errors/shutting-down.error.js';
export { TooManyConnectionsError } from './errors/too-many-connections.error.js';
export { UserConnectionLimitError } from './errors/user-connection-limit.error.js';
export { RateLimitedError } from './errors/rate-limited.error.js';
export { TopicForbiddenError } from './errors/topic-forbidden.error.js';
export { QueryTokenNotAllowedError } from './errors/query-token-not-allowed.error.js';
export { InvalidIdempotencyKeyError } from './errors/invalid-idempotency-key.error.js';
export { InvalidRevocationTtlError } from './errors/invalid-revocation-ttl.error.js';
export { TokenRevokedError } from './errors/token-revoked.error.js';

export { setSseServerTimeouts } from './http/sse-server-timeouts.util.js';
export type { SseServerTimeouts } from './options/sse-server-timeouts.interface.js';
export { DEFAULT_SSE_SERVER_TIMEOUTS } from './options/sse-options.defaults.js';
