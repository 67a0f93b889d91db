/** What a message was addressed to. @publicApi */
export type SseTargetType = 'user' | 'topic' | 'broadcast' | 'client';

/** The addressee of a published message. @publicApi */
export interface SseTarget {
  type: SseTargetType;
  /** Set for `user` targets. */
  userId?: string;
  /** Set for `topic` targets. */
  topic?: string;
  /** Set for `client` targets. */
  clientId?: string;
  /** The tenant scope; `undefined` is the scope of users without a tenant. */
  tenantId?: string;
}

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
