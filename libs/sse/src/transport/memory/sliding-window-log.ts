/** Milliseconds from a monotonic clock. */
export type SseClock = () => number;

const monotonic: SseClock = () => performance.now();

/**
 * An exact sliding-window rate limit for many keys: each key keeps the times
 * of its counted hits within the window (at most `limit` of them), oldest
 * first, so a hit is allowed while fewer than `limit` are younger than
 * `window`, and a refused one learns when the oldest leaves.
 *
 * Keys are kept in the order of their latest counted hit, so those with
 * nothing left in the window are at the front and are dropped as later hits
 * come: no timer, and memory follows the keys active within one window
 * (at most `limit` numbers each). A hit costs O(1) amortised.
 * @internal
 */
export class SlidingWindowLog {
  private readonly keys = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly window: number,
    private readonly now: SseClock = monotonic,
  ) {}

  /** Counts a hit of `key`: 0 when allowed, otherwise the milliseconds until one would be (> 0). */
  hit(key: string): number {
    const now = this.now();
    const since = now - this.window;
    this.forgetIdle(since);
    const hits = this.keys.get(key);
    if (!hits) {
      this.keys.set(key, [now]);
      return 0;
    }
    let expired = 0;
    while (expired < hits.length && hits[expired] <= since) expired++;
    if (expired > 0) hits.splice(0, expired);
    if (hits.length >= this.limit) return hits[0] - since;
    hits.push(now);
    // Re-inserted, so the map stays ordered by each key's latest hit.
    this.keys.delete(key);
    this.keys.set(key, hits);
    return 0;
  }

  /** Keys with a hit in the window. */
  get size(): number {
    return this.keys.size;
  }

  private forgetIdle(since: number): void {
    for (const [key, hits] of this.keys) {
      if (hits[hits.length - 1] > since) return;
      this.keys.delete(key);
    }
  }
}
