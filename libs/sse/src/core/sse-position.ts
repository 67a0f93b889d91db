import type { SseEnvelope } from './sse-envelope.js';
import type { SseResetReason } from './sse-reasons.js';

/** A position in the message sequence: a sequence number and its id. @internal */
export interface SsePosition {
  seq: number;
  id: string;
}

/** What a history read found after a cursor, with the head it was read at. @internal */
export type SseReadOutcome =
  | { envelopes: SseEnvelope[]; head: SsePosition }
  | { reset: SseResetReason; head: SsePosition };
