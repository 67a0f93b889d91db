import { Observable, Subject } from 'rxjs';

/**
 * RxJS Subjects by key, created on first subscription and released when their
 * last subscriber leaves, so that nothing grows with users or topics that are
 * gone. Publishing to a key costs time proportional to its own subscribers.
 * @internal
 */
export class SubjectRegistry<T> {
  private readonly subjects = new Map<string, Subject<T>>();

  constructor(
    /** Told when a key gets its first subscriber and when it loses its last. */
    private readonly hooks?: {
      opened(key: string): void;
      released(key: string): void;
    },
  ) {}

  /** Keys with at least one subscriber. */
  get size(): number {
    return this.subjects.size;
  }

  /** Keys with at least one subscriber that start with `prefix`. */
  countKeys(prefix: string): number {
    let count = 0;
    for (const key of this.subjects.keys()) if (key.startsWith(prefix)) count++;
    return count;
  }

  /** Emits to the subscribers of `key`; false when there are none. */
  next(key: string, value: T): boolean {
    const subject = this.subjects.get(key);
    if (!subject) return false;
    subject.next(value);
    return true;
  }

  /** A hot Observable of the values published to `key` while subscribed. */
  observe(key: string): Observable<T> {
    return new Observable<T>((subscriber) => {
      let subject = this.subjects.get(key);
      if (!subject) {
        subject = new Subject<T>();
        this.subjects.set(key, subject);
        this.hooks?.opened(key);
      }
      const subscription = subject.subscribe(subscriber);
      const owned = subject;
      return () => {
        subscription.unsubscribe();
        if (!owned.observed && this.subjects.get(key) === owned) {
          this.subjects.delete(key);
          this.hooks?.released(key);
        }
      };
    });
  }

  /** Completes every Subject (their subscribers complete) and forgets them. */
  completeAll(): void {
    const keys = [...this.subjects.keys()];
    const subjects = [...this.subjects.values()];
    this.subjects.clear();
    keys.forEach((key) => this.hooks?.released(key));
    subjects.forEach((subject) => subject.complete());
  }
}
