import type {
  SseRateLimiter,
  SseRateRule,
} from '../sse-rate-limiter.interface.js';
import { type SseClock, SlidingWindowLog } from './sliding-window-log.js';

/**
 * The memory transport's rate limiter: one {@link SlidingWindowLog} per
 * rule, in this process.
 * @internal
 */
export class InMemoryRateLimiter implements SseRateLimiter {
  private readonly logs = new Map<string, SlidingWindowLog>();

  constructor(private readonly clock?: SseClock) {}

  hit(rule: SseRateRule, key: string): Promise<number> {
    let log = this.logs.get(rule.name);
    if (!log)
      this.logs.set(
        rule.name,
        (log = new SlidingWindowLog(rule.limit, rule.window, this.clock)),
      );
    return Promise.resolve(log.hit(key));
  }
}
