import type {
  SseRateLimiter,
  SseRateRule,
} from '../sse-rate-limiter.interface.js';
import type { RedisCommandRunner } from './redis-command-runner.js';
import type { ScriptedRedis } from './redis-connections.js';
import type { RedisKeys } from './redis-keys.js';

/**
 * Rate limits shared by every instance: one sorted set per limit and
 * caller, updated by one atomic script per hit (a sliding-window log, timed
 * by Redis's clock), expiring with its window.
 * @internal
 */
export class RedisRateLimiter implements SseRateLimiter {
  private hits = 0;

  constructor(
    private readonly cmd: ScriptedRedis,
    private readonly keys: RedisKeys,
    private readonly instanceId: string,
    private readonly commands: RedisCommandRunner,
  ) {}

  hit(rule: SseRateRule, key: string): Promise<number> {
    // Unique across the cluster, so that hits in the same millisecond all count.
    const member = `${this.instanceId}:${(this.hits++).toString(36)}`;
    return this.commands.run(() =>
      this.cmd.sseRate(
        this.keys.rate(rule.name, key),
        rule.limit,
        rule.window,
        member,
      ),
    );
  }
}
