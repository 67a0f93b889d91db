import type {
  SseAnyEvents,
  SseCloseReason,
  SseEventMap,
  SseEventName,
  SsePublishData,
  SseResetReason,
} from '../index.js';

/** One event as a test client received it. @publicApi */
export interface SseTestEvent<T = unknown, E extends string = string> {
  /** The `event:` field (`message` when the block had none). */
  event: E;
  /** The block's `id:` field; undefined when it had none. */
  id: string | undefined;
  /** `data` parsed as JSON (what the broker sends); the raw text when it is not JSON. */
  data: T;
  /** The `data` lines as received, joined by `\n`. */
  rawData: string;
  /** The `retry:` field, when the block had one. */
  retry?: number;
}

/** The data of the events the stream itself sends, besides the application's. @publicApi */
export interface SseStreamEvents {
  /** First event of every stream. */
  connected: {
    clientId: string;
    userId: string;
    tenantId: string | null;
    topics: string[];
  };
  /** Sent every `heartbeatInterval`. */
  heartbeat: Record<string, never>;
  /** The server ends the stream (then closes it). */
  close: { reason: SseCloseReason };
  /** The `Last-Event-ID` could not be honoured: reload your state. */
  reset: { recovered: false; reason: SseResetReason; cursor: string };
}

/**
 * What a test client of `Events` can receive: the application's events and
 * the stream's own ({@link SseStreamEvents}); any name for an open map.
 * @publicApi
 */
export type SseTestEvents<Events extends SseEventMap = SseAnyEvents> = Events &
  SseStreamEvents;

/** Names a test client of `Events` can wait for. @publicApi */
export type SseTestEventName<Events extends SseEventMap = SseAnyEvents> =
  SseEventName<SseTestEvents<Events>>;

/**
 * The event a test client resolves with when waiting for `K`: typed by the
 * map; with an open map, `T` (by default `unknown`) is the data's type.
 * @publicApi
 */
export type SseTestEventOf<
  Events extends SseEventMap,
  K extends SseTestEventName<Events>,
  T = unknown,
> = SseTestEvent<SsePublishData<SseTestEvents<Events>, K, T>, K>;
