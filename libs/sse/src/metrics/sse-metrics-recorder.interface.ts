import type { SseReadOutcome } from '../core/sse-position.js';
import type { SseCloseReason } from '../core/sse-reasons.js';
import type { SseTargetType } from '../core/sse-target.js';

/**
 * What the connection hub reports to the metrics. Declared apart from
 * their prom-client implementation so that the library's declarations do
 * not name prom-client, an optional peer.
 * @internal
 */
export interface SseMetricsRecorder {
  streamOpened(tenantId: string | undefined): void;
  streamClosed(
    reason: SseCloseReason,
    tenantId: string | undefined,
    dropped: number,
  ): void;
  /** Drops of a stream that closed before it started. */
  droppedUnopened(tenantId: string | undefined, dropped: number): void;
  refused(code: string): void;
  /** A message was published; `startedAt` is the publish call's `performance.now()`. */
  messagePublished(
    target: SseTargetType,
    tenantId: string | undefined,
    startedAt: number,
  ): void;
  /** A message was written to a stream of `tenantId`. */
  eventDelivered(tenantId: string | undefined): void;
  /** A live message (created at `createdAt`, epoch ms) was handed to this instance's streams. */
  messageDispatched(createdAt: number, tenantId: string | undefined): void;
  /** A history read after a cursor ended; `undefined` when it failed (the stream is reset). */
  replayEnded(outcome: SseReadOutcome | undefined): void;
  transportReady(ready: boolean): void;
  transportResumed(): void;
  canaryMissed(): void;
}
