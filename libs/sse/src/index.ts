export { SseModule } from './sse.module.js';
export {
  OPTIONS_TYPE as SSE_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE as SSE_ASYNC_OPTIONS_TYPE,
} from './sse.module-definition.js';
export {
  DEFAULT_SSE_OPTIONS,
  type ResolvedSseOptions,
  type SseAuthOptions,
  type SseHistoryOptions,
  type SseJwtAlgorithm,
  type SseMemoryTransportOptions,
  type SseModuleOptions,
  type SseRedisTransportOptions,
  type SseTransportOptions,
  type SseWriter,
} from './sse.options.js';
export {
  InjectSseOptions,
  SSE_MODULE_OPTIONS,
  getSseOptionsToken,
} from './sse.constants.js';

export { SseBroker } from './broker/sse-broker.js';
export type {
  SseHistoryPage,
  SseHistoryTarget,
  SseMessage,
  SsePublishOptions,
  SseTarget,
  SseTargetType,
} from './broker/sse-message.interface.js';
export type {
  SseInstanceStats,
  SseStats,
} from './broker/sse-stats.interface.js';
export type {
  SseClientInfo,
  SseCloseReason,
  SseConnectionEvent,
} from './broker/sse-client-info.interface.js';
export {
  SSE_EVENT_NAME_PATTERN,
  SSE_TOPIC_PATTERN,
} from './broker/sse-validation.util.js';

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
export type { SseResetReason } from './http/sse-connection.js';
export { SseUser } from './http/sse-user.decorator.js';
export { SseHttpException } from './http/sse-http.exception.js';
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
