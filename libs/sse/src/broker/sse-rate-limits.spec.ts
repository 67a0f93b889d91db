import type { Logger } from '@nestjs/common';
import { RateLimitedError } from '../errors/rate-limited.error.js';
import { TransportUnavailableError } from '../errors/transport-unavailable.error.js';
import { InMemoryRateLimiter } from '../transport/memory/in-memory.rate-limiter.js';
import type { SseRateLimiter } from '../transport/sse-rate-limiter.interface.js';
import { SseRateLimits } from './sse-rate-limits.js';

const limits = {
  connectsPerUser: { limit: 1, window: 60_000 },
  connectsPerAddress: false,
  adminPublishes: { limit: 2, window: 2_000 },
} as const;

/** A logger that keeps its warnings. */
function logger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return {
    warnings,
    warn: (message: string) => warnings.push(message),
  } as unknown as Logger & { warnings: string[] };
}

describe('SseRateLimits', () => {
  let now: number;
  beforeEach(() => (now = 0));

  it('refuses over a limit with rate_limited and the wait in whole seconds, rounded up', async () => {
    const rates = new SseRateLimits(
      limits,
      new InMemoryRateLimiter(() => now),
      logger(),
    );
    await rates.check('adminPublishes', 'root');
    now = 1;
    await rates.check('adminPublishes', 'root');
    now = 1_001;
    // The first publish leaves the window at 2 000: 999 ms, said as 1 s.
    const error = await rates
      .check('adminPublishes', 'root')
      .catch((err: unknown) => err);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error).toMatchObject({ code: 'rate_limited', retryAfter: 1 });
    expect((error as RateLimitedError).detail).toBe(
      'Too many publishes by this caller (at most 2 per 2 s); retry in 1 s.',
    );
    now = 2_000;
    await expect(
      rates.check('adminPublishes', 'root'),
    ).resolves.toBeUndefined();
  });

  it('says 60 s for a wait of 59.001 s', async () => {
    const rates = new SseRateLimits(
      limits,
      new InMemoryRateLimiter(() => now),
      logger(),
    );
    await rates.check('connectsPerUser', 'u');
    now = 999;
    await expect(rates.check('connectsPerUser', 'u')).rejects.toMatchObject({
      retryAfter: 60,
    });
  });

  it('never counts a limit that is off', async () => {
    let hits = 0;
    const limiter: SseRateLimiter = { hit: () => Promise.resolve(hits++) };
    const rates = new SseRateLimits(limits, limiter, logger());
    expect(rates.has('connectsPerAddress')).toBe(false);
    await rates.check('connectsPerAddress', '127.0.0.1');
    expect(hits).toBe(0);
  });

  it('lets requests through while the counters are unreachable, warning once per outage', async () => {
    const log = logger();
    let up = false;
    const limiter: SseRateLimiter = {
      hit: () =>
        up
          ? Promise.resolve(0)
          : Promise.reject(
              new TransportUnavailableError(
                'the Redis transport is unavailable (Connection is closed.); retry later.',
              ),
            ),
    };
    const rates = new SseRateLimits(limits, limiter, log);
    await rates.check('connectsPerUser', 'u');
    await rates.check('connectsPerUser', 'u');
    expect(log.warnings).toEqual([
      expect.stringMatching(
        /^rate limits are not enforced .*\(the Redis transport is unavailable \(Connection is closed\.\); retry later\.\)/,
      ),
    ]);
    up = true;
    await rates.check('connectsPerUser', 'u');
    up = false;
    await rates.check('connectsPerUser', 'u');
    expect(log.warnings).toHaveLength(2);
  });
});
