/**
 * One rate limit as a transport counts it: at most `limit` hits per `window`
 * milliseconds for each key, over a sliding window.
 * @internal
 */
export interface SseRateRule {
  /** Short name of the limit, part of the counters' keys (`u`, `a`, `p`). */
  readonly name: string;
  readonly limit: number;
  readonly window: number;
}

/**
 * Counts hits against rate limits: in this process for the memory
 * transport, in Redis (shared by every instance) for the Redis transport.
 * A refused hit is not counted.
 * @internal
 */
export interface SseRateLimiter {
  /**
   * Counts one hit of `key` against `rule`. Resolves with 0 when it was
   * within the limit, otherwise with the milliseconds until a hit would be
   * (when the oldest counted hit leaves the window). Rejects when the
   * counters cannot be reached.
   */
  hit(rule: SseRateRule, key: string): Promise<number>;
}
