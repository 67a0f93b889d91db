import { randomUUID } from 'node:crypto';
import { BehaviorSubject } from 'rxjs';
import {
  MessageIdGenerator,
  parseCursor,
} from '../broker/message-id.generator.js';
import { SseEnvelope } from '../broker/sse-envelope.js';
import { InMemorySseHistory } from '../history/in-memory-sse.history.js';
import type { SseHistory } from '../history/sse-history.interface.js';
import type {
  SseOutgoing,
  SsePosition,
  SseReadOutcome,
  SseTransport,
  SseTransportListener,
} from './sse-transport.interface.js';

/**
 * The default transport: one process. Ids come from a counter with a random
 * epoch per start, history is kept in this process's memory, and a publish
 * reaches the local subscribers before it returns.
 * @internal
 */
export class MemoryTransport implements SseTransport {
  readonly kind = 'memory';
  readonly instanceId = randomUUID();
  readonly ready = true;
  readonly readiness$ = new BehaviorSubject(true).asObservable();
  private readonly ids = new MessageIdGenerator();
  private readonly history?: SseHistory;
  constructor(
    historyOptions: { size: number; ttl: number },
    private readonly listener: SseTransportListener,
  ) {
    this.history =
      historyOptions.size > 0
        ? new InMemorySseHistory(historyOptions.size, historyOptions.ttl)
        : undefined;
  }

  async start(): Promise<void> {}

  publish(outgoing: SseOutgoing): Promise<SsePosition> {
    const { id, seq } = this.ids.next();
    const envelope = new SseEnvelope(
      {
        id,
        event: outgoing.event,
        data: outgoing.data,
        target: outgoing.target,
        createdAt: outgoing.createdAt,
      },
      outgoing.json,
      seq,
    );
    if (outgoing.key !== undefined)
      this.history?.append(outgoing.key, envelope);
    this.listener.deliver(envelope);
    return Promise.resolve({ seq, id });
  }

  watch(): void {}

  unwatch(): void {}

  settle(): Promise<SsePosition> {
    return Promise.resolve(this.head());
  }

  async read(
    keys: readonly string[],
    cursorValue?: string,
  ): Promise<SseReadOutcome> {
    const head = this.head();
    let afterSeq = 0;
    if (cursorValue !== undefined) {
      const cursor = parseCursor(cursorValue);
      if (!cursor || cursor.epoch !== this.ids.epoch || cursor.seq > head.seq)
        return { reset: 'unknown_cursor', head };
      afterSeq = cursor.seq;
    }
    if (!this.history) {
      return cursorValue === undefined || afterSeq === head.seq
        ? { envelopes: [], head }
        : { reset: 'history_gap', head };
    }
    const read = await this.history.read(keys, afterSeq);
    return read.complete || cursorValue === undefined
      ? { envelopes: read.envelopes, head }
      : { reset: 'history_gap', head };
  }

  newClientId(): string {
    return randomUUID();
  }

  async close(): Promise<void> {
    this.history?.close();
  }

  private head(): SsePosition {
    const seq = this.ids.head;
    return { seq, id: this.ids.format(seq) };
  }
}
