import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnModuleInit,
  Optional,
} from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Observable, Subject, Subscription } from 'rxjs';
import type { SseIdentity } from '../auth/sse-identity.interface.js';
import type {
  SseClientInfo,
  SseConnectionEvent,
} from '../core/sse-client-info.interface.js';
import type { SseEnvelope } from '../core/sse-envelope.js';
import type { SseReadOutcome } from '../core/sse-position.js';
import type { SseCloseReason } from '../core/sse-reasons.js';
import type { SseInstanceStats } from '../core/sse-stats.interface.js';
import {
  type SseTarget,
  scopedKey,
  subscriptionKeys,
  targetKey,
  TOPIC_KEY_PREFIX,
} from '../core/sse-target.js';
import { SseError } from '../errors/sse.error.js';
import { ShuttingDownError } from '../errors/shutting-down.error.js';
import { SSE_MESSAGES } from '../errors/sse-error.messages.js';
import { TokenRevokedError } from '../errors/token-revoked.error.js';
import { TooManyConnectionsError } from '../errors/too-many-connections.error.js';
import { TransportUnavailableError } from '../errors/transport-unavailable.error.js';
import { UserConnectionLimitError } from '../errors/user-connection-limit.error.js';
import { SSE_METRICS } from '../metrics/load-sse-metrics.js';
import type { SseMetricsRecorder } from '../metrics/sse-metrics-recorder.interface.js';
import {
  type ResolvedSseOptions,
  SSE_RESOLVED_OPTIONS,
} from '../options/resolved-sse-options.interface.js';
import {
  SseConnection,
  type SseConnectionHost,
} from '../stream/sse-connection.js';
import { SseHeartbeatScheduler } from '../stream/sse-heartbeat.scheduler.js';
import {
  SSE_TRANSPORT,
  type SseControlCommand,
  type SseControlResult,
  type SseTransport,
} from '../transport/sse-transport.interface.js';
import { connectionBound, openFileLimit } from './open-file-limit.util.js';
import { SseRateLimits } from './sse-rate-limits.js';
import { closeForShutdown } from './sse-shutdown.util.js';
import { SseStreamControl } from './sse-stream-control.js';
import { SubjectRegistry } from './subject-registry.js';

/**
 * Owns this instance's open streams: admission against the limits, the
 * per-user sets, the fan-out of delivered messages to streams and
 * in-process observers, the heartbeat timer, the transport's life, and
 * shutdown. {@link SseBroker} is its public face.
 * @internal
 */
@Injectable()
export class SseConnectionHub
  implements SseConnectionHost, OnModuleInit, BeforeApplicationShutdown
{
  private readonly logger = new Logger('SseBroker');
  /** One entry per user, topic and tenant broadcast, by target key. */
  private readonly targets: SubjectRegistry<SseEnvelope>;
  private readonly clients = new Map<string, SseConnection>();
  private readonly users = new Map<string, Set<SseConnection>>();
  private readonly events = new Subject<SseConnectionEvent>();
  /** Runs control commands on these streams and remembers the revocations it ran. */
  private readonly streamControl: SseStreamControl;
  private readonly startedAt = new Date();
  private running = true;
  private messagesPublished = 0;
  private eventsDelivered = 0;
  private eventsDropped = 0;
  private connectionsRejected = 0;
  /** `maxConnections`, or what the open-file limit leaves for streams when it is 0; 0 = no bound. */
  private readonly maxConnections: number;

  readonly settings: SseConnectionHost['settings'];
  readonly heartbeats: SseHeartbeatScheduler;
  /** The registration's `rateLimits`, counted by the transport. */
  readonly rateLimits: SseRateLimits;
  /** A `connect` event when a stream opens, `disconnect` (with the reason) when it ends. */
  readonly connections$: Observable<SseConnectionEvent> =
    this.events.asObservable();

  /** Present with the `metrics` option; every use is behind a check, so without it nothing extra runs. */
  readonly metrics?: SseMetricsRecorder;
  private readonly readinessMetric?: Subscription;

  constructor(
    @Inject(SSE_RESOLVED_OPTIONS) private readonly options: ResolvedSseOptions,
    @Inject(SSE_TRANSPORT) private readonly transport: SseTransport,
    @Optional() @Inject(SSE_METRICS) metrics?: SseMetricsRecorder | null,
  ) {
    this.metrics = metrics ?? undefined;
    this.settings = options;
    this.maxConnections = connectionBound(
      options.maxConnections,
      openFileLimit(),
      this.logger,
    );
    this.heartbeats = new SseHeartbeatScheduler(options.heartbeatInterval);
    this.rateLimits = new SseRateLimits(
      options.rateLimits,
      transport.rateLimiter,
      this.logger,
    );
    // A key's first listener subscribes this instance to the target's
    // messages on the transport; its last one unsubscribes it.
    this.targets = new SubjectRegistry<SseEnvelope>({
      opened: (key) => transport.watch(key),
      released: (key) => transport.unwatch(key),
      failed: (key, err) =>
        this.logger.error(
          `delivering to a stream of ${key} failed`,
          (err as Error)?.stack ?? String(err),
        ),
    });
    this.streamControl = new SseStreamControl(
      this,
      this.targets,
      transport,
      options,
    );
    transport.listen({
      deliver: (envelope) => this.dispatch(envelope),
      execute: (command) => this.streamControl.execute(command),
      resume: () => {
        this.metrics?.transportResumed();
        this.clients.forEach((c) => c.resume());
      },
      stats: () => this.instanceStats(),
      canaryMissed: () => this.metrics?.canaryMissed(),
    });
    if (this.metrics) {
      const { metrics } = this;
      // The per-event path stays as it was when metrics are off.
      this.delivered = (connection) => {
        this.eventsDelivered++;
        metrics.eventDelivered(connection.tenantId);
      };
      this.readinessMetric = transport.readiness$.subscribe((ready) =>
        metrics.transportReady(ready),
      );
    }
  }

  /** Streams of this instance, those being admitted included. */
  get streamCount(): number {
    return this.clients.size;
  }

  /** False once the application has started shutting down. */
  get isRunning(): boolean {
    return this.running;
  }

  /** Connects the transport; with Redis, start-up fails when it cannot be reached. */
  async onModuleInit(): Promise<void> {
    await this.transport.start();
  }

  /**
   * Counts a stream request from a client address against
   * `rateLimits.connectsPerAddress` (before it is authenticated); rejects
   * with `RateLimitedError` (`rate_limited`) over the limit.
   */
  async admitAddress(address: string): Promise<void> {
    try {
      await this.rateLimits.check('connectsPerAddress', address);
    } catch (err) {
      throw err instanceof SseError ? this.refused(err) : err;
    }
  }

  /**
   * Accepts a stream request, reserving its slot against the limits, or
   * refuses it with an {@link SseError} (shutting down, instance full, user
   * at its cap on any instance, transport unreachable, user over its connect
   * rate). The connection is subscribed to its targets
   * before it is returned.
   */
  async admit(
    identity: SseIdentity,
    topics: readonly string[],
    request: IncomingMessage,
    response: ServerResponse,
    cursor?: string,
  ): Promise<SseConnection> {
    const { maxConnections } = this;
    const { maxConnectionsPerUser } = this.options;
    const { cluster } = this.transport;
    const userKey = scopedKey(identity.tenantId, identity.userId);
    const userRate = this.rateLimits.rule('connectsPerUser');
    if (!this.running)
      throw this.refused(new ShuttingDownError(SSE_MESSAGES.SHUTTING_DOWN()));
    if (maxConnections > 0 && this.clients.size >= maxConnections) {
      throw this.refused(
        new TooManyConnectionsError(SSE_MESSAGES.TOO_MANY_CONNECTIONS()),
      );
    }
    if (
      maxConnectionsPerUser > 0 &&
      (this.users.get(userKey)?.size ?? 0) >= maxConnectionsPerUser
    ) {
      throw this.userCapReached();
    }
    if (!this.transport.ready) throw this.unavailable();
    if (this.streamControl.revoked(identity, userKey))
      throw this.refused(new TokenRevokedError(SSE_MESSAGES.TOKEN_REVOKED()));
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
    let forUser = this.users.get(userKey);
    if (!forUser) this.users.set(userKey, (forUser = new Set()));
    forUser.add(connection);
    try {
      if (cluster) {
        const reservation = await cluster.reserve(
          connection,
          maxConnectionsPerUser,
          userRate,
        );
        if (!reservation.reserved) {
          this.forget(connection);
          throw reservation.wait === undefined
            ? this.userCapReached()
            : this.refused(
                this.rateLimits.refusal('connectsPerUser', reservation.wait),
              );
        }
        // Left while the slot was being reserved: closed() already ran.
        if (!this.clients.has(connection.id)) cluster.release(connection);
      } else if (userRate) {
        await this.countUserConnect(connection, userKey);
      }
      connection.hold(this.subscribe(connection));
      connection.prepare(
        await this.transport.settle(subscriptionKeys(connection)),
      );
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

  /** In-process observers of one target key (`userStream()`, `topicStream()`, ...). */
  observe(key: string): Observable<SseEnvelope> {
    return this.targets.observe(key);
  }

  /** The open stream with this id on this instance. */
  client(clientId: string): SseConnection | undefined {
    return this.clients.get(clientId);
  }

  /** Every stream of this instance, open or closing. */
  allClients(): IterableIterator<SseConnection> {
    return this.clients.values();
  }

  /** The streams of one user on this instance. */
  clientsOfUser(
    userId: string,
    tenantId: string | undefined,
  ): ReadonlySet<SseConnection> | undefined {
    return this.users.get(scopedKey(tenantId, userId));
  }

  /** Ids of the users of one tenant with a stream on this instance. */
  localOnlineUsers(tenantId: string | undefined): string[] {
    const online: string[] = [];
    for (const connections of this.users.values()) {
      const first = connections.values().next().value as SseConnection;
      if (first.tenantId === tenantId) online.push(first.userId);
    }
    return online;
  }

  /** Hands a message to the local streams (and observers) of its target. */
  dispatch(envelope: SseEnvelope): void {
    const { target } = envelope.message;
    let reached: boolean;
    if (target.type === 'client') {
      const connection = this.clients.get(target.clientId);
      connection?.deliver(envelope);
      reached = connection !== undefined;
    } else reached = this.targets.next(targetKey(target), envelope);
    if (reached && this.metrics)
      this.metrics.messageDispatched(envelope.createdAt, target.tenantId);
  }

  /**
   * Runs a control command on every instance (on the one holding the stream
   * when it names one) and merges what each did.
   */
  control(command: SseControlCommand): Promise<SseControlResult> {
    return this.transport.control(command);
  }

  /**
   * Counts a message published through this instance; `startedAt` is the
   * publish call's `performance.now()` (taken only when metrics are on).
   */
  published(target: SseTarget, startedAt: number): void {
    this.messagesPublished++;
    this.metrics?.messagePublished(target.type, target.tenantId, startedAt);
  }

  /** Counts a stream request refused before it reached the hub (e.g. a forbidden topic). */
  refusedBefore(code: string): void {
    this.metrics?.refused(code);
  }

  instanceStats(): SseInstanceStats {
    return {
      instanceId: this.transport.instanceId,
      totalClients: this.clients.size,
      totalUsers: this.users.size,
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

  replay(connection: SseConnection, cursor: string): Promise<SseReadOutcome> {
    const read = this.transport.read(subscriptionKeys(connection), cursor);
    if (this.metrics) {
      const { metrics } = this;
      read.then(
        (outcome) => metrics.replayEnded(outcome),
        () => metrics.replayEnded(undefined),
      );
    }
    return read;
  }

  opened(connection: SseConnection): void {
    this.metrics?.streamOpened(connection.tenantId);
    this.events.next({ type: 'connect', client: connection.info() });
  }

  closed(
    connection: SseConnection,
    reason: SseCloseReason,
    dropped: number,
  ): void {
    if (!this.forget(connection)) return;
    this.transport.cluster?.release(connection);
    this.eventsDropped += dropped;
    if (this.metrics) {
      if (connection.started)
        this.metrics.streamClosed(reason, connection.tenantId, dropped);
      else this.metrics.droppedUnopened(connection.tenantId, dropped);
    }
    if (reason === 'slow_consumer') {
      this.logger.warn(
        `client ${connection.id} (user ${JSON.stringify(connection.userId)}) disconnected as slow_consumer; ${dropped} event(s) dropped`,
      );
    }
    this.events.next({
      type: 'disconnect',
      client: connection.info(),
      reason,
    });
  }

  /** Counts a message written to a stream (replaced when metrics are on: see the constructor). */
  delivered(_connection: SseConnection): void {
    this.eventsDelivered++;
  }

  /** Snapshots of the open streams of this instance. */
  openClients(): SseClientInfo[] {
    return [...this.clients.values()]
      .filter((c) => c.isOpen)
      .map((c) => c.info());
  }

  /**
   * Ends every stream with `event: close {reason: 'shutdown'}`, waits briefly
   * for those frames to flush, then closes the sockets so that the HTTP
   * server can stop at once; then the transport.
   */
  async beforeApplicationShutdown(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    await closeForShutdown([...this.clients.values()]);
    this.heartbeats.stop();
    this.readinessMetric?.unsubscribe();
    this.metrics?.transportReady(false);
    this.targets.completeAll();
    this.events.complete();
    await this.transport.close();
  }

  /** Adds the connection to its targets; the returned Subscription takes it out of those it has then. */
  private subscribe(connection: SseConnection): Subscription {
    const { receive } = connection;
    subscriptionKeys(connection).forEach((key) =>
      this.targets.add(key, receive),
    );
    return new Subscription(() =>
      subscriptionKeys(connection).forEach((key) =>
        this.targets.remove(key, receive),
      ),
    );
  }

  /**
   * Counts a connect against `rateLimits.connectsPerUser` once its slot is
   * taken, as a transport spanning instances does in the slot's reservation:
   * a connect refused for a cap is not counted.
   */
  private async countUserConnect(
    connection: SseConnection,
    userKey: string,
  ): Promise<void> {
    try {
      await this.rateLimits.check('connectsPerUser', userKey);
    } catch (err) {
      this.forget(connection);
      throw err instanceof SseError ? this.refused(err) : err;
    }
  }

  /** Removes a connection from this instance's maps; false if it was not there. */
  private forget(connection: SseConnection): boolean {
    if (!this.clients.delete(connection.id)) return false;
    const userKey = scopedKey(connection.tenantId, connection.userId);
    const forUser = this.users.get(userKey);
    forUser?.delete(connection);
    if (forUser?.size === 0) this.users.delete(userKey);
    return true;
  }

  private userCapReached(): UserConnectionLimitError {
    return this.refused(
      new UserConnectionLimitError(
        SSE_MESSAGES.USER_CONNECTION_LIMIT(this.options.maxConnectionsPerUser),
      ),
    );
  }

  private unavailable(): TransportUnavailableError {
    this.metrics?.refused('transport_unavailable');
    return new TransportUnavailableError(
      SSE_MESSAGES.TRANSPORT_UNAVAILABLE('not ready'),
    );
  }

  private refused<E extends SseError>(error: E): E {
    this.connectionsRejected++;
    this.metrics?.refused(error.code);
    return error;
  }
}
