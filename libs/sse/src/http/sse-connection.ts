import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Subscription } from 'rxjs';
import type { SseIdentity } from '../auth/sse-identity.interface.js';
import type {
  SseClientInfo,
  SseCloseReason,
} from '../broker/sse-client-info.interface.js';
import type { SseEnvelope } from '../broker/sse-envelope.js';
import {
  controlEvent,
  isWellFormedEventId,
  type SseWireEvent,
} from './sse-frame.util.js';
import type { SseSink } from './sse-sink.interface.js';

/** Why a cursor could not be honoured. @publicApi */
export type SseResetReason = 'unknown_cursor' | 'history_gap';

/** What a replay produced: the missed messages, or a reset. @internal */
export type SseReplayOutcome =
  { envelopes: SseEnvelope[] } | { reset: SseResetReason };

/** What a connection needs from the broker that owns it. @internal */
export interface SseConnectionHost {
  readonly settings: {
    clientBufferSize: number;
    heartbeatInterval: number;
    clientTimeout: number;
    retry: number;
    maxConnectionAge: number;
    reconnectJitter: number;
  };
  /** Sequence of the newest message published so far. */
  readonly headSeq: number;
  formatId(seq: number): string;
  /** Subscribes the connection to its user, topics and tenant broadcast. */
  subscribeTargets(connection: SseConnection): Subscription;
  /** The retained messages after `cursor` for this connection's targets, or why not. */
  replay(connection: SseConnection, cursor: string): Promise<SseReplayOutcome>;
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
/** Close reasons after which clients should spread their reconnects. */
const JITTERED: ReadonlySet<SseCloseReason> = new Set(['max_age', 'shutdown']);
/** Close reasons of a client that is not reading: its socket may never drain. */
const STALLED: ReadonlySet<SseCloseReason> = new Set([
  'slow_consumer',
  'timeout',
]);
/**
 * How long a stalled client gets to read its final `close` event before its
 * socket is cut. Without this, a half-open connection (SSE sockets have no
 * idle timeout) would keep its unsent buffers forever.
 */
const STALLED_CUT_MS = 2_000;

/**
 * One open stream: it owns the connection's state (bounded queue, replay,
 * heartbeat, token expiry, maximum age, close) and writes through a thin
 * {@link SseSink}.
 *
 * Lifecycle: created by `SseBroker.admit()` when the request is accepted
 * (its slot counts against the limits from then on), `attach()` once the
 * response can be written, `close(reason)` exactly once.
 * @internal
 */
export class SseConnection {
  readonly connectedAt = new Date();
  private state: 'pending' | 'replaying' | 'open' | 'closed' = 'pending';
  private sink?: SseSink;
  private queue: SseWireEvent[] = [];
  /** Live messages that arrive while the replay is being read. */
  private held: SseWireEvent[] = [];
  private subscription?: Subscription;
  private readonly timers: NodeJS.Timeout[] = [];
  private expiryTimer?: NodeJS.Timeout;
  /** Last time the socket took data; a stream stuck longer than clientTimeout is dead. */
  private lastProgressAt = Date.now();
  /** Id and sequence of the last message written; control events repeat the id. */
  private lastId: string;
  private lastSeq = 0;
  private readonly expiresAt?: number;

  constructor(
    readonly id: string,
    readonly identity: SseIdentity,
    readonly topics: readonly string[],
    readonly request: IncomingMessage,
    readonly response: ServerResponse,
    private readonly host: SseConnectionHost,
    /** The client's Last-Event-ID (or `?lastEventId=`), as sent. */
    private readonly cursor?: string,
  ) {
    this.lastId = isWellFormedEventId(cursor) ? cursor : '';
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
    return this.state === 'open' || this.state === 'replaying';
  }

  /**
   * Starts the stream: `retry` + `connected`; then, with a cursor, the missed
   * messages (or a `reset`); then live messages. The sink is only created if
   * the client is still there.
   */
  attach(createSink: () => SseSink): void {
    if (this.state !== 'pending') return;
    const sink = (this.sink = createSink());
    this.state = this.cursor === undefined ? 'open' : 'replaying';
    // Subscribed before the history is read: what is published meanwhile is
    // held, then sent after the replay without duplicates (by sequence).
    const headSeq = this.host.headSeq;
    if (this.cursor === undefined) {
      // A fresh client starts with the current position as its cursor, so a
      // reconnect before its first message still replays what it missed.
      this.lastSeq = headSeq;
      this.lastId = this.host.formatId(headSeq);
    }
    const { retry, heartbeatInterval, maxConnectionAge } = this.host.settings;
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
    this.every(heartbeatInterval, () => this.heartbeat());
    if (maxConnectionAge > 0)
      this.after(maxConnectionAge, () => this.close('max_age'));
    this.response.on('drain', () => this.flush());
    this.subscription = this.host.subscribeTargets(this);
    this.host.opened(this);
    if (this.cursor !== undefined) {
      this.host.replay(this, this.cursor).then(
        (outcome) => this.endReplay(outcome, headSeq),
        () => this.endReplay({ reset: 'history_gap' }, headSeq),
      );
    }
    this.armExpiry();
  }

  /** Queues or writes one event; a client with a full queue is disconnected. */
  deliver(event: SseWireEvent): void {
    if (this.state === 'replaying') {
      if (this.held.length < this.host.settings.clientBufferSize)
        this.held.push(event);
      else this.close('slow_consumer', 1);
      return;
    }
    if (this.state !== 'open') return;
    if (event.seq !== undefined && event.seq <= this.lastSeq) return;
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
   * `event: close {reason}` first (with a jittered `retry:` for `max_age` and
   * `shutdown`). Idempotent.
   */
  close(reason: SseCloseReason, droppedNow = 0): void {
    if (this.state === 'closed') return;
    const wasOpen = this.isOpen;
    this.state = 'closed';
    this.timers.forEach((timer) => clearTimeout(timer));
    clearTimeout(this.expiryTimer);
    this.subscription?.unsubscribe();
    const dropped = droppedNow + this.queue.length + this.held.length;
    this.queue = [];
    this.held = [];
    if (wasOpen && reason !== 'client_closed') {
      const { retry, reconnectJitter } = this.host.settings;
      const jittered = JITTERED.has(reason)
        ? retry + Math.floor(Math.random() * (reconnectJitter + 1))
        : undefined;
      this.sink!.write(
        controlEvent('close', this.lastId, { reason }, jittered),
      );
      this.sink!.end();
      if (STALLED.has(reason)) this.cutUnlessFinished();
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
      pendingEvents: this.queue.length + this.held.length,
      remoteAddress: this.request.socket?.remoteAddress,
      userAgent: this.request.headers['user-agent'],
    };
  }

  /**
   * Sends the replay (or the reset), then what was held meanwhile. Replayed
   * messages are written without waiting for the socket: they are already in
   * memory (the history), so writing them costs no more than holding them.
   */
  private endReplay(outcome: SseReplayOutcome, headSeq: number): void {
    if (this.state !== 'replaying') return;
    this.state = 'open';
    if ('reset' in outcome) {
      // The client is told to reload; from here on, its cursor is "now".
      this.lastSeq = headSeq;
      this.lastId = this.host.formatId(headSeq);
      this.sink!.write(
        controlEvent('reset', this.lastId, {
          recovered: false,
          reason: outcome.reset,
          cursor: (this.cursor ?? '').slice(0, 128),
        }),
      );
    } else {
      outcome.envelopes.forEach((envelope) => this.write(envelope));
    }
    const held = this.held;
    this.held = [];
    held.forEach((event) => this.deliver(event));
  }

  private write(event: SseWireEvent): void {
    this.sink!.write(event);
    if (event.isMessage) {
      this.lastId = event.id;
      this.lastSeq = event.seq ?? this.lastSeq;
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
    if (this.expiresAt === undefined || this.state === 'closed') return;
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

  private cutUnlessFinished(): void {
    const response = this.response;
    if (response.writableFinished) return;
    const cut = setTimeout(() => response.destroy(), STALLED_CUT_MS);
    cut.unref();
    response.once('finish', () => clearTimeout(cut));
    response.once('close', () => clearTimeout(cut));
  }

  private every(ms: number, run: () => void): void {
    const timer = setInterval(run, ms);
    timer.unref();
    this.timers.push(timer);
  }

  private after(ms: number, run: () => void): void {
    const timer = setTimeout(run, ms);
    timer.unref();
    this.timers.push(timer);
  }
}
