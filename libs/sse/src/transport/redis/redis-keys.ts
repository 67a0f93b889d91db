import { scopedKey } from '../../core/sse-target.js';

/**
 * Names of every key and channel the Redis transport uses, under the
 * deployment's `keyPrefix`.
 * @internal
 */
export class RedisKeys {
  constructor(private readonly prefix: string) {}

  /** The current epoch of the message ids. */
  get epoch(): string {
    return this.key('epoch');
  }

  /** The last sequence number issued. */
  get seq(): string {
    return this.key('seq');
  }

  /** Every online user (sorted set by expiry). */
  get users(): string {
    return this.key('users');
  }

  /** Each live instance's latest stats (hash). */
  get instances(): string {
    return this.key('instances');
  }

  /** A target's history stream. */
  history(targetKey: string): string {
    return this.key(`h:${targetKey}`);
  }

  /**
   * What an idempotency key published to a target (a string that expires
   * with the history). The target key names the tenant; an idempotency key
   * never holds \0.
   */
  idempotency(targetKey: string, idempotencyKey: string): string {
    return this.key(`k:${targetKey}\u0000${idempotencyKey}`);
  }

  /** A target's fan-out channel. */
  channel(targetKey: string): string {
    return this.key(`m:${targetKey}`);
  }

  /** One instance's own channel: single-client messages and its canary. */
  instanceChannel(instanceId: string): string {
    return this.key(`i:${instanceId}`);
  }

  /** The channel of control commands for every instance. */
  get control(): string {
    return this.key('control');
  }

  /** A user's revocation: the notBefore (epoch ms) of its credentials, expiring by itself. */
  revocation(tenantScopedUserKey: string): string {
    return this.key(`v:${tenantScopedUserKey}`);
  }

  /** A user's open streams (sorted set by expiry). */
  userStreams(tenantId: string | undefined, userId: string): string {
    return this.key(`p:${scopedKey(tenantId, userId)}`);
  }

  /** A tenant's online users (sorted set by expiry). */
  onlineUsers(tenantId: string | undefined): string {
    return this.key(`o:${tenantId ?? ''}`);
  }

  /** One rate limit's counted hits for one caller (sorted set by time, expiring with the window). */
  rate(rule: string, key: string): string {
    return this.key(`r:${rule}:${key}`);
  }

  private key(name: string): string {
    return `${this.prefix}${name}`;
  }
}
