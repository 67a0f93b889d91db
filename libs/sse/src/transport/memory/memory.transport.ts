import { randomUUID } from 'node:crypto';
import { BehaviorSubject } from 'rxjs';
import { MessageIdGenerator, parseCursor } from '../../core/message-id.js';
import { SseEnvelope } from '../../core/sse-envelope.js';
import type { SsePosition, SseReadOutcome } from '../../core/sse-position.js';
import type {
  SseControlCommand,
  SseControlResult,
  SseOutgoing,
  SsePublished,
  SseTransport,
  SseTransportListener,
} from '../sse-transport.interface.js';
import { InMemorySseHistory } from './in-memory.history.js';
import { InMemoryIdempotencyKeys } from './in-memory.idempotency.js';
import { InMemoryRateLimiter } from './in-memory.rate-limiter.js';
import { InMemoryRevocations } from './in-memory.revocations.js';
import type { SseHistory } from './sse-history.interface.js';

/**
 * The default transport: one process. Ids come from a counter with a random
 * epoch per start, history, idempotency keys and rate-limit counters are
 * kept in this process's memory, and a publish reaches the local subscribers before it returns.
 * @internal
 */
export class MemoryTransport implements SseTransport {
  readonly kind = 'memory';
  readonly instanceId = randomUUID();
  readonly ready = true;
  readonly readiness$ = new BehaviorSubject(true).asObservable();
  readonly rateLimiter = new InMemoryRateLimiter();
  private readonly ids = new MessageIdGenerator();
  private readonly history?: SseHistory;
  private readonly idempotency: InMemoryIdempotencyKeys;
  private readonly revocations = new InMemoryRevocations();
  private listener?: SseTransportListener;

  constructor(historyOptions: { size: number; ttl: number; maxBytes: number }) {
    this.idempotency = new InMemoryIdempotencyKeys(historyOptions.ttl);
    this.history =
      historyOptions.size > 0
        ? new InMemorySseHistory(historyOptions)
        : undefined;
  }

  listen(listener: SseTransportListener): void {
    this.listener = listener;
  }

  async start(): Promise<void> {}

  publish(outgoing: SseOutgoing): Promise<SsePublished> {
    // Scoped by target key, which names the tenant; a key never holds \0.
    const idempotent =
      outgoing.idempotencyKey !== undefined && outgoing.key !== undefined
        ? `${outgoing.key}\u0000${outgoing.idempotencyKey}`
        : undefined;
    if (idempotent !== undefined) {
      const first = this.idempotency.find(idempotent);
      if (first) return Promise.resolve(first);
    }
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
    if (idempotent !== undefined)
      this.idempotency.remember(idempotent, { seq, id }, envelope.createdAt);
    this.listener?.deliver(envelope);
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

  /** One process: the command runs here. */
  control(command: SseControlCommand): Promise<SseControlResult> {
    return this.listener
      ? this.listener.execute(command)
      : Promise.resolve({ count: 0 });
  }

  revoke(userKey: string, notBefore: number, ttl: number): Promise<void> {
    this.revocations.revoke(userKey, notBefore, ttl);
    return Promise.resolve();
  }

  revokedBefore(userKey: string): number | undefined {
    return this.revocations.revokedBefore(userKey);
  }

  async close(): Promise<void> {
    this.history?.close();
    this.idempotency.close();
    this.revocations.close();
  }

  private head(): SsePosition {
    const seq = this.ids.head;
    return { seq, id: this.ids.format(seq) };
  }
}
