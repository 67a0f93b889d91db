import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { BehaviorSubject, distinctUntilChanged, type Observable } from 'rxjs';
import { parseCursor } from '../../core/message-id.js';
import type { SseEnvelope } from '../../core/sse-envelope.js';
import type { SsePosition, SseReadOutcome } from '../../core/sse-position.js';
import type { SseResetReason } from '../../core/sse-reasons.js';
import { TransportUnavailableError } from '../../errors/transport-unavailable.error.js';
import { SSE_MESSAGES } from '../../errors/sse-error.messages.js';
import type { ResolvedSseRedisTransportOptions } from '../../options/resolved-sse-options.interface.js';
import type {
  SseControlCommand,
  SseControlResult,
  SseOutgoing,
  SsePublished,
  SseTransport,
  SseTransportListener,
} from '../sse-transport.interface.js';
import { RedisCommandRunner } from './redis-command-runner.js';
import {
  checkRedisVersion,
  closeConnection,
  createRedisConnections,
  describeError,
  type ScriptedRedis,
} from './redis-connections.js';
import { RedisControl } from './redis-control.js';
import { RedisEpoch } from './redis-epoch.js';
import { RedisKeys } from './redis-keys.js';
import { RedisMessageCodec } from './redis-message.codec.js';
import { RedisPresence } from './redis-presence.js';
import { RedisRateLimiter } from './redis-rate-limiter.js';
import { RedisSubscriber } from './redis-subscriber.js';

/** Cursor epoch of a read of everything retained (no cursor, never a gap). */
const ALL = '*';

/**
 * Messages, history and presence in Redis, shared by every instance.
 *
 * - A publish runs one Lua script: next cluster-wide sequence, XADD to the
 *   target's history stream (trimmed to `history.size`, entries older than
 *   `history.ttl` deleted), PUBLISH on the target's channel.
 * - Fan-out and the subscriber's health are {@link RedisSubscriber}'s;
 *   presence and per-user caps are {@link RedisPresence}'s, rate limits
 *   {@link RedisRateLimiter}'s; commands for every instance are
 *   {@link RedisControl}'s; the stored format is {@link RedisMessageCodec}'s.
 * - A revocation is a string key per user holding its `notBefore`, with
 *   the revocation's lifetime as its TTL.
 * - When the subscriber comes back after an interruption, every local stream
 *   resumes from its last message through the history, once commands work
 *   too.
 * - When Redis lost its data, a new epoch ({@link RedisEpoch}) starts. Every
 *   script (publish, read, canary) answers with the epoch, and a message of
 *   another epoch may announce one: every local stream then resumes from its
 *   position, before that message is delivered, and those whose position the
 *   new epoch does not cover get `reset`.
 * @internal
 */
export class RedisTransport implements SseTransport {
  readonly kind = 'redis';
  readonly instanceId = randomBytes(5).toString('hex');
  readonly cluster: RedisPresence;
  readonly rateLimiter: RedisRateLimiter;
  private readonly logger = new Logger('SseRedisTransport');
  private readonly keys: RedisKeys;
  private readonly cmd: ScriptedRedis;
  private readonly sub: Redis;
  private readonly commands: RedisCommandRunner;
  private readonly subscriber: RedisSubscriber;
  private readonly controls: RedisControl;
  private readonly readiness = new BehaviorSubject(false);
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly epoch = new RedisEpoch();
  private listener?: SseTransportListener;
  /** Set when the subscriber came back: streams resume once commands work too. */
  private resumeDue = false;
  private closing = false;

  readonly readiness$: Observable<boolean> = this.readiness.pipe(
    distinctUntilChanged(),
  );

  constructor(
    private readonly options: ResolvedSseRedisTransportOptions,
    private readonly history: { size: number; ttl: number },
  ) {
    this.keys = new RedisKeys(options.keyPrefix);
    ({ cmd: this.cmd, sub: this.sub } = createRedisConnections(options));
    this.commands = new RedisCommandRunner(options.commandTimeout, () => {
      // It may have run a script that made the candidate the epoch.
      this.epoch.retireCandidate();
      this.updateReadiness();
    });
    this.cluster = new RedisPresence(
      this.cmd,
      this.keys,
      this.instanceId,
      options.presenceTtl,
      this.commands,
      this.logger,
    );
    this.rateLimiter = new RedisRateLimiter(
      this.cmd,
      this.keys,
      this.instanceId,
      this.commands,
    );
    this.controls = new RedisControl(
      this.cmd,
      this.keys,
      this.instanceId,
      options.commandTimeout,
      this.commands,
      this.logger,
      (command) =>
        this.listener
          ? this.listener.execute(command)
          : Promise.resolve({ count: 0 }),
    );
    this.subscriber = new RedisSubscriber(
      this.sub,
      this.cmd,
      [this.keys.instanceChannel(this.instanceId), this.keys.control],
      this.commands,
      {
        control: (message) => this.controls.received(message),
        message: (envelope) => {
          // Streams resume first, so that they hold this message.
          if (this.epoch.isNews(envelope.id)) this.listener?.resume();
          this.listener?.deliver(envelope);
        },
        resubscribed: () => {
          this.resumeDue = true;
          this.resumeIfDue();
        },
        changed: () => {
          this.updateReadiness();
          this.resumeIfDue();
        },
        canaryMissed: () => this.listener?.canaryMissed?.(),
        sendCanary: async (body) =>
          this.noticeEpoch(
            await this.commands.run(() =>
              this.cmd.sseCanary(
                2,
                this.keys.epoch,
                this.keys.seq,
                this.epoch.candidate,
                this.keys.instanceChannel(this.instanceId),
                body,
              ),
            ),
          ),
      },
      this.logger,
    );
    // Without these listeners ioredis reports every failed attempt as an
    // unhandled error; the state is tracked through the readiness signal.
    this.cmd.on('error', (err: Error) => this.onError('command', err));
    this.sub.on('error', (err: Error) => this.onError('subscriber', err));
    this.cmd.on('ready', () => {
      this.updateReadiness();
      this.resumeIfDue();
    });
    this.cmd.on('close', () => this.updateReadiness());
  }

  get ready(): boolean {
    return this.readiness.value;
  }

  listen(listener: SseTransportListener): void {
    this.listener = listener;
  }

  async start(): Promise<void> {
    try {
      await this.cmd.connect();
      await checkRedisVersion(this.cmd);
      await this.sub.connect();
      await this.commands.withTimeout(
        this.subscriber.firstSubscribed,
        'subscribe',
      );
      await this.settle([]);
    } catch (err) {
      await this.close();
      throw new TransportUnavailableError(
        SSE_MESSAGES.TRANSPORT_START_FAILED(describeError(err)),
      );
    }
    this.subscriber.startCanary(this.options.canaryInterval);
    const refresh = () => {
      if (this.listener) this.cluster.refresh(this.listener.stats());
    };
    this.every(Math.floor(this.options.presenceTtl / 3), refresh);
    refresh();
  }

  async publish(outgoing: SseOutgoing): Promise<SsePublished> {
    const { target, key, idempotencyKey } = outgoing;
    const keys = [this.keys.epoch, this.keys.seq];
    if (key !== undefined && this.history.size > 0)
      keys.push(this.keys.history(key));
    const idempotent = key !== undefined && idempotencyKey !== undefined;
    if (idempotent) keys.push(this.keys.idempotency(key, idempotencyKey));
    const channel =
      target.type === 'client'
        ? this.keys.instanceChannel(target.clientId.split('.')[0])
        : this.keys.channel(key!);
    const [seq, epoch, firstCreatedAt] = await this.commands.run(() =>
      this.cmd.ssePublish(
        keys.length,
        ...keys,
        this.epoch.candidate,
        channel,
        RedisMessageCodec.encode(outgoing),
        this.history.size,
        this.history.ttl,
        idempotent ? outgoing.createdAt.getTime() : '',
      ),
    );
    if (firstCreatedAt !== undefined)
      return {
        seq: Number(seq),
        id: `${epoch}-${seq}`,
        firstCreatedAt: Number(firstCreatedAt),
      };
    this.noticeEpoch(epoch);
    return { seq: Number(seq), id: `${epoch}-${seq}` };
  }

  watch(key: string): void {
    this.subscriber.watch(this.keys.channel(key));
  }

  unwatch(key: string): void {
    this.subscriber.unwatch(this.keys.channel(key));
  }

  async settle(keys: readonly string[]): Promise<SsePosition> {
    await this.subscriber.whenSubscribed(
      keys.map((key) => this.keys.channel(key)),
    );
    const [, epoch, head] = await this.readScript([], '', 0);
    this.noticeEpoch(epoch);
    return { seq: Number(head), id: `${epoch}-${head}` };
  }

  async read(
    keys: readonly string[],
    cursorValue?: string,
  ): Promise<SseReadOutcome> {
    const cursor =
      cursorValue === undefined
        ? { epoch: ALL, seq: 0 }
        : parseCursor(cursorValue);
    // A malformed cursor still needs the head, to position the reset.
    const reply = await this.readScript(
      keys.map((key) => this.keys.history(key)),
      cursor?.epoch ?? 'none',
      cursor?.seq ?? 0,
    );
    const [status, epoch, head] = reply;
    this.noticeEpoch(epoch);
    const position = { seq: Number(head), id: `${epoch}-${head}` };
    if (!cursor) return { reset: 'unknown_cursor', head: position };
    if (status !== 'ok')
      return { reset: status as SseResetReason, head: position };
    const envelopes: SseEnvelope[] = [];
    for (let i = 3; i < reply.length; i += 2) {
      const seq = RedisMessageCodec.entrySeq(reply[i]);
      envelopes.push(RedisMessageCodec.decode(seq, epoch, reply[i + 1]));
    }
    envelopes.sort((a, b) => a.seq - b.seq);
    return { envelopes, head: position };
  }

  newClientId(): string {
    return `${this.instanceId}.${randomBytes(12).toString('hex')}`;
  }

  control(command: SseControlCommand): Promise<SseControlResult> {
    const { clientId } = command.select;
    const channel =
      clientId === undefined
        ? this.keys.control
        : this.keys.instanceChannel(clientId.split('.')[0]);
    return this.controls.send(channel, command);
  }

  async revoke(userKey: string, notBefore: number, ttl: number): Promise<void> {
    await this.commands.run(() =>
      this.cmd.sseRevoke(this.keys.revocation(userKey), notBefore, ttl),
    );
  }

  async revokedBefore(userKey: string): Promise<number | undefined> {
    const value = await this.commands.run(() =>
      this.cmd.get(this.keys.revocation(userKey)),
    );
    return value === null ? undefined : Number(value);
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.timers.forEach((timer) => clearInterval(timer));
    this.subscriber.stop();
    await this.commands.drain();
    await this.cluster.withdraw();
    this.readiness.next(false);
    this.readiness.complete();
    await closeConnection(this.sub);
    await closeConnection(this.cmd);
  }

  /** Messages published while the subscriber was away are in the history: streams read them. */
  private resumeIfDue(): void {
    if (!this.resumeDue || !this.ready) return;
    this.resumeDue = false;
    this.logger.log(
      'subscriber reconnected; streams resume from their last message',
    );
    this.listener?.resume();
  }

  /** Callers pass the epoch of the answer to {@link noticeEpoch}. */
  private readScript(
    streams: string[],
    cursorEpoch: string,
    cursorSeq: number,
  ): Promise<string[]> {
    const keys = [this.keys.epoch, this.keys.seq, ...streams];
    return this.commands.run(() =>
      this.cmd.sseRead(
        keys.length,
        ...keys,
        this.epoch.candidate,
        cursorEpoch,
        String(cursorSeq),
        this.history.ttl,
        this.history.size > 0 ? '1' : '0',
      ),
    );
  }

  /** Takes the epoch of a script's answer; a new one means Redis lost the old one's data. */
  private noticeEpoch(epoch: string): void {
    const previous = this.epoch.answered(epoch);
    if (previous === undefined) return;
    this.logger.warn(
      `Redis lost the data of epoch ${previous} (flushed, restarted without persistence, or the key evicted); ids continue in epoch ${epoch}, and streams that cannot be replayed get reset`,
    );
    this.listener?.resume();
  }

  private updateReadiness(): void {
    if (this.closing) return;
    const ready =
      this.cmd.status === 'ready' &&
      this.sub.status === 'ready' &&
      this.subscriber.isSubscribed;
    if (ready !== this.readiness.value) {
      this.logger[ready ? 'log' : 'warn'](
        ready ? 'Redis transport ready' : 'Redis transport not ready',
      );
    }
    this.readiness.next(ready);
  }

  private onError(connection: string, err: Error): void {
    this.logger.debug(`${connection} connection: ${describeError(err)}`);
    this.updateReadiness();
  }

  private every(ms: number, run: () => void): void {
    const timer = setInterval(run, ms);
    timer.unref();
    this.timers.push(timer);
  }
}
