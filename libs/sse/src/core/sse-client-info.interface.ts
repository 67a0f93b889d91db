import type { SseCloseReason } from './sse-reasons.js';

/** A snapshot of one open stream. @publicApi */
export interface SseClientInfo {
  clientId: string;
  userId: string;
  tenantId?: string;
  topics: string[];
  connectedAt: Date;
  /** Events waiting because the client's socket is not taking more. */
  pendingEvents: number;
  remoteAddress?: string;
  userAgent?: string;
}

/** Presence: emitted by `SseBroker.connections$` when a stream opens or ends. @publicApi */
export type SseConnectionEvent =
  | { type: 'connect'; client: SseClientInfo }
  | { type: 'disconnect'; client: SseClientInfo; reason: SseCloseReason };
