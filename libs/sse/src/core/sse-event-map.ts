import type { SseMessage } from './sse-message.interface.js';

/**
 * An application's event contract: a type whose keys are event names and
 * whose values are the types of their data, declared once and given to
 * `SseBroker<Events>`. Any object type qualifies, interfaces included
 * (which have no index signature, so they would not satisfy
 * `Record<string, unknown>`).
 *
 * @example
 * ```ts
 * export interface AppEvents {
 *   'order.shipped': { orderId: string; carrier: string };
 *   notification: { title: string; body: string };
 * }
 *
 * constructor(private readonly sse: SseBroker<AppEvents>) {}
 * ```
 * @publicApi
 */
export type SseEventMap = object;

/**
 * The event map of an untyped broker (`SseBroker` without a type argument):
 * any valid event name, any JSON-serialisable data. A map with a string
 * index signature is open in the same way.
 * @publicApi
 */
export interface SseAnyEvents {
  [event: string]: unknown;
}

/**
 * Whether `Events` is open rather than a list of declared events: it has a
 * string index signature (as {@link SseAnyEvents}), or declares no event at
 * all (`object`, which is what `app.get(SseBroker)` infers).
 * @publicApi
 */
export type SseIsOpenEventMap<Events extends SseEventMap> = [
  keyof Events,
] extends [never]
  ? true
  : string extends keyof Events
    ? true
    : false;

/**
 * The event names of a map: its declared (string) keys, or any string for
 * an open map.
 * @publicApi
 */
export type SseEventName<Events extends SseEventMap> =
  SseIsOpenEventMap<Events> extends true ? string : keyof Events & string;

/** The data type of event `K` in `Events` (`unknown` for an open map). @publicApi */
export type SseEventData<
  Events extends SseEventMap,
  K extends SseEventName<Events>,
> = Events[K & keyof Events];

/**
 * Every message a map allows: for a declared map, the union of
 * `SseMessage<Events[K], K>` over its events, which narrows on `event`;
 * for an open map, `SseMessage` (unknown data).
 * @example
 * ```ts
 * sse.userStream(userId).subscribe((message) => {
 *   if (message.event === 'notification') show(message.data.title);
 * });
 * ```
 * @publicApi
 */
export type SseEventMessage<Events extends SseEventMap> =
  SseIsOpenEventMap<Events> extends true
    ? SseMessage
    : {
        [K in SseEventName<Events>]: SseMessage<SseEventData<Events, K>, K>;
      }[SseEventName<Events>];

/**
 * The `data` parameter of the publish methods: the declared type of event
 * `K`; for an open map, `T` (inferred from the argument, or given as the
 * method's type argument, as in `sendToUser<Order>(...)`).
 * @publicApi
 */
export type SsePublishData<
  Events extends SseEventMap,
  K extends SseEventName<Events>,
  T,
> = SseIsOpenEventMap<Events> extends true ? T : SseEventData<Events, K>;

/**
 * What the publish methods resolve with: `SseMessage<Events[K], K>` for a
 * declared map, `SseMessage<T>` for an open one.
 * @publicApi
 */
export type SsePublishedMessage<
  Events extends SseEventMap,
  K extends SseEventName<Events>,
  T,
> =
  SseIsOpenEventMap<Events> extends true
    ? SseMessage<T>
    : SseMessage<SseEventData<Events, K>, K>;
