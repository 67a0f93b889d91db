import type { SseHealth } from '../core/sse-health.interface.js';
import { Inject, Injectable } from '@nestjs/common';
import { map, type Observable } from 'rxjs';
import type {
  SseClientInfo,
  SseConnectionEvent,
} from '../core/sse-client-info.interface.js';
import type {
  SseAnyEvents,
  SseEventMap,
  SseEventMessage,
  SseEventName,
  SsePublishData,
  SsePublishedMessage,
} from '../core/sse-event-map.js';
import type {
  SseHistoryPage,
  SseMessage,
  SsePublishOptions,
  SseRevokeOptions,
} from '../core/sse-message.interface.js';
import type {
  SseInstanceStats,
  SseStats,
} from '../core/sse-stats.interface.js';
import {
  type SseHistoryTarget,
  type SseTarget,
  targetKey,
} from '../core/sse-target.js';
import {
  assertEventName,
  assertIdempotencyKey,
  assertTenantId,
  assertTopic,
  assertUserId,
  serializeData,
} from '../core/sse-validation.js';
import { InvalidRevocationTtlError } from '../errors/invalid-revocation-ttl.error.js';
import { SSE_MESSAGES } from '../errors/sse-error.messages.js';
import { TopicsDisabledError } from '../errors/topics-disabled.error.js';
import {
  type ResolvedSseOptions,
  SSE_RESOLVED_OPTIONS,
} from '../options/resolved-sse-options.interface.js';
import { DEFAULT_SSE_REVOKE_OPTIONS } from '../options/sse-options.defaults.js';
import {
  SSE_TRANSPORT,
  type SseTransport,
} from '../transport/sse-transport.interface.js';
import { SseConnectionHub } from './sse-connection-hub.js';
import { SseRevocations } from './sse-revocations.js';

/** A year: the longest a revocation may be kept. */
const MAX_REVOCATION_TTL = 31_536_000_000;

/**
 * The broker: publish to users, topics, a tenant's broadcast or one client,
 * from anywhere in the application, and observe who is connected.
 *
 * It keeps an RxJS Subject per user and per topic (per tenant), created on
 * first use and released when its last subscriber leaves. Publishing to a
 * user costs time proportional to that user's connections. With the Redis
 * transport, messages, ids, history, presence and limits are shared by every
 * instance; the API is the same.
 *
 * `Events` is the application's event contract ({@link SseEventMap}): with
 * it, the publish methods accept only its event names, each with its data
 * type, and the in-process streams emit its messages. Without it, any valid
 * name and any JSON-serialisable data. It is the same injectable either way:
 * the type argument only changes what the compiler allows.
 *
 * @example
 * ```ts
 * export interface AppEvents {
 *   notification: Notification;
 * }
 *
 * @Injectable()
 * export class NotificationsService {
 *   constructor(private readonly sse: SseBroker<AppEvents>) {}
 *   async notify(userId: string, note: Notification) {
 *     await this.sse.sendToUser(userId, 'notification', note, { tenantId: note.tenantId });
 *   }
 * }
 * ```
 * @publicApi
 */
@Injectable()
export class SseBroker<Events extends SseEventMap = SseAnyEvents> {
  /** Presence: a `connect` event when a stream opens, `disconnect` (with the reason) when it ends. */
  readonly connections$: Observable<SseConnectionEvent>;

  /** Emits the readiness each time it changes (starting with the current value). */
  readonly readiness$: Observable<boolean>;

  constructor(
    @Inject(SSE_RESOLVED_OPTIONS) private readonly options: ResolvedSseOptions,
    @Inject(SSE_TRANSPORT) private readonly transport: SseTransport,
    private readonly hub: SseConnectionHub,
    private readonly revocations: SseRevocations,
  ) {
    this.connections$ = hub.connections$;
    this.readiness$ = transport.readiness$;
  }

  /** `'memory'` or `'redis'`, as configured by the `transport` option. */
  get transportType(): 'memory' | 'redis' {
    return this.transport.kind;
  }

  /** This instance's id (unique per process start; `getStats().instances` lists every live one). */
  get instanceId(): string {
    return this.transport.instanceId;
  }

  /**
   * Whether this instance can publish and receive right now. Always true with
   * the memory transport until shutdown; with Redis, false while Redis is
   * unreachable or the subscriber connection is being re-established. Wire
   * it to your readiness probe.
   */
  isReady(): boolean {
    return this.transport.ready && this.hub.isRunning;
  }

  /**
   * This instance's health, synchronously: the transport's readiness,
   * whether new streams are accepted, and how many are open. `isReady()`
   * is `transportReady && accepting`. The terminus indicator
   * (`nestjs-sse-broker/terminus`) reports it.
   */
  health(): SseHealth {
    return {
      transport: this.transport.kind,
      transportReady: this.transport.ready,
      accepting: this.hub.isRunning,
      openStreams: this.hub.streamCount,
    };
  }

  /** Sends an event to every stream of one user (in `opts.tenantId`). */
  sendToUser<T, K extends SseEventName<Events> = SseEventName<Events>>(
    userId: string,
    event: K,
    data: SsePublishData<Events, K, T>,
    opts?: SsePublishOptions,
  ): Promise<SsePublishedMessage<Events, K, T>>;
  async sendToUser(
    userId: string,
    event: string,
    data: unknown,
    opts: SsePublishOptions = {},
  ): Promise<SseMessage> {
    assertUserId(userId);
    assertTenantId(opts.tenantId);
    assertIdempotencyKey(opts.idempotencyKey);
    return this.publish(
      { type: 'user', userId, tenantId: opts.tenantId },
      event,
      data,
      opts.idempotencyKey,
    );
  }

  /** Sends an event to every stream subscribed to a topic (in `opts.tenantId`). */
  sendToTopic<T, K extends SseEventName<Events> = SseEventName<Events>>(
    topic: string,
    event: K,
    data: SsePublishData<Events, K, T>,
    opts?: SsePublishOptions,
  ): Promise<SsePublishedMessage<Events, K, T>>;
  async sendToTopic(
    topic: string,
    event: string,
    data: unknown,
    opts: SsePublishOptions = {},
  ): Promise<SseMessage> {
    this.assertTopicsEnabled();
    assertTopic(topic);
    assertTenantId(opts.tenantId);
    assertIdempotencyKey(opts.idempotencyKey);
    return this.publish(
      { type: 'topic', topic, tenantId: opts.tenantId },
      event,
      data,
      opts.idempotencyKey,
    );
  }

  /** Sends an event to every stream of one tenant (`opts.tenantId`; undefined: the streams without a tenant). */
  broadcast<T, K extends SseEventName<Events> = SseEventName<Events>>(
    event: K,
    data: SsePublishData<Events, K, T>,
    opts?: SsePublishOptions,
  ): Promise<SsePublishedMessage<Events, K, T>>;
  async broadcast(
    event: string,
    data: unknown,
    opts: SsePublishOptions = {},
  ): Promise<SseMessage> {
    assertTenantId(opts.tenantId);
    assertIdempotencyKey(opts.idempotencyKey);
    return this.publish(
      { type: 'broadcast', tenantId: opts.tenantId },
      event,
      data,
      opts.idempotencyKey,
    );
  }

  /**
   * Sends an event to one stream, on whichever instance it is. A client that
   * is gone receives nothing; the message is still returned.
   */
  sendToClient<T, K extends SseEventName<Events> = SseEventName<Events>>(
    clientId: string,
    event: K,
    data: SsePublishData<Events, K, T>,
  ): Promise<SsePublishedMessage<Events, K, T>>;
  async sendToClient(
    clientId: string,
    event: string,
    data: unknown,
  ): Promise<SseMessage> {
    const tenantId = this.hub.client(clientId)?.tenantId;
    return this.publish({ type: 'client', clientId, tenantId }, event, data);
  }

  /**
   * The messages sent to one user from now on, for in-process consumers and
   * your own `@Sse()` routes. With Redis, "now" is once this instance's
   * subscription to the user is confirmed (a few milliseconds); after a Redis
   * outage these observers are not replayed what they missed.
   */
  userStream(
    userId: string,
    opts: SsePublishOptions = {},
  ): Observable<SseEventMessage<Events>> {
    assertUserId(userId);
    assertTenantId(opts.tenantId);
    return this.observe({ type: 'user', userId, tenantId: opts.tenantId });
  }

  /** The messages sent to one topic from now on. */
  topicStream(
    topic: string,
    opts: SsePublishOptions = {},
  ): Observable<SseEventMessage<Events>> {
    this.assertTopicsEnabled();
    assertTopic(topic);
    assertTenantId(opts.tenantId);
    return this.observe({ type: 'topic', topic, tenantId: opts.tenantId });
  }

  /** The messages broadcast to one tenant from now on. */
  broadcastStream(
    opts: SsePublishOptions = {},
  ): Observable<SseEventMessage<Events>> {
    assertTenantId(opts.tenantId);
    return this.observe({ type: 'broadcast', tenantId: opts.tenantId });
  }

  /**
   * The retained messages of one target, after `afterId` when given: the
   * same data a reconnecting client is replayed. `complete` is false, with
   * the reason, when messages after `afterId` are no longer retained or the
   * id is not one of this broker's (then `messages` is empty).
   */
  async getHistory(
    target: SseHistoryTarget,
    afterId?: string,
  ): Promise<SseHistoryPage> {
    assertTenantId(target.tenantId);
    if (target.type === 'user') assertUserId(target.userId);
    if (target.type === 'topic') assertTopic(target.topic);
    const read = await this.transport.read([targetKey(target)], afterId);
    return 'reset' in read
      ? { messages: [], complete: false, reason: read.reset }
      : { messages: read.envelopes.map((e) => e.message), complete: true };
  }

  /** Totals over every instance (just this one with the memory transport), and each instance's figures. */
  async getStats(): Promise<SseStats> {
    const local = this.hub.instanceStats();
    const { instances, totalUsers } = this.transport.cluster
      ? await this.transport.cluster.instances(local)
      : { instances: [local], totalUsers: local.totalUsers };
    const sum = (field: keyof SseInstanceStats) =>
      instances.reduce((total, s) => total + (s[field] as number), 0);
    return {
      transport: this.transport.kind,
      ready: this.isReady(),
      instanceId: local.instanceId,
      totalClients: sum('totalClients'),
      totalUsers,
      totalTopics: sum('totalTopics'),
      isRunning: local.isRunning,
      messagesPublished: sum('messagesPublished'),
      eventsDelivered: sum('eventsDelivered'),
      eventsDropped: sum('eventsDropped'),
      connectionsRejected: sum('connectionsRejected'),
      startedAt: local.startedAt,
      instances,
    };
  }

  /** Whether the user has an open stream on any instance. */
  async isUserOnline(
    userId: string,
    opts: SsePublishOptions = {},
  ): Promise<boolean> {
    const { cluster } = this.transport;
    if (cluster) return cluster.isUserOnline(userId, opts.tenantId);
    return this.hub.clientsOfUser(userId, opts.tenantId) !== undefined;
  }

  /** Ids of the users of one tenant with an open stream on any instance. */
  async getOnlineUsers(opts: SsePublishOptions = {}): Promise<string[]> {
    const { cluster } = this.transport;
    if (cluster) return cluster.onlineUsers(opts.tenantId);
    return this.hub.localOnlineUsers(opts.tenantId);
  }

  /** Snapshots of the open streams of this instance. */
  getClients(): SseClientInfo[] {
    return this.hub.openClients();
  }

  /** The open stream with this id on this instance, if any. */
  getClient(clientId: string): SseClientInfo | undefined {
    const connection = this.hub.client(clientId);
    return connection?.isOpen ? connection.info() : undefined;
  }

  /**
   * Closes one stream, on whichever instance holds it, with `event: close
   * {reason: 'disconnected'}`. Resolves with false when no such stream is
   * open anywhere. A browser EventSource reconnects by itself: use
   * {@link revokeUser} to keep the user out.
   */
  async disconnect(clientId: string): Promise<boolean> {
    const { count } = await this.hub.control({
      select: { clientId, anyTenant: true },
      action: { type: 'close', reason: 'disconnected' },
    });
    return count > 0;
  }

  /**
   * Closes every stream of one user (in `opts.tenantId`) on every instance,
   * with `event: close {reason: 'disconnected'}`; resolves with how many
   * were closed.
   */
  async disconnectUser(
    userId: string,
    opts: SsePublishOptions = {},
  ): Promise<number> {
    assertUserId(userId);
    assertTenantId(opts.tenantId);
    const { count } = await this.hub.control({
      select: { userId, tenantId: opts.tenantId },
      action: { type: 'close', reason: 'disconnected' },
    });
    return count;
  }

  /**
   * Signs a user out everywhere: its credentials issued before now (the JWT
   * `iat`) are refused on every instance with `401 token_revoked` for
   * `opts.ttl` ms (set it to your tokens' longest lifetime), then every
   * stream of the user is closed with `event: close {reason: 'revoked'}`,
   * which tells a client not to reconnect. Credentials issued from the
   * second of the revocation on are accepted. Resolves with how many
   * streams were closed.
   *
   * @example
   * ```ts
   * await this.sse.revokeUser(user.id, { tenantId: user.tenantId, ttl: 8 * 3600_000 });
   * ```
   */
  async revokeUser(
    userId: string,
    opts: SseRevokeOptions = {},
  ): Promise<number> {
    assertUserId(userId);
    assertTenantId(opts.tenantId);
    const ttl = opts.ttl ?? DEFAULT_SSE_REVOKE_OPTIONS.ttl;
    if (!Number.isInteger(ttl) || ttl < 1_000 || ttl > MAX_REVOCATION_TTL)
      throw new InvalidRevocationTtlError(
        SSE_MESSAGES.INVALID_REVOCATION_TTL(opts.ttl),
      );
    // Stored first: a reconnect racing the close is refused.
    const notBefore = await this.revocations.revoke(userId, opts.tenantId, ttl);
    const { count } = await this.hub.control({
      select: { userId, tenantId: opts.tenantId },
      action: { type: 'close', reason: 'revoked', notBefore },
    });
    return count;
  }

  /**
   * Adds a topic to every open stream of one user (in `opts.tenantId`), on
   * every instance; messages published to it from the moment this resolves
   * reach those streams. Streams that have the topic already, or as many
   * topics as `maxTopicsPerConnection`, are left as they are. Resolves with
   * how many streams changed. A stream that reconnects gets the topics of
   * its URL: see docs/DELIVERY.md.
   */
  async subscribe(
    userId: string,
    topic: string,
    opts: SsePublishOptions = {},
  ): Promise<number> {
    return this.changeTopics(userId, opts, [topic], []);
  }

  /** Removes a topic from every open stream of one user, on every instance; resolves with how many streams changed. */
  async unsubscribe(
    userId: string,
    topic: string,
    opts: SsePublishOptions = {},
  ): Promise<number> {
    return this.changeTopics(userId, opts, [], [topic]);
  }

  private async changeTopics(
    userId: string,
    opts: SsePublishOptions,
    add: string[],
    remove: string[],
  ): Promise<number> {
    this.assertTopicsEnabled();
    assertUserId(userId);
    assertTenantId(opts.tenantId);
    [...add, ...remove].forEach((topic) => assertTopic(topic));
    const { count } = await this.hub.control({
      select: { userId, tenantId: opts.tenantId },
      action: { type: 'topics', add, remove },
    });
    return count;
  }

  private observe(
    target: SseHistoryTarget,
  ): Observable<SseEventMessage<Events>> {
    // The contract is the publishers' promise; the broker carries data as given.
    return this.hub
      .observe(targetKey(target))
      .pipe(map((e) => e.message as SseEventMessage<Events>));
  }

  /**
   * Validates and serialises once, then the transport assigns the id, stores
   * the message in its target's history and hands it to the recipients; or,
   * for an idempotency key it has seen within `history.ttl`, answers with
   * the first message's id and creation time and publishes nothing.
   */
  private async publish(
    target: SseTarget,
    event: string,
    data: unknown,
    idempotencyKey?: string,
  ): Promise<SseMessage> {
    const startedAt = this.hub.metrics ? performance.now() : 0;
    assertEventName(event);
    const json = serializeData(data, this.options.maxPayloadBytes);
    const createdAt = new Date();
    const { id, firstCreatedAt } = await this.transport.publish({
      target,
      key: target.type === 'client' ? undefined : targetKey(target),
      event,
      data,
      json,
      createdAt,
      idempotencyKey,
    });
    if (firstCreatedAt !== undefined)
      return { id, event, data, target, createdAt: new Date(firstCreatedAt) };
    this.hub.published(target, startedAt);
    return { id, event, data, target, createdAt };
  }

  private assertTopicsEnabled(): void {
    if (!this.options.enableTopics)
      throw new TopicsDisabledError(SSE_MESSAGES.TOPICS_DISABLED());
  }
}
