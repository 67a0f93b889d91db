/** Something that sends its own heartbeat when told to. @internal */
export interface SseHeartbeatTarget {
  heartbeat(): void;
}

/** Buckets per interval: a stream's first heartbeat comes up to interval/SLOTS early. */
const SLOTS = 16;

/**
 * Calls `heartbeat()` on every registered stream once per `interval`, from a
 * single timer instead of one per stream. Streams are spread over
 * {@link SLOTS} buckets by the time they joined and one bucket is visited
 * every `interval / SLOTS`, so beats stay spread out rather than all firing
 * at once, and each stream's beats are exactly `interval` apart (the first
 * one comes at most `interval` after it joined). The timer runs only while
 * there are streams, and never keeps the process alive.
 * @internal
 */
export class SseHeartbeatScheduler {
  private readonly slots: Set<SseHeartbeatTarget>[] = Array.from(
    { length: SLOTS },
    () => new Set(),
  );
  private readonly tick: number;
  private size = 0;
  /** Ticks visited since `origin`; the next one is `visited + 1`. */
  private visited = 0;
  private origin = 0;
  private timer?: NodeJS.Timeout;

  constructor(interval: number) {
    this.tick = interval / SLOTS;
  }

  add(target: SseHeartbeatTarget): void {
    if (this.size === 0) {
      this.origin = Date.now();
      this.visited = 0;
      this.arm();
    }
    // The bucket of the tick just visited comes round again a whole interval later.
    this.slots[this.visited % SLOTS].add(target);
    this.size++;
  }

  remove(target: SseHeartbeatTarget): void {
    if (!this.slots.some((slot) => slot.delete(target))) return;
    if (--this.size === 0) this.stop();
  }

  /** Forgets every stream and stops the timer. */
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.slots.forEach((slot) => slot.clear());
    this.size = 0;
  }

  /** Visits every tick that is due (a late timer catches up), then re-arms. */
  private run(): void {
    const now = Date.now();
    while (
      this.size > 0 &&
      this.origin + (this.visited + 1) * this.tick <= now
    ) {
      this.visited++;
      // A heartbeat may close its stream, which deletes it from the bucket
      // being iterated: a Set allows that.
      for (const target of this.slots[this.visited % SLOTS]) target.heartbeat();
    }
    if (this.size > 0) this.arm();
  }

  private arm(): void {
    const due = this.origin + (this.visited + 1) * this.tick;
    this.timer = setTimeout(
      () => this.run(),
      Math.max(1, Math.ceil(due - Date.now())),
    );
    this.timer.unref();
  }
}
