import {
  type BeforeApplicationShutdown,
  HttpStatus,
  Inject,
  Injectable,
  Logger,
} from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { map, type Observable, Subject, Subscription } from 'rxjs';
import type { SseIdentity } from '../auth/sse-identity.interface.js';
import { TopicsDisabledError } from '../errors/topics-disabled.error.js';
import {
  SseConnection,
  type SseConnectionHost,
  type SseReplayOutcome,
  type SseResetReason,
} from '../http/sse-connection.js';
import { InMemorySseHistory } from '../history/in-memory-sse.history.js';
import type { SseHistory } from '../history/sse-history.interface.js';
import { SseHttpException } from '../http/sse-http.exception.js';
import { SSE_RESOLVED_OPTIONS } from '../sse.internal-constants.js';
import { SSE_MESSAGES } from '../sse.messages.js';
import type { ResolvedSseOptions } from '../sse.options.js';
import { MessageIdGenerator, parseCursor } from './message-id.generator.js';
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
import type { SseStats } from './sse-stats.interface.js';
import {
  assertEventName,
  assertTenantId,
  assertTopic,
  assertUserId,
  scopedKey,
  serializeData,
} from './sse-validation.util.js';
import { SubjectRegistry } from './subject-registry.js';

/** How long shutdown waits for streams to flush their `close` event before cutting sockets. */
const SHUTDOWN_GRACE_MS = 500;

/**
 * The broker: publish to users, topics, a tenant's broadcast or one client,
 * from anywhere in the application, and observe who is connected.
 *
 * It keeps an RxJS Subject per user and per topic (per tenant), created on
 * first use and released when its last subscriber leaves. Publishing to a
 * user costs time proportional to that user's connections.
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
export class SseBroker implements SseConnectionHost, BeforeApplicationShutdown {
  private readonly logger = new Logger('SseBroker');
  private readonly users = new SubjectRegistry<SseEnvelope>();
  private readonly topics = new SubjectRegistry<SseEnvelope>();
  private readonly broadcasts = new SubjectRegistry<SseEnvelope>();
  private readonly clients = new Map<string, SseConnection>();
  private readonly userConnections = new Map<string, Set<SseConnection>>();
  private readonly connectionEvents = new Subject<SseConnectionEvent>();
  private readonly ids = new MessageIdGenerator();
  private readonly history?: SseHistory;
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

  constructor(
    @Inject(SSE_RESOLVED_OPTIONS) private readonly options: ResolvedSseOptions,
  ) {
    this.settings = options;
    const { history } = options;
    this.history =
      history.size > 0
        ? new InMemorySseHistory(history.size, history.ttl)
        : undefined;
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

  /** Sends an event to one stream. A client that is gone receives nothing; the message is still returned. */
  async sendToClient<T>(
    clientId: string,
    event: string,
    data: T,
  ): Promise<SseMessage<T>> {
    const tenantId = this.clients.get(clientId)?.tenantId;
    return this.publish({ type: 'client', clientId, tenantId }, event, data);
  }

  /** The messages sent to one user from now on, for in-process consumers and your own `@Sse()` routes. */
  userStream(
    userId: string,
    opts: SsePublishOptions = {},
  ): Observable<SseMessage> {
    assertUserId(userId);
    assertTenantId(opts.tenantId);
    return this.users
      .observe(scopedKey(opts.tenantId, userId))
      .pipe(map((e) => e.message));
  }

  /** The messages sent to one topic from now on. */
  topicStream(
    topic: string,
    opts: SsePublishOptions = {},
  ): Observable<SseMessage> {
    this.assertTopicsEnabled();
    assertTopic(topic);
    assertTenantId(opts.tenantId);
    return this.topics
      .observe(scopedKey(opts.tenantId, topic))
      .pipe(map((e) => e.message));
  }

  /** The messages broadcast to one tenant from now on. */
  broadcastStream(opts: SsePublishOptions = {}): Observable<SseMessage> {
    assertTenantId(opts.tenantId);
    return this.broadcasts
      .observe(opts.tenantId ?? '')
      .pipe(map((e) => e.message));
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
    let afterSeq = 0;
    if (afterId !== undefined) {
      const cursor = this.checkCursor(afterId);
      if (typeof cursor === 'string')
        return { messages: [], complete: false, reason: cursor };
      afterSeq = cursor;
    }
    if (!this.history) {
      const complete = afterId === undefined || afterSeq === this.ids.head;
      return {
        messages: [],
        complete,
        ...(!complete && { reason: 'history_gap' as const }),
      };
    }
    const read = await this.history.read([historyKey(target)], afterSeq);
    if (afterId !== undefined && !read.complete)
      return { messages: [], complete: false, reason: 'history_gap' };
    return { messages: read.envelopes.map((e) => e.message), complete: true };
  }

  /** @internal */
  get headSeq(): number {
    return this.ids.head;
  }

  /** @internal */
  formatId(seq: number): string {
    return this.ids.format(seq);
  }

  /** @internal */
  async replay(
    connection: SseConnection,
    cursorValue: string,
  ): Promise<SseReplayOutcome> {
    const cursor = this.checkCursor(cursorValue);
    if (typeof cursor === 'string') return { reset: cursor };
    if (!this.history) {
      return cursor === this.ids.head
        ? { envelopes: [] }
        : { reset: 'history_gap' };
    }
    const { tenantId, userId, topics } = connection;
    const keys = [
      historyKey({ type: 'user', userId, tenantId }),
      historyKey({ type: 'broadcast', tenantId }),
      ...topics.map((topic) => historyKey({ type: 'topic', topic, tenantId })),
    ];
    const read = await this.history.read(keys, cursor);
    return read.complete
      ? { envelopes: read.envelopes }
      : { reset: 'history_gap' };
  }

  getStats(): SseStats {
    return {
      totalClients: this.clients.size,
      totalUsers: this.userConnections.size,
      totalTopics: this.topics.size,
      isRunning: this.running,
      messagesPublished: this.messagesPublished,
      eventsDelivered: this.eventsDelivered,
      eventsDropped: this.eventsDropped,
      connectionsRejected: this.connectionsRejected,
      startedAt: this.startedAt,
    };
  }

  /** Whether the user has an open stream on this instance. */
  isUserOnline(userId: string, opts: SsePublishOptions = {}): boolean {
    return this.userConnections.has(scopedKey(opts.tenantId, userId));
  }

  /** Ids of the users of one tenant with an open stream on this instance. */
  getOnlineUsers(opts: SsePublishOptions = {}): string[] {
    const online: string[] = [];
    for (const connections of this.userConnections.values()) {
      const first = connections.values().next().value as SseConnection;
      if (first.tenantId === opts.tenantId) online.push(first.userId);
    }
    return online;
  }

  /** Snapshots of the open streams. */
  getClients(): SseClientInfo[] {
    return [...this.clients.values()]
      .filter((c) => c.isOpen)
      .map((c) => c.info());
  }

  /** The open stream with this id, if any. */
  getClient(clientId: string): SseClientInfo | undefined {
    const connection = this.clients.get(clientId);
    return connection?.isOpen ? connection.info() : undefined;
  }

  /**
   * Closes one stream with `event: close {reason: 'disconnected'}`. Returns
   * false when no such stream is open. A browser EventSource reconnects by
   * itself: revoke the user's credentials too to keep it out.
   */
  disconnect(clientId: string): boolean {
    const connection = this.clients.get(clientId);
    if (!connection) return false;
    connection.close('disconnected');
    return true;
  }

  /** Closes every stream of one user; returns how many were closed. */
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
   * refuses it (503 when the instance is full or shutting down, 429 when the
   * user is at its cap).
   * @internal
   */
  admit(
    identity: SseIdentity,
    topics: readonly string[],
    request: IncomingMessage,
    response: ServerResponse,
    cursor?: string,
  ): SseConnection {
    const { maxConnections, maxConnectionsPerUser } = this.options;
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
      throw this.reject(
        HttpStatus.TOO_MANY_REQUESTS,
        'too_many_user_connections',
        `At most ${maxConnectionsPerUser} streams per user are allowed; close another tab or window first.`,
      );
    }
    const connection = new SseConnection(
      randomUUID(),
      identity,
      topics,
      request,
      response,
      this,
      cursor,
    );
    this.clients.set(connection.id, connection);
    let forUser = this.userConnections.get(userKey);
    if (!forUser) this.userConnections.set(userKey, (forUser = new Set()));
    forUser.add(connection);
    // The client may have left while the request was being checked.
    if (request.socket?.destroyed) connection.close('client_closed');
    return connection;
  }

  /** @internal */
  subscribeTargets(connection: SseConnection): Subscription {
    const { tenantId } = connection;
    const sources = [
      this.users.observe(scopedKey(tenantId, connection.userId)),
      this.broadcasts.observe(tenantId ?? ''),
      ...connection.topics.map((topic) =>
        this.topics.observe(scopedKey(tenantId, topic)),
      ),
    ];
    const subscription = new Subscription();
    const deliver = (envelope: SseEnvelope) => connection.deliver(envelope);
    for (const source of sources) subscription.add(source.subscribe(deliver));
    return subscription;
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
    if (!this.clients.delete(connection.id)) return;
    const userKey = scopedKey(connection.tenantId, connection.userId);
    const forUser = this.userConnections.get(userKey);
    forUser?.delete(connection);
    if (forUser?.size === 0) this.userConnections.delete(userKey);
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
    this.users.completeAll();
    this.topics.completeAll();
    this.broadcasts.completeAll();
    this.connectionEvents.complete();
    this.history?.close();
  }

  /** Validates and serialises once, assigns the id, then hands the message to its recipients. */
  private publish<T>(target: SseTarget, event: string, data: T): SseMessage<T> {
    assertEventName(event);
    const json = serializeData(data, this.options.maxPayloadBytes);
    const { id, seq } = this.ids.next();
    const message: SseMessage<T> = {
      id,
      event,
      data,
      target,
      createdAt: new Date(),
    };
    const envelope = new SseEnvelope(message, json, seq);
    this.messagesPublished++;
    if (target.type !== 'client')
      this.history?.append(historyKey(target), envelope);
    this.dispatch(envelope);
    return message;
  }

  /** Delivers a message to the local streams of its target. */
  private dispatch(envelope: SseEnvelope): void {
    const { target } = envelope.message;
    switch (target.type) {
      case 'user':
        this.users.next(scopedKey(target.tenantId, target.userId!), envelope);
        break;
      case 'topic':
        this.topics.next(scopedKey(target.tenantId, target.topic!), envelope);
        break;
      case 'broadcast':
        this.broadcasts.next(target.tenantId ?? '', envelope);
        break;
      case 'client':
        this.clients.get(target.clientId!)?.deliver(envelope);
        break;
    }
  }

  /** The sequence of a cursor this broker issued, or why it cannot be used. */
  private checkCursor(value: string): number | SseResetReason {
    const cursor = parseCursor(value);
    if (
      !cursor ||
      cursor.epoch !== this.ids.epoch ||
      cursor.seq > this.ids.head
    )
      return 'unknown_cursor';
    return cursor.seq;
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

/** Key of a target's history: its type, then its tenant-scoped name. */
function historyKey(target: SseHistoryTarget | SseTarget): string {
  switch (target.type) {
    case 'user':
      return `u${scopedKey(target.tenantId, target.userId!)}`;
    case 'topic':
      return `t${scopedKey(target.tenantId, target.topic!)}`;
    default:
      return `b${target.tenantId ?? ''}`;
  }
}
