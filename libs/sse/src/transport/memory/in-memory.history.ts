import type { SseEnvelope } from '../../core/sse-envelope.js';
import type { SseHistory, SseHistoryRead } from './sse-history.interface.js';

/**
 * One target's retained messages, oldest first: at most `size` of them.
 * Entries before `head` are evicted; the array is compacted once they make
 * up half of it, so memory follows what is retained (amortised O(1) append).
 */
class TargetLog {
  private entries: SseEnvelope[] = [];
  private head = 0;
  /** Highest sequence number this target lost to size or age (0: nothing lost). */
  evictedUpTo = 0;

  constructor(private readonly size: number) {}

  get length(): number {
    return this.entries.length - this.head;
  }

  push(envelope: SseEnvelope): void {
    this.entries.push(envelope);
    if (this.length > this.size) this.evictOldest();
  }

  /** Drops entries created before `cutoff` (epoch ms). */
  expire(cutoff: number): void {
    while (this.length > 0 && this.entries[this.head].createdAt < cutoff)
      this.evictOldest();
  }

  /** Entries with a sequence above `afterSeq`, oldest first. */
  after(afterSeq: number): SseEnvelope[] {
    let from = this.entries.length;
    while (from > this.head && this.entries[from - 1].seq > afterSeq) from--;
    return this.entries.slice(from);
  }

  private evictOldest(): void {
    this.evictedUpTo = this.entries[this.head].seq;
    this.head++;
    if (this.head >= 32 && this.head * 2 >= this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }
}

/**
 * The default history: a bounded log per target, in this process's memory.
 *
 * Memory is bounded by `size` messages per target; entries older than `ttl`
 * are dropped, and a target whose entries have all expired is released.
 * Whether a read is complete is exact per target while the target is
 * retained; once a target is released, the newest sequence it lost becomes a
 * global watermark, so a cursor older than it is conservatively reported
 * incomplete rather than silently replayed in part.
 * @internal
 */
export class InMemorySseHistory implements SseHistory {
  private readonly targets = new Map<string, TargetLog>();
  private releasedUpTo = 0;
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly size: number,
    private readonly ttl: number,
    private readonly now: () => number = Date.now,
  ) {
    this.sweeper = setInterval(() => this.sweep(), Math.min(ttl, 60_000));
    this.sweeper.unref();
  }

  /** Targets currently retained (for tests and stats). */
  get targetCount(): number {
    return this.targets.size;
  }

  append(targetKey: string, envelope: SseEnvelope): void {
    let ring = this.targets.get(targetKey);
    if (!ring) this.targets.set(targetKey, (ring = new TargetLog(this.size)));
    ring.push(envelope);
  }

  read(
    targetKeys: readonly string[],
    afterSeq: number,
  ): Promise<SseHistoryRead> {
    const cutoff = this.now() - this.ttl;
    let complete = this.releasedUpTo <= afterSeq;
    const slices: SseEnvelope[][] = [];
    for (const key of targetKeys) {
      const ring = this.targets.get(key);
      if (!ring) continue;
      ring.expire(cutoff);
      if (ring.evictedUpTo > afterSeq) complete = false;
      const slice = ring.after(afterSeq);
      if (slice.length > 0) slices.push(slice);
    }
    const envelopes =
      slices.length === 1
        ? slices[0]
        : slices.flat().sort((a, b) => a.seq - b.seq);
    return Promise.resolve({ envelopes, complete });
  }

  /** Drops expired entries everywhere and releases targets left empty. */
  sweep(): void {
    const cutoff = this.now() - this.ttl;
    for (const [key, ring] of this.targets) {
      ring.expire(cutoff);
      if (ring.length === 0) {
        this.releasedUpTo = Math.max(this.releasedUpTo, ring.evictedUpTo);
        this.targets.delete(key);
      }
    }
  }

  close(): void {
    clearInterval(this.sweeper);
    this.targets.clear();
  }
}
