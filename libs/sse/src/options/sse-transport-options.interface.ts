/** Retention for Last-Event-ID replay. @publicApi */
export interface SseHistoryOptions {
  /** Messages kept per target; 0 turns replay off. 0 to 100 000. @default 1_000 */
  size?: number;
  /** Milliseconds a message is kept; at least 1 000. @default 86_400_000 (24 h) */
  ttl?: number;
  /**
   * Bytes the in-memory history (memory transport) may hold over all
   * targets together. Each message counts twice its frame's size (the frame,
   * and the data as published, kept for `getHistory`) plus 600 bytes, and
   * each target 400 bytes plus its key. Beyond it, the targets least recently
   * published to are dropped whole; a client that reconnects to one gets
   * `reset` (`history_gap`). At least 1 MiB. The Redis transport's history
   * lives in Redis and is bounded by `size` and `ttl` only.
   * @default 67_108_864 (64 MiB)
   */
  maxBytes?: number;
}

/** The default: one process, nothing shared. @publicApi */
export interface SseMemoryTransportOptions {
  type: 'memory';
}

/**
 * Many instances sharing one Redis (7 or newer; a single primary, with or
 * without Sentinel, not Redis Cluster): every published message gets one
 * cluster-wide id, is stored in the target's history stream and fanned out
 * to the instances whose clients need it. See docs/SCALING.md.
 * @publicApi
 */
export interface SseRedisTransportOptions {
  type: 'redis';
  /** `redis://[:password@]host:port[/db]` or `rediss://…`. One of `url` and `options` is required. */
  url?: string;
  /**
   * ioredis `RedisOptions` (host, port, password, tls, sentinels…); used with
   * `url` as overrides. Typed as `object` so that applications without the
   * optional `ioredis` peer still compile the declarations.
   */
  options?: object;
  /**
   * Prefix of every key and channel, so that several deployments can share
   * one Redis. 1-64 characters of letters, digits and `_ . : - { }`.
   * @default 'sse:'
   */
  keyPrefix?: string;
  /**
   * Milliseconds a command (a publish, a history read, a presence update)
   * may take before it fails with `transport_unavailable`. 50 to 60 000.
   * @default 2_000
   */
  commandTimeout?: number;
  /**
   * Longest time, in milliseconds, that a subscriber connection which stopped
   * delivering goes unnoticed: the instance publishes a canary to itself
   * every half of it, and one not back by the next turns readiness false
   * and reconnects the subscriber. 100 to 600 000.
   * @default 5_000
   */
  canaryInterval?: number;
  /**
   * Milliseconds after which presence entries (connections, online users,
   * instance stats) of an instance that stopped refreshing them expire.
   * They are refreshed every third of it. 1 000 to 3 600 000.
   * @default 30_000
   */
  presenceTtl?: number;
}

/** Where messages, history and presence live. @publicApi */
export type SseTransportOptions =
  SseMemoryTransportOptions | SseRedisTransportOptions;
