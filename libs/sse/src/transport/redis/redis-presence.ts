import type { Logger } from '@nestjs/common';
import { scopedKey } from '../../core/sse-target.js';
import type { SseInstanceStats } from '../../core/sse-stats.interface.js';
import type { SseRateRule } from '../sse-rate-limiter.interface.js';
import type {
  SseClusterPresence,
  SsePresenceEntry,
  SseReservation,
} from '../sse-transport.interface.js';
import type { RedisCommandRunner } from './redis-command-runner.js';
import { describeError, type ScriptedRedis } from './redis-connections.js';
import type { RedisKeys } from './redis-keys.js';
import { RedisMessageCodec } from './redis-message.codec.js';

/** Streams refreshed per script call (three keys and three arguments each). */
const REFRESH_BATCH = 500;

/**
 * Presence and per-user caps shared by every instance, in sorted sets whose
 * scores are expiry times: a user's streams, a tenant's online users, all
 * online users. Each instance refreshes its own entries (and writes its
 * stats) every third of `presenceTtl`, so the entries of an instance that
 * died expire by themselves.
 * @internal
 */
export class RedisPresence implements SseClusterPresence {
  /** This instance's streams, refreshed until released. */
  private readonly local = new Map<string, SsePresenceEntry>();

  constructor(
    private readonly cmd: ScriptedRedis,
    private readonly keys: RedisKeys,
    private readonly instanceId: string,
    private readonly presenceTtl: number,
    private readonly commands: RedisCommandRunner,
    private readonly logger: Logger,
  ) {}

  async reserve(
    entry: SsePresenceEntry,
    max: number,
    rate?: SseRateRule,
  ): Promise<SseReservation> {
    const args = this.args(entry, this.presenceTtl, max);
    if (rate) {
      // The rate log is a fourth key, its limit and window two more ARGV.
      args[0] = 4;
      args.splice(
        4,
        0,
        this.keys.rate(rate.name, scopedKey(entry.tenantId, entry.userId)),
      );
      args.push(rate.limit, rate.window);
    }
    const answer = await this.commands.run(() => this.cmd.sseReserve(...args));
    if (answer === 1) {
      this.local.set(entry.id, entry);
      return { reserved: true };
    }
    return answer < 0
      ? { reserved: false, wait: -answer }
      : { reserved: false };
  }

  release(entry: SsePresenceEntry): void {
    if (!this.local.delete(entry.id)) return;
    this.commands.track(
      this.cmd
        .sseRelease(...this.args(entry, 0, 0))
        .catch((err: unknown) =>
          this.logger.debug(
            `presence of ${entry.id} not released (${describeError(err)}); it expires`,
          ),
        ),
    );
  }

  async isUserOnline(userId: string, tenantId?: string): Promise<boolean> {
    const count = await this.commands.run(() =>
      this.cmd.sseLiveCount(this.keys.userStreams(tenantId, userId)),
    );
    return count > 0;
  }

  onlineUsers(tenantId?: string): Promise<string[]> {
    return this.commands.run(() =>
      this.cmd.sseLiveMembers(this.keys.onlineUsers(tenantId)),
    );
  }

  async instances(
    local: SseInstanceStats,
  ): Promise<{ instances: SseInstanceStats[]; totalUsers: number }> {
    const [all, totalUsers] = await this.commands.run(() =>
      Promise.all([
        this.cmd.hgetall(this.keys.instances),
        this.cmd.sseLiveCount(this.keys.users),
      ]),
    );
    const instances = [local];
    const cutoff = Date.now() - this.presenceTtl;
    for (const [id, json] of Object.entries(all)) {
      if (id === this.instanceId) continue;
      const stats = RedisMessageCodec.decodeStats(json);
      if (stats && stats.updatedAt.getTime() > cutoff) instances.push(stats);
      else this.cmd.hdel(this.keys.instances, id).catch(() => undefined);
    }
    return { instances, totalUsers };
  }

  /**
   * Pushes the expiry of this instance's entries, in scripts of
   * REFRESH_BATCH streams each, one per turn of the event loop, so that
   * tens of thousands of streams neither block the loop nor cost a script
   * call each; then writes its stats.
   */
  refresh(stats: SseInstanceStats): void {
    if (this.cmd.status !== 'ready') return;
    const ttl = this.presenceTtl;
    const entries = [...this.local.values()];
    const pipeline = this.cmd.pipeline();
    pipeline.hset(
      this.keys.instances,
      this.instanceId,
      RedisMessageCodec.encodeStats(stats),
    );
    pipeline.pexpire(this.keys.instances, ttl * 10);
    this.commands.track(
      pipeline
        .exec()
        .then(() => this.refreshEntries(entries, ttl))
        .catch((err: unknown) =>
          this.logger.debug(`presence refresh failed: ${describeError(err)}`),
        ),
    );
  }

  private async refreshEntries(
    entries: SsePresenceEntry[],
    ttl: number,
  ): Promise<void> {
    const sent: Promise<void>[] = [];
    let failure: unknown;
    for (let from = 0; from < entries.length; from += REFRESH_BATCH) {
      if (this.cmd.status !== 'ready') break;
      const keys: string[] = [];
      const args: (string | number)[] = [ttl];
      for (const entry of entries.slice(from, from + REFRESH_BATCH)) {
        // A stream released since the refresh began is not brought back.
        if (!this.local.has(entry.id)) continue;
        const { tenantId, userId } = entry;
        keys.push(
          this.keys.userStreams(tenantId, userId),
          this.keys.onlineUsers(tenantId),
          this.keys.users,
        );
        args.push(entry.id, userId, scopedKey(tenantId, userId));
      }
      if (keys.length > 0)
        sent.push(
          this.cmd.sseRefresh(keys.length, ...keys, ...args).then(
            () => undefined,
            (err: unknown) => void (failure ??= err),
          ),
        );
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    await Promise.all(sent);
    if (failure !== undefined) throw failure;
  }

  /** Removes this instance's stats (it is stopping). */
  async withdraw(): Promise<void> {
    if (this.cmd.status === 'ready')
      await this.cmd
        .hdel(this.keys.instances, this.instanceId)
        .catch(() => undefined);
  }

  /** KEYS and ARGV of the reserve and release scripts. */
  private args(
    entry: SsePresenceEntry,
    ttl: number,
    max: number,
  ): (string | number)[] {
    const { tenantId, userId } = entry;
    return [
      3,
      this.keys.userStreams(tenantId, userId),
      this.keys.onlineUsers(tenantId),
      this.keys.users,
      entry.id,
      ttl,
      max,
      userId,
      scopedKey(tenantId, userId),
    ];
  }
}
