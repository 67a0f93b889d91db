import {
  type BeforeApplicationShutdown,
  HttpStatus,
  Inject,
  Injectable,
  Logger,
  type OnModuleInit,
} from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { map, type Observable, Subject, Subscription } from 'rxjs';
import type { SseIdentity } from '../auth/sse-identity.interface.js';
import { TopicsDisabledError } from '../errors/topics-disabled.error.js';
import { TransportUnavailableError } from '../errors/transport-unavailable.error.js';
import {
  SseConnection,
  type SseConnectionHost,
} from '../http/sse-connection.js';
import { SseHeartbeatScheduler } from '../http/sse-heartbeat.scheduler.js';
import { SseHttpException } from '../http/sse-http.exception.js';
import { SSE_RESOLVED_OPTIONS } from '../sse.internal-constants.js';
import { SSE_MESSAGES } from '../sse.messages.js';
import type { ResolvedSseOptions } from '../sse.options.js';
import { MemoryTransport } from '../transport/memory.transport.js';
import { RedisTransport } from '../transport/redis.transport.js';
import type {
  SseReadOutcome,
  SseTransport,
} from '../transport/sse-transport.interface.js';
import type {
  SseClientInfo,
  SseCloseReason,
  SseConnectionEvent,
} from './sse-client-info.interface.js';
import { SseEnvelope } from './sse-envelope.js';
import type {
  SseHistoryPage,
  SseHistoryTarget,
  SseMessage,
  SsePublishOptions,
  SseTarget,
} from './sse-message.interface.js';
import type { SseInstanceStats, SseStats } from './sse-stats.interface.js';
import {
  assertEventName,
  assertTenantId,
  assertTopic,
  assertUserId,
  scopedKey,
  serializeData,
} from './sse-validation.util.js';
import { SubjectRegistry } from './subject-registry.js';

/** First letter of a topic's {@link targetKey}. */
const TOPIC_KEY_PREFIX = 't';

/** How long shutdown waits for streams to flush their `close` event before cutting sockets. */
const SHUTDOWN_GRACE_MS = 500;

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
 * @example
 * ```ts
 * @Injectable()
 * export class NotificationsService {
 *   constructor(private readonly sse: SseBroker) {}
 *   async notify(userId: string, note: Notification) {
 *     await this.sse.sendToUser(userId, 'notification', note, { tenantId: note.tenantId });
 *   }
 * }
 * ```
 * @publicApi
 */
@Injectable()
export class SseBroker
  implements SseConnectionHost, OnModuleInit, BeforeApplicationShutdown
{
  private readonly logger = new Logger('SseBroker');
  private readonly transport: SseTransport;
  /** One Subject per user, topic and tenant broadcast, by {@link targetKey}. */
  private readonly targets: SubjectRegistry<SseEnvelope>;
  private readonly clients = new Map<string, SseConnection>();
  private readonly userConnections = new Map<string, Set<SseConnection>>();
  private readonly connectionEvents = new Subject<SseConnectionEvent>();
  private readonly startedAt = new Date();
  private running = true;
  private messagesPublished = 0;
  private eventsDelivered = 0;
  private eventsDropped = 0;
  private connectionsRejected = 0;

  /** Presence: a `connect` event when a stream opens, `disconnect` (with the reason) when it ends. */
  readonly connections$: Observable<SseConnectionEvent> =
    this.connectionEvents.asObservable();

  /** @internal */
  readonly settings: SseConnectionHost['settings'];

  /** @internal */
  readonly heartbeats: SseHeartbeatScheduler;

  constructor(
    @Inject(SSE_RESOLVED_OPTIONS) private readonly options: ResolvedSseOptions,
  ) {
    this.settings = options;
    this.heartbeats = new SseHeartbeatScheduler(options.heartbeatInterval);
    const { history, transport } = options;
    const listener = {
      deliver: (envelope: SseEnvelope) => this.dispatch(envelope),
      resume: () => this.clients.forEach((c) => c.resume()),
    };
    this.transport =
      transport.type === 'redis'
        ? new RedisTransport(transport, history, listener, () =>
            this.instanceStats(),
          )
        : new MemoryTransport(history, listener);
    // A Subject's first subscriber subscribes this instance to the target's
    // messages on the transport; its last one unsubscribes it.
    this.targets = new SubjectRegistry<SseEnvelope>({
      opened: (key) => this.transport.watch(key),
      released: (key) => this.transport.unwatch(key),
      failed: (key, err) =>
        this.logger.error(
          `delivering to a stream of ${key} failed`,
          (err as Error)?.stack ?? String(err),
        ),
    });
    this.readiness$ = this.transport.readiness$;
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
   * the memory transport; with Redis, false while Redis is unreachable or the
   * subscriber connection is being re-established. Wire it to your readiness
   * probe.
   */
  isReady(): boolean {
    return this.transport.ready && this.running;
  }

  /** Emits the readiness each time it changes (starting with the current value). */
  readonly readiness$: Observable<boolean>;

  /** Connects the transport; with Redis, start-up fails when it cannot be reached. */
  async onModuleInit(): Promise<void> {
    await this.transport.start();
  }

  /** Sends an event to every stream of one user (in `opts.tenantId`). */
  async sendToUser<T>(
    userId: string,
    event: string,
    data: T,
    opts: SsePublishOptions = {},
  ): Promise<SseMessage<T>> {
    assertUserId(userId);
    assertTenantId(opts.tenantId);
    return this.publish(
      { type: 'user', userId, tenantId: opts.tenantId },
      event,
      data,
    );
  }

  /** Sends an event to every stream subscribed to a topic (in `opts.tenantId`). */
  async sendToTopic<T>(
    topic: string,
    event: string,
    data: T,
    opts: SsePublishOptions = {},
  ): Promise<SseMessage<T>> {
    this.assertTopicsEnabled();
    assertTopic(topic);
    assertTenantId(opts.tenantId);
    return this.publish(
      { type: 'topic', topic, tenantId: opts.tenantId },
      event,
      data,
    );
  }

  /** Sends an event to every stream of one tenant (`opts.tenantId`; undefined: the streams without a tenant). */
  async broadcast<T>(
    event: string,
    data: T,
    opts: SsePublishOptions = {},
  ): Promise<SseMessage<T>> {
    assertTenantId(opts.tenantId);
    return this.publish(
      { type: 'broadcast', tenantId: opts.tenantId },
      event,
      data,
    );
  }

  /**
   * Sends an event to one stream, on whichever instance it is. A client that
   * is gone receives nothing; the message is still returned.
   */
  async sendToClient<T>(
    clientId: string,
    event: string,
    data: T,
  ): Promise<SseMessage<T>> {
    const tenantId = this.clients.get(clientId)?.tenantId;
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
  ): Observable<SseMessage> {
    assertUserId(userId);
    assertTenantId(opts.tenantId);
    return this.observe({ type: 'user', userId, tenantId: opts.tenantId });
  }

  /** The messages sent to one topic from now on. */
  topicStream(
    topic: string,
    opts: SsePublishOptions = {},
  ): Observable<SseMessage> {
    this.assertTopicsEnabled();
    assertTopic(topic);
    assertTenantId(opts.tenantId);
    return this.observe({ type: 'topic', topic, tenantId: opts.tenantId });
  }

  /** The messages broadcast to one tenant from now on. */
  broadcastStream(opts: SsePublishOptions = {}): Observable<SseMessage> {
    assertTenantId(opts.tenantId);
    return this.observe({ type: 'broadcast', tenantId: opts.tenantId });
  }

  private observe(target: SseHistoryTarget): Observable<SseMessage> {
    return this.targets.observe(targetKey(target)).pipe(map((e) => e.message));
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

  /** @internal */
  replay(connection: SseConnection, cursor: string): Promise<SseReadOutcome> {
    return this.transport.read(targetKeys(connection), cursor);
  }

  /** Totals over every instance (just this one with the memory transport), and each instance's figures. */
  async getStats(): Promise<SseStats> {
    const local = this.instanceStats();
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
      isRunning: this.running,
      messagesPublished: sum('messagesPublished'),
      eventsDelivered: sum('eventsDelivered'),
      eventsDropped: sum('eventsDropped'),
      connectionsRejected: sum('connectionsRejected'),
      startedAt: this.startedAt,
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
    return this.userConnections.has(scopedKey(opts.tenantId, userId));
  }

  /** Ids of the users of one tenant with an open stream on any instance. */
  async getOnlineUsers(opts: SsePublishOptions = {}): Promise<string[]> {
    const { cluster } = this.transport;
    if (cluster) return cluster.onlineUsers(opts.tenantId);
    const online: string[] = [];
    for (const connections of this.userConnections.values()) {
      const first = connections.values().next().value as SseConnection;
      if (first.tenantId === opts.tenantId) online.push(first.userId);
    }
    return online;
  }

  /** Snapshots of the open streams of this instance. */
  getClients(): SseClientInfo[] {
    return [...this.clients.values()]
      .filter((c) => c.isOpen)
      .map((c) => c.info());
  }

  /** The open stream with this id on this instance, if any. */
  getClient(clientId: string): SseClientInfo | undefined {
    const connection = this.clients.get(clientId);
    return connection?.isOpen ? connection.info() : undefined;
  }

  /**
   * Closes one stream of this instance with `event: close {reason:
   * 'disconnected'}`. Returns false when no such stream is open here. A
   * browser EventSource reconnects by itself: revoke the user's credentials
   * too to keep it out.
   */
  disconnect(clientId: string): boolean {
    const connection = this.clients.get(clientId);
    if (!connection) return false;
    connection.close('disconnected');
    return true;
  }

  /** Closes every stream of one user on this instance; returns how many were closed. */
  disconnectUser(userId: string, opts: SsePublishOptions = {}): number {
    const connections = this.userConnections.get(
      scopedKey(opts.tenantId, userId),
    );
    if (!connections) return 0;
    const all = [...connections];
    all.forEach((c) => c.close('disconnected'));
    return all.length;
  }

  /**
   * Accepts a stream request, reserving its slot against the limits, or
   * refuses it (503 when the instance is full, shutting down or cannot reach
   * its transport, 429 when the user is at its cap, on any instance). The
   * connection is subscribed to its targets before it is returned.
   * @internal
   */
  async admit(
    identity: SseIdentity,
    topics: readonly string[],
    request: IncomingMessage,
    response: ServerResponse,
    cursor?: string,
  ): Promise<SseConnection> {
    const { maxConnections, maxConnectionsPerUser } = this.options;
    const { cluster } = this.transport;
    const userKey = scopedKey(identity.tenantId, identity.userId);
    if (!this.running) {
      throw this.reject(
        HttpStatus.SERVICE_UNAVAILABLE,
        'shutting_down',
        'The server is shutting down; reconnect later.',
      );
    }
    if (maxConnections > 0 && this.clients.size >= maxConnections) {
      throw this.reject(
        HttpStatus.SERVICE_UNAVAILABLE,
        'too_many_connections',
        'This server has reached its connection limit; retry later.',
      );
    }
    if (
      maxConnectionsPerUser > 0 &&
      (this.userConnections.get(userKey)?.size ?? 0) >= maxConnectionsPerUser
    ) {
      throw this.userCapReached();
    }
    if (!this.transport.ready) throw this.unavailable();
    const connection = new SseConnection(
      this.transport.newClientId(),
      identity,
      topics,
      request,
      response,
      this,
      cursor,
    );
    // The slot is taken synchronously, so concurrent requests see it.
    this.clients.set(connection.id, connection);
    let forUser = this.userConnections.get(userKey);
    if (!forUser) this.userConnections.set(userKey, (forUser = new Set()));
    forUser.add(connection);
    try {
      if (cluster) {
        if (!(await cluster.reserve(connection, maxConnectionsPerUser))) {
          this.forget(connection);
          throw this.userCapReached();
        }
        // Left while the slot was being reserved: closed() already ran.
        if (!this.clients.has(connection.id)) cluster.release(connection);
      }
      connection.hold(this.subscribeTargets(connection));
      connection.prepare(await this.transport.settle(targetKeys(connection)));
    } catch (err) {
      connection.close('client_closed');
      if (err instanceof TransportUnavailableError) {
        this.logger.warn(`stream refused: ${err.message}`);
        throw this.unavailable();
      }
      throw err;
    }
    // The client may have left while the request was being checked.
    if (request.socket?.destroyed) connection.close('client_closed');
    return connection;
  }

  /** Adds the connection to its targets; the returned Subscription takes it out. */
  private subscribeTargets(connection: SseConnection): Subscription {
    const keys = targetKeys(connection);
    const deliver = (envelope: SseEnvelope) => connection.deliver(envelope);
    keys.forEach((key) => this.targets.add(key, deliver));
    return new Subscription(() =>
      keys.forEach((key) => this.targets.remove(key, deliver)),
    );
  }

  /** @internal */
  opened(connection: SseConnection): void {
    this.connectionEvents.next({ type: 'connect', client: connection.info() });
  }

  /** @internal */
  closed(
    connection: SseConnection,
    reason: SseCloseReason,
    dropped: number,
  ): void {
    if (!this.forget(connection)) return;
    this.transport.cluster?.release(connection);
    this.eventsDropped += dropped;
    if (reason === 'slow_consumer') {
      this.logger.warn(
        `client ${connection.id} (user ${JSON.stringify(connection.userId)}) disconnected as slow_consumer; ${dropped} event(s) dropped`,
      );
    }
    this.connectionEvents.next({
      type: 'disconnect',
      client: connection.info(),
      reason,
    });
  }

  /** @internal */
  delivered(): void {
    this.eventsDelivered++;
  }

  /**
   * Ends every stream with `event: close {reason: 'shutdown'}`, waits briefly
   * for those frames to flush, then closes the sockets so that the HTTP
   * server can stop at once.
   */
  async beforeApplicationShutdown(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    const connections = [...this.clients.values()];
    const flushed = connections.map((c) => responseEnded(c.response));
    connections.forEach((c) => c.close('shutdown'));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(flushed),
      new Promise(
        (resolve) => (timer = setTimeout(resolve, SHUTDOWN_GRACE_MS)),
      ),
    ]);
    clearTimeout(timer);
    // Keep-alive sockets of ended streams would otherwise hold server.close().
    connections.forEach((c) => c.response.socket?.destroy());
    this.heartbeats.stop();
    this.targets.completeAll();
    this.connectionEvents.complete();
    await this.transport.close();
  }

  /**
   * Validates and serialises once, then the transport assigns the id, stores
   * the message in its target's history and hands it to the recipients.
   */
  private async publish<T>(
    target: SseTarget,
    event: string,
    data: T,
  ): Promise<SseMessage<T>> {
    assertEventName(event);
    const json = serializeData(data, this.options.maxPayloadBytes);
    const createdAt = new Date();
    const { id } = await this.transport.publish({
      target,
      key: target.type === 'client' ? undefined : targetKey(target),
      event,
      data,
      json,
      createdAt,
    });
    this.messagesPublished++;
    return { id, event, data, target, createdAt };
  }

  /** Delivers a message to the local streams of its target. */
  private dispatch(envelope: SseEnvelope): void {
    const { target } = envelope.message;
    if (target.type === 'client')
      this.clients.get(target.clientId!)?.deliver(envelope);
    else this.targets.next(targetKey(target), envelope);
  }

  private instanceStats(): SseInstanceStats {
    return {
      instanceId: this.transport.instanceId,
      totalClients: this.clients.size,
      totalUsers: this.userConnections.size,
      totalTopics: this.targets.countKeys(TOPIC_KEY_PREFIX),
      isRunning: this.running,
      messagesPublished: this.messagesPublished,
      eventsDelivered: this.eventsDelivered,
      eventsDropped: this.eventsDropped,
      connectionsRejected: this.connectionsRejected,
      startedAt: this.startedAt,
      updatedAt: new Date(),
    };
  }

  /** Removes a connection from this instance's maps; false if it was not there. */
  private forget(connection: SseConnection): boolean {
    if (!this.clients.delete(connection.id)) return false;
    const userKey = scopedKey(connection.tenantId, connection.userId);
    const forUser = this.userConnections.get(userKey);
    forUser?.delete(connection);
    if (forUser?.size === 0) this.userConnections.delete(userKey);
    return true;
  }

  private userCapReached(): SseHttpException {
    const max = this.options.maxConnectionsPerUser;
    return this.reject(
      HttpStatus.TOO_MANY_REQUESTS,
      'too_many_user_connections',
      `At most ${max} streams per user are allowed; close another tab or window first.`,
    );
  }

  private unavailable(): SseHttpException {
    return new SseHttpException(
      HttpStatus.SERVICE_UNAVAILABLE,
      'transport_unavailable',
      'The server cannot reach its message transport; retry later.',
    );
  }

  private assertTopicsEnabled(): void {
    if (!this.options.enableTopics)
      throw new TopicsDisabledError(SSE_MESSAGES.TOPICS_DISABLED());
  }

  private reject(
    status: number,
    code: string,
    message: string,
  ): SseHttpException {
    this.connectionsRejected++;
    return new SseHttpException(status, code, message);
  }
}

function responseEnded(response: ServerResponse): Promise<void> {
  if (response.writableFinished || response.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    response.once('finish', resolve);
    response.once('close', resolve);
  });
}

/** Keys of everything a connection receives: its user, its tenant's broadcast, its topics. */
function targetKeys(connection: SseConnection): string[] {
  const { tenantId, userId, topics } = connection;
  return [
    targetKey({ type: 'user', userId, tenantId }),
    targetKey({ type: 'broadcast', tenantId }),
    ...topics.map((topic) => targetKey({ type: 'topic', topic, tenantId })),
  ];
}

/**
 * Key of a user, topic or tenant broadcast: its Subject here, its history and
 * its transport channel. The type letter, then the tenant-scoped name.
 */
function targetKey(target: SseHistoryTarget | SseTarget): string {
  switch (target.type) {
    case 'user':
      return `u${scopedKey(target.tenantId, target.userId!)}`;
    case 'topic':
      return `${TOPIC_KEY_PREFIX}${scopedKey(target.tenantId, target.topic!)}`;
    default:
      return `b${target.tenantId ?? ''}`;
  }
}
