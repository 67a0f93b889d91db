import { Observable, Subject } from 'rxjs';

/** What one key holds while anything listens to it. */
interface Entry<T> {
  /** In-process observers (`userStream()`, `topicStream()`, ...). */
  readonly subject: Subject<T>;
  /** Open streams: plain functions, so that a stream costs no Subscriber per key. */
  readonly receivers: Set<(value: T) => void>;
}

/**
 * An RxJS Subject per key, plus the streams listening to that key, created on
 * first use and released when the last listener leaves, so that nothing
 * grows with users or topics that are gone. Publishing to a key costs time
 * proportional to its own listeners.
 * @internal
 */
export class SubjectRegistry<T> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(
    /** Told when a key gets its first listener and when it loses its last. */
    private readonly hooks?: {
      opened(key: string): void;
      released(key: string): void;
      /** A stream's receiver threw; the others still got the value. */
      failed?(key: string, err: unknown): void;
    },
  ) {}

  /** Keys with at least one listener. */
  get size(): number {
    return this.entries.size;
  }

  /** Keys with at least one listener that start with `prefix`. */
  countKeys(prefix: string): number {
    let count = 0;
    for (const key of this.entries.keys()) if (key.startsWith(prefix)) count++;
    return count;
  }

  /** Hands `value` to the listeners of `key`; false when there are none. */
  next(key: string, value: T): boolean {
    const entry = this.entries.get(key);
    if (!entry) return false;
    for (const receive of entry.receivers) {
      // One failing stream must not keep the message from the others.
      try {
        receive(value);
      } catch (err) {
        this.hooks?.failed?.(key, err);
      }
    }
    if (entry.subject.observed) entry.subject.next(value);
    return true;
  }

  /** Adds a stream's receiver to `key`; {@link remove} takes it out. */
  add(key: string, receive: (value: T) => void): void {
    this.entry(key).receivers.add(receive);
  }

  /** Removes a receiver added with {@link add}; the key is released with its last listener. */
  remove(key: string, receive: (value: T) => void): void {
    const entry = this.entries.get(key);
    if (entry?.receivers.delete(receive)) this.releaseIfIdle(key, entry);
  }

  /** A hot Observable of the values published to `key` while subscribed. */
  observe(key: string): Observable<T> {
    return new Observable<T>((subscriber) => {
      const entry = this.entry(key);
      const subscription = entry.subject.subscribe(subscriber);
      return () => {
        subscription.unsubscribe();
        this.releaseIfIdle(key, entry);
      };
    });
  }

  /** Completes every Subject (their subscribers complete) and forgets every key. */
  completeAll(): void {
    const entries = [...this.entries];
    this.entries.clear();
    entries.forEach(([key]) => this.hooks?.released(key));
    entries.forEach(([, entry]) => entry.subject.complete());
  }

  private entry(key: string): Entry<T> {
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { subject: new Subject<T>(), receivers: new Set() };
      this.entries.set(key, entry);
      this.hooks?.opened(key);
    }
    return entry;
  }

  private releaseIfIdle(key: string, entry: Entry<T>): void {
    if (
      entry.receivers.size === 0 &&
      !entry.subject.observed &&
      this.entries.get(key) === entry
    ) {
      this.entries.delete(key);
      this.hooks?.released(key);
    }
  }
}
