import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Subscription } from 'rxjs';
import type { SseIdentity } from '../auth/sse-identity.interface.js';
import type {
  SseClientInfo,
  SseCloseReason,
} from '../broker/sse-client-info.interface.js';
import { controlEvent, type SseWireEvent } from './sse-frame.util.js';
import type { SseSink } from './sse-sink.interface.js';

/** What a connection needs from the broker that owns it. @internal */
export interface SseConnectionHost {
  readonly settings: {
    clientBufferSize: number;
    heartbeatInterval: number;
    clientTimeout: number;
    retry: number;
  };
  /** Subscribes the connection to its user, topics and tenant broadcast. */
  subscribeTargets(connection: SseConnection): Subscription;
  opened(connection: SseConnection): void;
  closed(
    connection: SseConnection,
    reason: SseCloseReason,
    dropped: number,
  ): void;
  delivered(): void;
}

/** setTimeout's largest delay; longer expiries re-arm. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * One open stream: it owns the connection's state (bounded queue, heartbeat,
 * token expiry, close) and writes through a thin {@link SseSink}.
 *
 * Lifecycle: created by `SseBroker.admit()` when the request is accepted
 * (its slot counts against the limits from then on), `attach(sink)` once the
 * response can be written, `close(reason)` exactly once.
 * @internal
 */
export class SseConnection {
  readonly connectedAt = new Date();
  private state: 'pending' | 'open' | 'closed' = 'pending';
  private sink?: SseSink;
  private queue: SseWireEvent[] = [];
  private subscription?: Subscription;
  private heartbeatTimer?: NodeJS.Timeout;
  private expiryTimer?: NodeJS.Timeout;
  /** Last time the socket took data; a stream stuck longer than clientTimeout is dead. */
  private lastProgressAt = Date.now();
  /** Id of the last message written; control events repeat it. */
  private lastId: string;
  private readonly expiresAt?: number;

  constructor(
    readonly id: string,
    readonly identity: SseIdentity,
    readonly topics: readonly string[],
    readonly request: IncomingMessage,
    readonly response: ServerResponse,
    private readonly host: SseConnectionHost,
    lastEventId = '',
  ) {
    this.lastId = lastEventId;
    const { expiresAt } = identity;
    this.expiresAt =
      expiresAt instanceof Date ? expiresAt.getTime() : expiresAt;
    response.once('close', () => this.close('client_closed'));
  }

  get userId(): string {
    return this.identity.userId;
  }

  get tenantId(): string | undefined {
    return this.identity.tenantId;
  }

  get isOpen(): boolean {
    return this.state === 'open';
  }

  /**
   * Starts the stream: `retry` + `connected`, then heartbeats and live events. The
   * sink is only created if the client is still there.
   */
  attach(createSink: () => SseSink): void {
    if (this.state !== 'pending') return;
    const sink = (this.sink = createSink());
    this.state = 'open';
    const { retry, heartbeatInterval } = this.host.settings;
    sink.write(
      controlEvent(
        'connected',
        this.lastId,
        {
          clientId: this.id,
          userId: this.userId,
          tenantId: this.tenantId ?? null,
          topics: this.topics,
        },
        retry,
      ),
    );
    this.heartbeatTimer = setInterval(
      () => this.heartbeat(),
      heartbeatInterval,
    );
    this.heartbeatTimer.unref();
    this.response.on('drain', () => this.flush());
    this.subscription = this.host.subscribeTargets(this);
    this.host.opened(this);
    this.armExpiry();
  }

  /** Queues or writes one event; a client with a full queue is disconnected. */
  deliver(event: SseWireEvent): void {
    if (this.state !== 'open') return;
    if (this.queue.length === 0 && !this.sink!.backpressured) {
      this.write(event);
    } else if (this.queue.length < this.host.settings.clientBufferSize) {
      this.queue.push(event);
    } else {
      this.close('slow_consumer', 1);
    }
  }

  /**
   * Ends the stream. Unless the client itself left, it is told why with
   * `event: close {reason}` first. Idempotent.
   */
  close(reason: SseCloseReason, droppedNow = 0): void {
    if (this.state === 'closed') return;
    const wasOpen = this.state === 'open';
    this.state = 'closed';
    clearInterval(this.heartbeatTimer);
    clearTimeout(this.expiryTimer);
    this.subscription?.unsubscribe();
    const dropped = droppedNow + this.queue.length;
    this.queue = [];
    if (wasOpen && reason !== 'client_closed') {
      this.sink!.write(controlEvent('close', this.lastId, { reason }));
      this.sink!.end();
    }
    this.host.closed(this, reason, dropped);
  }

  info(): SseClientInfo {
    return {
      clientId: this.id,
      userId: this.userId,
      tenantId: this.tenantId,
      topics: [...this.topics],
      connectedAt: this.connectedAt,
      pendingEvents: this.queue.length,
      remoteAddress: this.request.socket?.remoteAddress,
      userAgent: this.request.headers['user-agent'],
    };
  }

  private write(event: SseWireEvent): void {
    this.sink!.write(event);
    if (event.isMessage) {
      this.lastId = event.id;
      this.host.delivered();
    }
  }

  private flush(): void {
    if (this.state !== 'open') return;
    this.lastProgressAt = Date.now();
    let written = 0;
    while (written < this.queue.length && !this.sink!.backpressured) {
      this.write(this.queue[written++]);
    }
    if (written > 0) this.queue = this.queue.slice(written);
  }

  private heartbeat(): void {
    const now = Date.now();
    if (this.sink!.backpressured || this.queue.length > 0) {
      if (now - this.lastProgressAt >= this.host.settings.clientTimeout)
        this.close('timeout');
      return;
    }
    this.lastProgressAt = now;
    this.sink!.write(controlEvent('heartbeat', this.lastId, {}));
  }

  private armExpiry(): void {
    if (this.expiresAt === undefined) return;
    const remaining = this.expiresAt - Date.now();
    if (remaining <= 0) {
      this.close('token_expired');
      return;
    }
    this.expiryTimer = setTimeout(
      () => this.armExpiry(),
      Math.min(remaining, MAX_TIMER_MS),
    );
    this.expiryTimer.unref();
  }
}
