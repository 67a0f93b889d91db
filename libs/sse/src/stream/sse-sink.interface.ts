import type { SseWireEvent } from '../core/sse-frame.js';

/**
 * The thin writer under a connection: it only puts events on the response.
 * Queueing, heartbeats, expiry and closing belong to {@link SseConnection}.
 * @internal
 */
export interface SseSink {
  write(event: SseWireEvent): void;
  /** True while the response is not taking more (wait for its `drain`). */
  readonly backpressured: boolean;
  /** Bytes written that the kernel has not taken yet (Node's buffers of the response and socket). */
  readonly pendingBytes: number;
  /** Calls `listener` each time the sink takes data again after `backpressured`. */
  onDrain(listener: () => void): void;
  /** Ends the response after what was written. */
  end(): void;
  /** The stream is over (called once, however it ended): drop the drain listener. */
  release(): void;
}
