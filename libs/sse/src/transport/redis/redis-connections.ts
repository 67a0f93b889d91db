import { Redis, type RedisOptions } from 'ioredis';
import { SSE_MESSAGES } from '../../errors/sse-error.messages.js';
import type { ResolvedSseRedisTransportOptions } from '../../options/resolved-sse-options.interface.js';
import {
  CANARY_SCRIPT,
  LIVE_COUNT_SCRIPT,
  LIVE_MEMBERS_SCRIPT,
  PUBLISH_SCRIPT,
  RATE_SCRIPT,
  READ_SCRIPT,
  REFRESH_SCRIPT,
  RELEASE_SCRIPT,
  RESERVE_SCRIPT,
  REVOKE_SCRIPT,
} from './redis.scripts.js';

/** The command connection, with the scripts as ioredis custom commands (EVALSHA, falling back to EVAL). @internal */
export interface ScriptedRedis extends Redis {
  /** `[seq, epoch]`, or `[seq, epoch, createdAt]` of the first message of a repeated idempotency key. */
  ssePublish(...args: (string | number)[]): Promise<string[]>;
  sseCanary(...args: (string | number)[]): Promise<string>;
  sseRead(...args: (string | number)[]): Promise<string[]>;
  sseReserve(...args: (string | number)[]): Promise<number>;
  sseRefresh(...args: (string | number)[]): Promise<number>;
  sseRelease(...args: (string | number)[]): Promise<number>;
  sseLiveMembers(key: string): Promise<string[]>;
  sseLiveCount(key: string): Promise<number>;
  /** 0 when the hit was counted, otherwise milliseconds until one would be. */
  sseRate(
    key: string,
    limit: number,
    window: number,
    member: string,
  ): Promise<number>;
  sseRevoke(key: string, notBefore: number, ttl: number): Promise<number>;
}

const MIN_REDIS_MAJOR = 7;

/**
 * The two connections of an instance: commands (with the scripts) and the
 * subscriber. Neither queues commands while disconnected: they fail at once,
 * and a command that hangs fails after `commandTimeout`.
 * @internal
 */
export function createRedisConnections(
  options: ResolvedSseRedisTransportOptions,
): { cmd: ScriptedRedis; sub: Redis } {
  const connection: RedisOptions = {
    ...(options.options as RedisOptions | undefined),
    lazyConnect: true,
    enableOfflineQueue: false,
    autoResubscribe: false,
    maxRetriesPerRequest: 0,
    commandTimeout: options.commandTimeout,
    connectTimeout: Math.max(options.commandTimeout, 1_000),
    retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
  };
  const create = () =>
    options.url ? new Redis(options.url, connection) : new Redis(connection);
  const cmd = create() as ScriptedRedis;
  const scripts = {
    ssePublish: PUBLISH_SCRIPT,
    sseCanary: CANARY_SCRIPT,
    sseRead: READ_SCRIPT,
    sseReserve: RESERVE_SCRIPT,
    sseRefresh: REFRESH_SCRIPT,
    sseRelease: RELEASE_SCRIPT,
  };
  for (const [name, lua] of Object.entries(scripts))
    cmd.defineCommand(name, { lua });
  cmd.defineCommand('sseLiveMembers', {
    lua: LIVE_MEMBERS_SCRIPT,
    numberOfKeys: 1,
  });
  cmd.defineCommand('sseRevoke', { lua: REVOKE_SCRIPT, numberOfKeys: 1 });
  cmd.defineCommand('sseLiveCount', {
    lua: LIVE_COUNT_SCRIPT,
    numberOfKeys: 1,
  });
  cmd.defineCommand('sseRate', { lua: RATE_SCRIPT, numberOfKeys: 1 });
  return { cmd, sub: create() };
}

/** Refuses servers older than Redis 7 (the scripts need stream max-deleted-entry-id). @internal */
export async function checkRedisVersion(cmd: Redis): Promise<void> {
  const info = await cmd.info('server');
  const version = /redis_version:(\d+)/.exec(info)?.[1];
  if (!version || Number(version) < MIN_REDIS_MAJOR)
    throw new Error(SSE_MESSAGES.REDIS_TOO_OLD(version ?? 'unknown'));
}

/** Closes a connection politely when it is up, at once otherwise. @internal */
export async function closeConnection(connection: Redis): Promise<void> {
  if (connection.status === 'ready')
    await connection.quit().catch(() => connection.disconnect());
  else connection.disconnect();
}

/** An error's message (ioredis errors carry no credentials in it). @internal */
export function describeError(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A promise whose rejection is handled wherever it is (or is not) awaited. @internal */
export function quiet(promise: Promise<unknown>): Promise<void> {
  const settled = promise.then(() => undefined);
  settled.catch(() => undefined);
  return settled;
}
