import { SseBrowserClient } from './sse-browser-client.js';
import type { SseClient, SseClientOptions } from './sse-client.types.js';

export type {
  SseClient,
  SseClientOptions,
  SseClientState,
  SseConnectedInfo,
  SseCursorStorage,
  SseEventMeta,
  SseEventSourceConstructor,
  SseEventSourceLike,
  SseResetInfo,
  SseStateDetail,
} from './sse-client.types.js';
export { SseParser, type SseParsedEvent } from './sse-parser.js';

/**
 * Connects a page to the library's stream (`GET /<path>/stream`) and keeps it:
 * the last id survives reloads and reconnects (no event is delivered twice or
 * out of order), `reset` reaches `onReset` once, each `close` reason gets the
 * reaction it asks for, an expiring token is refreshed, and the tabs of one
 * browser share one connection.
 *
 * `Events` maps event names to their data types (an `interface` works).
 * @example
 * ```ts
 * interface AppEvents { notification: { title: string } }
 * const sse = createSseClient<AppEvents>({ url: '/sse/stream', topics: ['news'] });
 * sse.on('notification', (n, { id }) => show(n.title));
 * sse.onReset(() => reloadFromApi());
 * ```
 */
export function createSseClient<
  Events extends object = Record<string, unknown>,
>(options: SseClientOptions): SseClient<Events> {
  return new SseBrowserClient<Events>(options);
}
