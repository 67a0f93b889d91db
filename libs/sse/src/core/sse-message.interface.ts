import type { SseResetReason } from './sse-reasons.js';
import type { SseTarget } from './sse-target.js';

/**
 * A published message, as returned by the publish methods and emitted by
 * `userStream` / `topicStream`. Its `id` is assigned once, when it is
 * published, and is the same for every recipient. `T` is the data's type,
 * `E` the event name's (a declared name with a typed broker).
 * @publicApi
 */
export interface SseMessage<T = unknown, E extends string = string> {
  /** Opaque id, unique and ordered within this broker: `<epoch>-<sequence>`. */
  id: string;
  /** The event name (`event:` field). */
  event: E;
  /** The data as given by the publisher (sent to clients as JSON). */
  data: T;
  target: SseTarget;
  createdAt: Date;
}

/** Options of `revokeUser()`. @publicApi */
export interface SseRevokeOptions {
  /** The user's tenant; undefined for users without one. */
  tenantId?: string;
  /**
   * How long the user's credentials issued before now are refused, in ms:
   * the longest lifetime your tokens have (a refused token would have
   * expired by then). 1000 – 31536000000 (a year).
   * @default 86400000 (24 hours)
   */
  ttl?: number;
}

/** Options of the publish methods. @publicApi */
export interface SsePublishOptions {
  /**
   * Tenant scope of the target. Users and topics of different tenants never
   * see each other's events; leave undefined for users without a tenant.
   */
  tenantId?: string;
  /**
   * Makes a publish safe to retry (after `transport_unavailable`, a timeout,
   * a crash between your commit and the publish): a second publish with the
   * same key to the same target (in the same tenant) within `history.ttl`
   * publishes nothing and resolves with the first message (its id and
   * `createdAt`). 1-128 printable ASCII characters without spaces, e.g. an
   * order id or a UUID; only the publish methods use it.
   * @example
   * ```ts
   * await sse.sendToUser(userId, 'order.shipped', order, {
   *   tenantId,
   *   idempotencyKey: `order-${order.id}-shipped`,
   * });
   * ```
   */
  idempotencyKey?: string;
}

/** What `SseBroker.getHistory` returns. @publicApi */
export interface SseHistoryPage {
  /** Retained messages after the cursor, oldest first. */
  messages: SseMessage[];
  /**
   * False when messages after the cursor are no longer retained
   * (`history_gap`) or the cursor is not one of this broker's ids
   * (`unknown_cursor`); `messages` is then empty: reload from your database.
   */
  complete: boolean;
  reason?: SseResetReason;
}
