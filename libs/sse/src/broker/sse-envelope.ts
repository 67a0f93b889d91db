import { formatFrame, type SseWireEvent } from '../http/sse-frame.util.js';
import type { SseMessage } from './sse-message.interface.js';

/**
 * A published message with its wire form, serialised once and shared by
 * every recipient.
 * @internal
 */
export class SseEnvelope implements SseWireEvent {
  readonly frame: string;
  readonly isMessage = true;

  constructor(
    readonly message: SseMessage,
    readonly data: string,
  ) {
    this.frame = formatFrame(message.event, message.id, data);
  }

  get event(): string {
    return this.message.event;
  }

  get id(): string {
    return this.message.id;
  }
}
