import type { SseEnvelope } from '../../core/sse-envelope.js';
import type { SseHistory, SseHistoryRead } from './sse-history.interface.js';

/** What a retained message costs beyond its frame and data: the envelope, its message, target and Date, the slot. */
const ENTRY_OVERHEAD = 600;
/** What a retained target costs beyond its key: its log, the map entry. */
const TARGET_OVERHEAD = 400;

/**
 * The bytes one retained message counts for: its frame, and its data again
 * (the value as published is kept beside the frame for `getHistory`), read
 * from string lengths, so counting never copies or scans a payload.
 */
function entryBytes(envelope: SseEnvelope): number {
  return envelope.frame.length + envelope.data.length + ENTRY_OVERHEAD;
}

/**
 * One target's retained messages, oldest first: at most `size` of them.
 * Entries before `head` are evicted; the array is compacted once they make
 * up half of it, so memory follows what is retained (amortised O(1) append).
 * Logs are also links of the history's recency list.
 */
class TargetLog {
  private entries: SseEnvelope[] = [];
  private head = 0;
  /** What this log counts for, itself included. */
  bytes: number;
  /** Neighbours in the history's list, least recently appended first. */
  older?: TargetLog;
  newer?: TargetLog;

  constructor(
    readonly key: string,
    private readonly size: number,
    /**
     * Highest sequence number this target lost to size, age or room (0:
     * nothing lost). A log starts from the history's watermark: the target
     * may have been released before.
     */
    public evictedUpTo: number,
  ) {
    this.bytes = TARGET_OVERHEAD + key.length;
  }

  get length(): number {
    return this.entries.length - this.head;
  }

  get newestSeq(): number {
    return this.length > 0 ? this.entries[this.entries.length - 1].seq : 0;
  }

  push(envelope: SseEnvelope): void {
    this.entries.push(envelope);
    this.bytes += entryBytes(envelope);
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

  evictOldest(): void {
    const oldest = this.entries[this.head];
    this.evictedUpTo = oldest.seq;
    this.bytes -= entryBytes(oldest);
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
 * Each target keeps at most `size` messages, none older than `ttl`, and all
 * targets together count at most `maxBytes` (see {@link entryBytes}): beyond
 * it, the targets least recently appended to are released whole (a
 * recency list threaded through the logs: O(1) per append, no allocation).
 * A target whose entries have all expired is released too.
 *
 * Gaps are never missed. A retained target knows the newest sequence it lost;
 * a released one leaves that sequence in a watermark, so a read of a target
 * that is not retained is incomplete for a cursor older than the watermark,
 * and a target retained again starts from it. Reads of targets retained all
 * along are exact.
 * @internal
 */
export class InMemorySseHistory implements SseHistory {
  private readonly targets = new Map<string, TargetLog>();
  private readonly size: number;
  private readonly ttl: number;
  private readonly maxBytes: number;
  private bytes = 0;
  private oldest?: TargetLog;
  private newest?: TargetLog;
  /** Newest sequence any released target lost. */
  private releasedUpTo = 0;
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    options: { size: number; ttl: number; maxBytes: number },
    private readonly now: () => number = Date.now,
  ) {
    ({ size: this.size, ttl: this.ttl, maxBytes: this.maxBytes } = options);
    this.sweeper = setInterval(() => this.sweep(), Math.min(this.ttl, 60_000));
    this.sweeper.unref();
  }

  /** Targets currently retained (for tests and stats). */
  get targetCount(): number {
    return this.targets.size;
  }

  /** What the retained messages and targets count for, in bytes (at most `maxBytes`). */
  get retainedBytes(): number {
    return this.bytes;
  }

  append(targetKey: string, envelope: SseEnvelope): void {
    let log = this.targets.get(targetKey);
    if (!log) {
      log = new TargetLog(targetKey, this.size, this.releasedUpTo);
      this.targets.set(targetKey, log);
      this.bytes += log.bytes;
      this.link(log);
    } else if (log !== this.newest) {
      this.unlink(log);
      this.link(log);
    }
    const before = log.bytes;
    log.push(envelope);
    this.bytes += log.bytes - before;
    while (this.bytes > this.maxBytes) {
      const victim = this.oldest!;
      if (victim !== log) {
        this.release(victim);
      } else {
        // The only target left outgrows the bound by itself.
        const was = log.bytes;
        log.evictOldest();
        this.bytes += log.bytes - was;
        if (log.length === 0) this.release(log);
      }
    }
  }

  read(
    targetKeys: readonly string[],
    afterSeq: number,
  ): Promise<SseHistoryRead> {
    const cutoff = this.now() - this.ttl;
    let complete = true;
    const slices: SseEnvelope[][] = [];
    for (const key of targetKeys) {
      const log = this.targets.get(key);
      if (!log) {
        if (this.releasedUpTo > afterSeq) complete = false;
        continue;
      }
      this.expire(log, cutoff);
      if (log.evictedUpTo > afterSeq) complete = false;
      const slice = log.after(afterSeq);
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
    for (const log of this.targets.values()) {
      this.expire(log, cutoff);
      if (log.length === 0) this.release(log);
    }
  }

  close(): void {
    clearInterval(this.sweeper);
    this.targets.clear();
    this.oldest = this.newest = undefined;
    this.bytes = 0;
  }

  private expire(log: TargetLog, cutoff: number): void {
    const before = log.bytes;
    log.expire(cutoff);
    this.bytes += log.bytes - before;
  }

  /** Forgets a target; what it lost, up to its newest message, moves to the watermark. */
  private release(log: TargetLog): void {
    this.releasedUpTo = Math.max(
      this.releasedUpTo,
      log.evictedUpTo,
      log.newestSeq,
    );
    this.targets.delete(log.key);
    this.unlink(log);
    this.bytes -= log.bytes;
  }

  private link(log: TargetLog): void {
    log.older = this.newest;
    log.newer = undefined;
    if (this.newest) this.newest.newer = log;
    else this.oldest = log;
    this.newest = log;
  }

  private unlink(log: TargetLog): void {
    if (log.older) log.older.newer = log.newer;
    else this.oldest = log.newer;
    if (log.newer) log.newer.older = log.older;
    else this.newest = log.older;
    log.older = log.newer = undefined;
  }
}
