import { formatFrame, httpChunk, type SseWireEvent } from './sse-frame.js';
import type { SseMessage } from './sse-message.interface.js';

/**
 * A published message with its wire form, serialised once and shared by
 * every recipient and by the history.
 * @internal
 */
export class SseEnvelope implements SseWireEvent {
  readonly frame: string;
  readonly isMessage = true;
  /** `message.createdAt` in epoch milliseconds. */
  readonly createdAt: number;
  private encoded?: Buffer;
  private bytes?: number;

  constructor(
    readonly message: SseMessage,
    readonly data: string,
    /** The sequence part of `message.id`, for ordering and de-duplication. */
    readonly seq: number,
  ) {
    this.frame = formatFrame(message.event, message.id, data);
    this.createdAt = message.createdAt.getTime();
  }

  /** Built on the first direct write, then shared by every recipient. */
  get chunk(): Buffer {
    return (this.encoded ??= httpChunk(this.frame));
  }

  /**
   * The frame's size in UTF-8 bytes, computed on first use. Only `data` can
   * hold non-ASCII characters (event names and ids cannot), and it is the
   * one part measured, so the frame itself is neither scanned nor copied.
   */
  get byteLength(): number {
    return (this.bytes ??=
      this.frame.length - this.data.length + Buffer.byteLength(this.data));
  }

  get event(): string {
    return this.message.event;
  }

  get id(): string {
    return this.message.id;
  }
}
