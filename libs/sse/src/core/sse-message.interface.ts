import type { SseResetReason } from './sse-reasons.js';
import type { SseTarget } from './sse-target.js';

/**
 * A published message, as returned by the publish methods and emitted by
 * `userStream` / `topicStream`. Its `id` is assigned once, when it is
 * published, and is the same for every recipient.
 * @publicApi
 */
export interface SseMessage<T = unknown> {
  /** Opaque id, unique and ordered within this broker: `<epoch>-<sequence>`. */
  id: string;
  /** The event name (`event:` field). */
  event: string;
  /** The data as given by the publisher (sent to clients as JSON). */
  data: T;
  target: SseTarget;
  createdAt: Date;
}

/** Options of the publish methods. @publicApi */
export interface SsePublishOptions {
  /**
   * Tenant scope of the target. Users and topics of different tenants never
   * see each other's events; leave undefined for users without a tenant.
   */
  tenantId?: string;
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
