import type { Logger } from '@nestjs/common';
import { RateLimitedError } from '../errors/rate-limited.error.js';
import { SseError } from '../errors/sse.error.js';
import { SSE_MESSAGES } from '../errors/sse-error.messages.js';
import type { ResolvedSseRateLimits } from '../options/resolved-sse-options.interface.js';
import type {
  SseRateLimiter,
  SseRateRule,
} from '../transport/sse-rate-limiter.interface.js';

/** One of the registration's rate limits. @internal */
export type SseRateLimitName = keyof ResolvedSseRateLimits;

/** Each limit's short name in the counters' keys, and what its refusal says it counts. */
const LIMITS: Readonly<
  Record<SseRateLimitName, { name: string; what: string }>
> = {
  connectsPerUser: { name: 'u', what: 'stream connections by this user' },
  connectsPerAddress: {
    name: 'a',
    what: 'stream connections from this address',
  },
  adminPublishes: { name: 'p', what: 'publishes by this caller' },
};

/**
 * The registration's rate limits over the transport's counters. A hit over
 * a limit is refused with {@link RateLimitedError} (429, `Retry-After` in
 * whole seconds, rounded up). When the counters cannot be reached (Redis is
 * down), requests are let through and a warning is logged once until they
 * can: the limits protect the instance from a flood, and a request that
 * needs the transport is refused by its own check (`transport_unavailable`)
 * anyway.
 * @internal
 */
export class SseRateLimits {
  private readonly rules: Partial<
    Record<SseRateLimitName, SseRateRule & { what: string }>
  > = {};
  private failing = false;

  constructor(
    limits: ResolvedSseRateLimits,
    private readonly limiter: SseRateLimiter,
    private readonly logger: Logger,
  ) {
    for (const name of Object.keys(LIMITS) as SseRateLimitName[]) {
      const limit = limits[name];
      if (limit) this.rules[name] = { ...LIMITS[name], ...limit };
    }
  }

  /** Whether `name` is on. */
  has(name: SseRateLimitName): boolean {
    return this.rules[name] !== undefined;
  }

  /** The limit `name` as the transport counts it; undefined when it is off. */
  rule(name: SseRateLimitName): SseRateRule | undefined {
    return this.rules[name];
  }

  /** Counts one request of `key` against the limit `name`; rejects with {@link RateLimitedError} over it. */
  async check(name: SseRateLimitName, key: string): Promise<void> {
    const rule = this.rules[name];
    if (!rule) return;
    let wait: number;
    try {
      wait = await this.limiter.hit(rule, key);
    } catch (err) {
      if (!this.failing) {
        this.failing = true;
        this.logger.warn(
          SSE_MESSAGES.RATE_LIMITER_UNAVAILABLE(
            err instanceof SseError
              ? err.detail
              : err instanceof Error
                ? err.message
                : String(err),
          ),
        );
      }
      return;
    }
    this.failing = false;
    if (wait > 0) throw this.refusal(name, wait);
  }

  /** The refusal of a request over the limit `name` (on), `wait` ms before one would be counted. */
  refusal(name: SseRateLimitName, wait: number): RateLimitedError {
    const rule = this.rules[name]!;
    const retryAfter = Math.max(1, Math.ceil(wait / 1_000));
    return new RateLimitedError(
      SSE_MESSAGES.RATE_LIMITED(rule.what, rule.limit, rule.window, retryAfter),
      retryAfter,
    );
  }
}
