import type { MessageEvent } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import type { Subscriber } from 'rxjs';
import type { SseWireEvent } from '../core/sse-frame.js';
import type { SseSink } from './sse-sink.interface.js';

/**
 * Hands events to Nest's own `@Sse()` pipeline through the Observable the
 * route returned: the nest writer's fallback, for a version of Nest whose
 * writer the library cannot take over (`http/sse-nest-stream.ts`). Events
 * are handed over only while the response takes data, so the events Nest
 * holds stay few and the connection's own bounded queue decides when a
 * client is slow.
 * @internal
 */
export class NestSink implements SseSink {
  constructor(
    private readonly subscriber: Subscriber<MessageEvent>,
    private readonly response: ServerResponse,
  ) {}

  get backpressured(): boolean {
    return this.response.writableNeedDrain;
  }

  get pendingBytes(): number {
    return this.response.writableLength;
  }

  write(event: SseWireEvent): void {
    // `id` is always set: Nest numbers events without one per connection,
    // which would move the client's Last-Event-ID.
    this.subscriber.next({
      type: event.event,
      id: event.id,
      retry: event.retry,
      data: event.data,
    });
  }

  onDrain(listener: () => void): void {
    this.response.on('drain', listener);
  }

  /** Nothing to do: the response's listeners go with the response. */
  release(): void {}

  end(): void {
    this.subscriber.complete();
  }
}
