/**
 * Failures per key within a sliding window, to refuse a key that failed too
 * often recently (failed logins per username and per address).
 *
 * Each key keeps the times of its last `limit` failures only (older ones
 * cannot change the answer), so a call costs O(limit) and a key at most
 * `limit` numbers. At most `maxKeys` keys are kept: beyond that the key
 * least recently failed is forgotten, so that a flood of distinct keys (made
 * up usernames, many addresses) costs bounded memory. Forgetting a key can
 * only let it through early, never refuse an innocent one.
 */
export class FailureWindow {
  private readonly failures = new Map<string, number[]>();

  /**
   * @param limit failures within the window after which a key is refused (≥ 1)
   * @param windowMs how long a failure counts, in milliseconds
   * @param maxKeys how many keys are kept at most
   * @param now the clock, in milliseconds
   */
  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly maxKeys = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Milliseconds until `key` may try again; 0 when it may now. */
  blockedFor(key: string): number {
    const times = this.recent(key);
    if (times.length < this.limit) return 0;
    return times[0] + this.windowMs - this.now();
  }

  /** Counts a failure of `key` now. */
  fail(key: string): void {
    const times = this.recent(key);
    times.push(this.now());
    if (times.length > this.limit) times.shift();
    // Re-inserted, so that the Map's order is least recently failed first.
    this.failures.delete(key);
    this.failures.set(key, times);
    if (this.failures.size > this.maxKeys)
      this.failures.delete(this.failures.keys().next().value!);
  }

  /** Takes back the latest failure of `key` (one counted in advance that turned out a success). */
  forgiveLatest(key: string): void {
    this.failures.get(key)?.pop();
  }

  /** Forgets the failures of `key` (after a success). */
  clear(key: string): void {
    this.failures.delete(key);
  }

  /** The key's failure times still within the window, oldest first. */
  private recent(key: string): number[] {
    const times = this.failures.get(key);
    if (!times) return [];
    const since = this.now() - this.windowMs;
    while (times.length > 0 && times[0] <= since) times.shift();
    if (times.length === 0) this.failures.delete(key);
    return times;
  }
}
