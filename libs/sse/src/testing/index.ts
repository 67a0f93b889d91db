/**
 * `nestjs-sse-broker/testing`: what a test of an application that publishes
 * events needs. Not loaded by the package's main entry.
 */
export {
  connectSseTestClient,
  SSE_TEST_TIMEOUT,
  type SseTestClientOptions,
} from './connect-sse-test-client.js';
export {
  SseTestConnectionError,
  type SseTestClient,
} from './sse-test-client.js';
export type { SseTestIdentity } from './sse-test-token.js';
export type {
  SseStreamEvents,
  SseTestEvent,
  SseTestEventName,
  SseTestEventOf,
  SseTestEvents,
} from './sse-test-event.js';
export {
  SSE_TESTING_DEFAULTS,
  sseTestingOptions,
} from './sse-testing-options.js';
