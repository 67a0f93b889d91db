import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Subscription } from 'rxjs';
import type { SseIdentity } from '../auth/sse-identity.interface.js';
import type { SseClientInfo } from '../core/sse-client-info.interface.js';
import {
  controlEvent,
  isWellFormedEventId,
  type SseWireEvent,
} from '../core/sse-frame.js';
import type { SsePosition, SseReadOutcome } from '../core/sse-position.js';
import type { SseCloseReason } from '../core/sse-reasons.js';
import { resetOrDestroy } from './reset-or-destroy.util.js';
import type { SseHeartbeatScheduler } from './sse-heartbeat.scheduler.js';
import type { SseSink } from './sse-sink.interface.js';

/** What a connection needs from the hub that owns it. @internal */
export interface SseConnectionHost {
  readonly settings: {
    clientBufferSize: number;
    clientBufferBytes: number;
    heartbeatInterval: number;
    clientTimeout: number;
    retry: number;
    maxConnectionAge: number;
    reconnectJitter: number;
  };
  /** The retained messages after `cursor` for this connection's targets, or why not. */
  replay(connection: SseConnection, cursor: string): Promise<SseReadOutcome>;
  opened(connection: SseConnection): void;
  closed(
    connection: SseConnection,
    reason: SseCloseReason,
    dropped: number,
  ): void;
  /** A message was written to the stream. */
  delivered(connection: SseConnection): void;
  /** Sends each open stream's heartbeats. */
  readonly heartbeats: SseHeartbeatScheduler;
}

/** An event's size on the wire: computed once per message, shared by its recipients. */
const wireBytes = (event: SseWireEvent): number =>
  event.byteLength ?? event.frame.length;

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
 * Lifecycle: created by `SseConnectionHub.admit()` when the request is accepted
 * (its slot counts against the limits from then on), subscribed (`hold`) and
 * positioned (`prepare`) there, `attach()` once the response can be written,
 * `close(reason)` exactly once. Messages that arrive before the stream is
 * open, or while a replay is read, are held and then de-duplicated by
 * sequence, so none is lost or sent twice.
 * @internal
 */
export class SseConnection {
  /** Epoch milliseconds (a number: one Date less per stream). */
  private readonly openedAt = Date.now();
  private state: 'pending' | 'replaying' | 'open' | 'closed' = 'pending';
  private sink?: SseSink;
  private queue: SseWireEvent[] = [];
  /** Wire bytes of `queue`. */
  private queuedBytes = 0;
  /** Live messages that arrive while the replay is being read. */
  private held: SseWireEvent[] = [];
  /** Wire bytes of `held`. */
  private heldBytes = 0;
  private subscription?: Subscription;
  private ageTimer?: NodeJS.Timeout;
  private expiryTimer?: NodeJS.Timeout;
  /** Last time the socket took data; a stream stuck longer than clientTimeout is dead. */
  private lastProgressAt = Date.now();
  /** Id of the last message written; control events repeat it. */
  private lastId: string;
  /** The last message accepted (written or queued): for de-duplication and resuming. */
  private accepted: SsePosition = { seq: 0, id: '' };
  /** A resume was asked while the stream was starting or replaying: run it after. */
  private resumeDue = false;
  /** Where the stream starts: every later message comes through the subscription. */
  private start?: SsePosition;
  /** When the credentials expire, epoch ms; a token refresh moves it. */
  private expiresAt?: number;
  /** What the hub adds to the stream's targets: one function per stream, for every key. */
  readonly receive = (event: SseWireEvent): void => this.deliver(event);

  constructor(
    readonly id: string,
    readonly identity: SseIdentity,
    /** Its topics: those it connected with, as changed since by the hub. */
    public topics: readonly string[],
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

  /** Whether the stream started (`attach()` wrote its first event), even if it has closed since. */
  get started(): boolean {
    return this.sink !== undefined;
  }

  /** Takes the subscription to the connection's targets (dropped at once if already closed). */
  hold(subscription: Subscription): void {
    if (this.state === 'closed') subscription.unsubscribe();
    else this.subscription = subscription;
  }

  /** Records the head at which the subscription was confirmed. */
  prepare(start: SsePosition): void {
    this.start = start;
  }

  /**
   * Starts the stream: `retry` + `connected`; then, with a cursor, the missed
   * messages (or a `reset`); then live messages. The sink is only created if
   * the client is still there.
   */
  attach(createSink: () => SseSink): void {
    if (this.state === 'closed') {
      // Dropped before it could start (e.g. held too much): the client
      // reconnects with its Last-Event-ID.
      this.response.destroy();
      return;
    }
    if (this.state !== 'pending') return;
    const sink = (this.sink = createSink());
    const start = this.start!;
    if (this.cursor === undefined) {
      // A fresh client starts with the current position as its cursor, so a
      // reconnect before its first message still replays what it missed.
      this.accepted = start;
      this.lastId = start.id;
      this.state = 'open';
    }
    const { retry, maxConnectionAge } = this.host.settings;
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
    this.host.heartbeats.add(this);
    if (maxConnectionAge > 0) {
      this.ageTimer = setTimeout(() => this.close('max_age'), maxConnectionAge);
      this.ageTimer.unref();
    }
    sink.onDrain(() => this.flush());
    this.host.opened(this);
    if (this.cursor !== undefined) this.replayFrom(this.cursor, start);
    else this.release();
    this.armExpiry();
  }

  /** Queues or writes one event; a client with a full queue is disconnected. */
  deliver(event: SseWireEvent): void {
    if (this.state === 'pending' || this.state === 'replaying') {
      const bytes = wireBytes(event);
      const { clientBufferSize, clientBufferBytes } = this.host.settings;
      if (
        this.held.length < clientBufferSize &&
        this.heldBytes + bytes <= clientBufferBytes
      ) {
        this.held.push(event);
        this.heldBytes += bytes;
      } else {
        this.close('slow_consumer', 1);
      }
      return;
    }
    if (this.state === 'open') this.accept(event, false);
  }

  /**
   * Fetches what this stream may have missed since its last message (the
   * instance's subscription was interrupted) and sends it, or a `reset`.
   */
  resume(): void {
    if (this.state === 'open') this.replayFrom(this.accepted.id, this.accepted);
    else if (this.state !== 'closed') this.resumeDue = true;
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
    this.host.heartbeats.remove(this);
    clearTimeout(this.ageTimer);
    clearTimeout(this.expiryTimer);
    this.subscription?.unsubscribe();
    const dropped = droppedNow + this.queue.length + this.held.length;
    this.queue = [];
    this.held = [];
    this.queuedBytes = this.heldBytes = 0;
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
    this.sink?.release();
    this.host.closed(this, reason, dropped);
  }

  /**
   * Moves the stream's expiry to that of refreshed credentials (epoch ms;
   * undefined: they do not expire). A stream not yet attached arms it then.
   */
  renew(expiresAt: number | undefined): void {
    if (this.state === 'closed') return;
    this.expiresAt = expiresAt;
    clearTimeout(this.expiryTimer);
    this.expiryTimer = undefined;
    if (this.sink) this.armExpiry();
  }

  info(): SseClientInfo {
    return {
      clientId: this.id,
      userId: this.userId,
      tenantId: this.tenantId,
      topics: [...this.topics],
      connectedAt: new Date(this.openedAt),
      pendingEvents: this.queue.length + this.held.length,
      remoteAddress: this.request.socket?.remoteAddress,
      userAgent: this.request.headers['user-agent'],
    };
  }

  /** Holds live messages while the history after `cursor` is read; `fallback` positions a reset if the read fails. */
  private replayFrom(cursor: string, fallback: SsePosition): void {
    this.state = 'replaying';
    this.host.replay(this, cursor).then(
      (outcome) => this.endReplay(outcome, cursor),
      () => this.endReplay({ reset: 'history_gap', head: fallback }, cursor),
    );
  }

  /**
   * Sends the replay (or the reset), then what was held meanwhile. Replayed
   * messages are not bounded by the queue: they are already retained by the
   * history, so sending them costs no more than holding them.
   */
  private endReplay(outcome: SseReadOutcome, cursor: string): void {
    if (this.state !== 'replaying') return;
    this.state = 'open';
    if ('reset' in outcome) {
      // The client is told to reload; from here on, its cursor is "now", and
      // what was queued before it is superseded by the reload.
      this.accepted = outcome.head;
      this.lastId = outcome.head.id;
      this.queue = [];
      this.queuedBytes = 0;
      this.sink!.write(
        controlEvent('reset', this.lastId, {
          recovered: false,
          reason: outcome.reset,
          cursor: cursor.slice(0, 128),
        }),
      );
    } else {
      outcome.envelopes.forEach((envelope) => this.accept(envelope, true));
    }
    this.release();
  }

  /** Sends what was held while the stream was starting or replaying, then runs a resume asked meanwhile. */
  private release(): void {
    const held = this.held;
    this.held = [];
    this.heldBytes = 0;
    held.forEach((event) => this.deliver(event));
    if (this.resumeDue && this.state === 'open') {
      this.resumeDue = false;
      this.resume();
    }
  }

  /**
   * Writes or queues a message newer than the last accepted one. What may
   * wait is bounded in events and in bytes, counting what the socket holds:
   * the kernel's buffer fills before the socket refuses anything, so events
   * only start to wait once much has gone unread.
   */
  private accept(event: SseWireEvent, unbounded: boolean): void {
    if (event.seq !== undefined) {
      if (event.seq <= this.accepted.seq) return;
      this.accepted = { seq: event.seq, id: event.id };
    }
    const sink = this.sink!;
    if (this.queue.length === 0 && !sink.backpressured) {
      this.write(event);
      return;
    }
    const bytes = wireBytes(event);
    const { clientBufferSize, clientBufferBytes } = this.host.settings;
    if (
      unbounded ||
      (this.queue.length < clientBufferSize &&
        this.queuedBytes + bytes + sink.pendingBytes <= clientBufferBytes)
    ) {
      this.queue.push(event);
      this.queuedBytes += bytes;
    } else {
      this.close('slow_consumer', 1);
    }
  }

  private write(event: SseWireEvent): void {
    this.sink!.write(event);
    if (event.isMessage) {
      this.lastId = event.id;
      this.host.delivered(this);
    }
  }

  private flush(): void {
    if (this.state !== 'open') return;
    this.lastProgressAt = Date.now();
    let written = 0;
    while (written < this.queue.length && !this.sink!.backpressured) {
      const event = this.queue[written++];
      this.queuedBytes -= wireBytes(event);
      this.write(event);
    }
    if (written > 0) this.queue = this.queue.slice(written);
  }

  /** Called by the scheduler every heartbeatInterval; a stream stuck for clientTimeout is closed. */
  heartbeat(): void {
    if (this.state === 'closed') return;
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
    const { request, response } = this;
    if (response.writableFinished) return;
    const cut = setTimeout(
      () => resetOrDestroy(request, response),
      STALLED_CUT_MS,
    );
    cut.unref();
    response.once('finish', () => clearTimeout(cut));
    response.once('close', () => clearTimeout(cut));
  }
}
