import type { SseEnvelope } from '../../core/sse-envelope.js';

/** What a history read found for a set of targets after a sequence number. @internal */
export interface SseHistoryRead {
  /** Retained messages after the cursor, in id order. */
  envelopes: SseEnvelope[];
  /** False when a message after the cursor, for one of the targets, is no longer retained. */
  complete: boolean;
}

/**
 * Retains recent messages per target (a user, a topic, a tenant's broadcast)
 * for Last-Event-ID replay.
 * @internal
 */
export interface SseHistory {
  append(targetKey: string, envelope: SseEnvelope): void;
  /** Messages of these targets with a sequence above `afterSeq`, merged in order. */
  read(
    targetKeys: readonly string[],
    afterSeq: number,
  ): Promise<SseHistoryRead>;
  /** Releases timers and memory. */
  close(): void;
}
