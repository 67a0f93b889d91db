import type { Observable } from 'rxjs';
import type { SseEnvelope } from '../core/sse-envelope.js';
import type { SsePosition, SseReadOutcome } from '../core/sse-position.js';
import type { SseInstanceStats } from '../core/sse-stats.interface.js';
import type { SseTarget } from '../core/sse-target.js';
import type {
  SseRateLimiter,
  SseRateRule,
} from './sse-rate-limiter.interface.js';

/** A message on its way out, serialised once. @internal */
export interface SseOutgoing {
  target: SseTarget;
  /** History key (and channel) of the target; undefined for a single client. */
  key?: string;
  event: string;
  /** The data as the publisher gave it. */
  data: unknown;
  /** The same data as JSON text. */
  json: string;
  createdAt: Date;
  /**
   * With `key`: a publish with the same idempotency key to the same target
   * within `history.ttl` publishes nothing and answers with the first one.
   */
  idempotencyKey?: string;
}

/** What a publish did: the message's position, or that of the message its idempotency key already published. @internal */
export interface SsePublished extends SsePosition {
  /** Set when nothing was published (a repeated idempotency key): when the first message was created, epoch ms. */
  firstCreatedAt?: number;
}

/**
 * Which streams a control command acts on: one stream (`clientId`), or every
 * stream of one user (`userId` without `clientId`). With `clientId`, a
 * `userId` given must be the stream's, and unless `anyTenant` the stream must
 * be in `tenantId` (undefined: no tenant).
 * @internal
 */
export interface SseStreamSelector {
  clientId?: string;
  userId?: string;
  tenantId?: string;
  anyTenant?: boolean;
}

/** What a control command does to the streams it selects. @internal */
export type SseControlAction =
  | {
      type: 'close';
      reason: 'disconnected' | 'revoked';
      /** With `revoked`: the revocation's cut (epoch ms), for streams still being admitted. */
      notBefore?: number;
    }
  /** The credentials' new expiry, epoch ms; undefined: none. */
  | { type: 'expiry'; expiresAt?: number }
  | { type: 'topics'; add: readonly string[]; remove: readonly string[] };

/** An action for the streams of every instance that match `select`. @internal */
export interface SseControlCommand {
  select: SseStreamSelector;
  action: SseControlAction;
}

/** What a command did on one instance, or on all of them once merged. @internal */
export interface SseControlResult {
  /** Streams changed (or closed). */
  count: number;
  /** For a `topics` action on one stream: its topics afterwards. */
  topics?: string[];
  /** For a `topics` action on one stream: the change would exceed `maxTopicsPerConnection`. */
  refused?: 'too_many_topics';
}

/** How a transport hands messages back to the instance that started it. @internal */
export interface SseTransportListener {
  /** A message for this instance's subscribers, in id order. */
  deliver(envelope: SseEnvelope): void;
  /** Runs a control command on this instance's streams. */
  execute(command: SseControlCommand): Promise<SseControlResult>;
  /** The instance may have missed messages: every open stream resumes from its last one. */
  resume(): void;
  /** This instance's figures, for transports that share them with the other instances. */
  stats(): SseInstanceStats;
  /** The Redis subscriber missed its canary (and is being reconnected). */
  canaryMissed?(): void;
}

/** One stream as presence sees it (an `SseConnection`). @internal */
export interface SsePresenceEntry {
  readonly id: string;
  readonly userId: string;
  readonly tenantId?: string;
}

/**
 * What reserving a stream slot answered: reserved; or not, with `wait` (the
 * milliseconds until the user's connect rate lets it in) when that was why,
 * without it when the user is at its cap. @internal
 */
export type SseReservation =
  { reserved: true } | { reserved: false; wait?: number };

/**
 * Presence and limits shared by every instance. Only transports that span
 * instances have it; without it the hub answers from its own streams.
 * @internal
 */
export interface SseClusterPresence {
  /**
   * Reserves a stream slot for the user: refused when it already has `max`
   * (0 = no cap), or, with `rate`, when its connects are over that limit
   * (counted in the same step, so a connect costs one round trip).
   */
  reserve(
    entry: SsePresenceEntry,
    max: number,
    rate?: SseRateRule,
  ): Promise<SseReservation>;
  release(entry: SsePresenceEntry): void;
  isUserOnline(userId: string, tenantId?: string): Promise<boolean>;
  onlineUsers(tenantId?: string): Promise<string[]>;
  /** The latest stats of every live instance, this one (`local`) first, and the distinct online users. */
  instances(
    local: SseInstanceStats,
  ): Promise<{ instances: SseInstanceStats[]; totalUsers: number }>;
}

/**
 * Carries messages between publishers and the instances whose clients need
 * them, assigns their ids and keeps their history.
 * @internal
 */
export interface SseTransport {
  readonly kind: 'memory' | 'redis';
  /** Id of this instance, unique across the cluster. */
  readonly instanceId: string;
  /** Whether publishing and subscribing work right now. */
  readonly ready: boolean;
  readonly readiness$: Observable<boolean>;
  /** Present when presence and limits span instances. */
  readonly cluster?: SseClusterPresence;
  /** Counts hits against the rate limits: per process, or shared by every instance. */
  readonly rateLimiter: SseRateLimiter;
  /** Names where messages go (once, before `start`; the memory transport delivers from then on). */
  listen(listener: SseTransportListener): void;
  /** Connects; rejects when it cannot. */
  start(): Promise<void>;
  /**
   * Assigns the id, stores the message in its target's history and fans it
   * out; with a repeated idempotency key, only answers with the first one.
   */
  publish(message: SseOutgoing): Promise<SsePublished>;
  /** Reference-counted interest in a target key's messages. */
  watch(key: string): void;
  unwatch(key: string): void;
  /**
   * Resolves once `keys` are subscribed, with the head at that moment: every
   * later message for them is delivered to the listener.
   */
  settle(keys: readonly string[]): Promise<SsePosition>;
  /**
   * The retained messages of `keys` after `cursor` (all of them without
   * one), merged in order, or why not.
   */
  read(keys: readonly string[], cursor?: string): Promise<SseReadOutcome>;
  /** A new stream id; a transport spanning instances makes it name this instance. */
  newClientId(): string;
  /**
   * Runs `command` on every live instance (only on the one holding the
   * stream when it names a `clientId`) and merges their results. An
   * instance that does not answer within the transport's bound counts as
   * having changed nothing: its streams ended with it.
   */
  control(command: SseControlCommand): Promise<SseControlResult>;
  /**
   * Refuses the credentials of `userKey` (a tenant-scoped user key) issued
   * before `notBefore` (epoch ms) for `ttl` ms, on every instance; the entry
   * expires by itself. A later revocation replaces an earlier one.
   */
  revoke(userKey: string, notBefore: number, ttl: number): Promise<void>;
  /**
   * The `notBefore` of the user's revocation in force, if any; at once
   * when the transport keeps them in this process.
   */
  revokedBefore(
    userKey: string,
  ): number | undefined | Promise<number | undefined>;
  /** Stops timers and closes connections. */
  close(): Promise<void>;
}

/** Injection token of the registration's {@link SseTransport}. @internal */
export const SSE_TRANSPORT = Symbol('SSE:TRANSPORT');
