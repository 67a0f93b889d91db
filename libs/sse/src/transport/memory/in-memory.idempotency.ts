import type { SsePublished } from '../sse-transport.interface.js';

/** The message an idempotency key published, and until when the key counts. */
interface KeyEntry {
  readonly published: Required<SsePublished>;
  readonly expiresAt: number;
}

/**
 * The memory transport's idempotency keys: which message each key published,
 * for `ttl` milliseconds (the history's).
 *
 * Entries sit in a Map in the order they were made, which is the order they
 * expire in (the ttl is the same for all). Each new key first drops the
 * expired ones at the front, so remembering is amortised O(1); while any
 * entry is left, a sweep every `min(ttl, 60 s)` drops them when no new keys
 * come. Memory follows the keys used within the last `ttl`, never the keys
 * ever used.
 * @internal
 */
export class InMemoryIdempotencyKeys {
  private readonly entries = new Map<string, KeyEntry>();
  private sweeper?: NodeJS.Timeout;

  constructor(
    private readonly ttl: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Keys currently remembered (for tests and stats). */
  get size(): number {
    return this.entries.size;
  }

  /** The message `key` published within the ttl, if any. */
  find(key: string): Required<SsePublished> | undefined {
    const entry = this.entries.get(key);
    return entry && entry.expiresAt > this.now() ? entry.published : undefined;
  }

  /** Records that `key` published the message at `position`, created at `createdAt` (epoch ms). */
  remember(key: string, position: SsePublished, createdAt: number): void {
    this.sweep();
    // Re-inserted, so that the Map stays in expiry order.
    this.entries.delete(key);
    this.entries.set(key, {
      published: {
        seq: position.seq,
        id: position.id,
        firstCreatedAt: createdAt,
      },
      expiresAt: this.now() + this.ttl,
    });
    if (!this.sweeper) {
      this.sweeper = setInterval(
        () => this.sweep(),
        Math.min(this.ttl, 60_000),
      );
      this.sweeper.unref();
    }
  }

  /** Drops the expired keys; stops the sweep once none is left. */
  sweep(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt > now) break;
      this.entries.delete(key);
    }
    if (this.entries.size === 0) this.close();
  }

  close(): void {
    clearInterval(this.sweeper);
    this.sweeper = undefined;
    this.entries.clear();
  }
}
