import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import { BehaviorSubject, distinctUntilChanged, type Observable } from 'rxjs';
import { parseCursor } from '../broker/message-id.generator.js';
import { SseEnvelope } from '../broker/sse-envelope.js';
import type { SseTarget } from '../broker/sse-message.interface.js';
import type { SseInstanceStats } from '../broker/sse-stats.interface.js';
import { scopedKey } from '../broker/sse-validation.util.js';
import { TransportUnavailableError } from '../errors/transport-unavailable.error.js';
import { SSE_MESSAGES } from '../sse.messages.js';
import type { ResolvedSseRedisTransportOptions } from '../sse.options.js';
import {
  LIVE_COUNT_SCRIPT,
  LIVE_MEMBERS_SCRIPT,
  PUBLISH_SCRIPT,
  READ_SCRIPT,
  RELEASE_SCRIPT,
  RESERVE_SCRIPT,
} from './redis.scripts.js';
import type {
  SseClusterPresence,
  SseOutgoing,
  SsePosition,
  SsePresenceEntry,
  SseReadOutcome,
  SseTransport,
  SseTransportListener,
} from './sse-transport.interface.js';

/** The scripts, as ioredis custom commands (EVALSHA, falling back to EVAL). */
interface ScriptedRedis extends Redis {
  ssePublish(...args: (string | number)[]): Promise<[string, string]>;
  sseRead(...args: (string | number)[]): Promise<string[]>;
  sseReserve(...args: (string | number)[]): Promise<number>;
  sseRelease(...args: (string | number)[]): Promise<number>;
  sseLiveMembers(key: string): Promise<string[]>;
  sseLiveCount(key: string): Promise<number>;
}

/** A channel this instance listens to, with how many local subscribers need it. */
interface ChannelInterest {
  count: number;
  /** Settles when Redis has confirmed the subscription. */
  subscribed: Promise<void>;
}

/** First line of the canary messages an instance sends itself. */
const CANARY = 'canary';
/** Cursor epoch of a read of everything retained (no cursor, never a gap). */
const ALL = '*';
const MIN_REDIS_MAJOR = 7;

/**
 * Messages, history and presence in Redis, shared by every instance.
 *
 * - A publish runs one Lua script: next cluster-wide sequence, XADD to the
 *   target's history stream (trimmed to `history.size`, entries older than
 *   `history.ttl` deleted), PUBLISH on the target's channel.
 * - An instance subscribes only to the channels of its own subscribers
 *   (reference-counted) and to its instance channel (single-client messages
 *   and the canary), on a connection of its own.
 * - When the subscriber reconnects, or misses a canary, every local stream
 *   resumes from its last message through the history.
 * - No offline queue: while Redis is unreachable, commands fail at once, and
 *   a command that hangs fails after `commandTimeout`.
 * @internal
 */
export class RedisTransport implements SseTransport, SseClusterPresence {
  readonly kind = 'redis';
  readonly instanceId = randomBytes(5).toString('hex');
  readonly cluster: SseClusterPresence = this;
  private readonly logger = new Logger('SseRedisTransport');
  private readonly cmd: ScriptedRedis;
  private readonly sub: Redis;
  private readonly channels = new Map<string, ChannelInterest>();
  private readonly local = new Map<string, SsePresenceEntry>();
  private readonly pending = new Set<Promise<unknown>>();
  private readonly readiness = new BehaviorSubject(false);
  private readonly timers: NodeJS.Timeout[] = [];
  /** Epoch proposed if Redis has none (first start, or after a flush). */
  private readonly candidateEpoch = randomBytes(5).toString('hex');
  private subscribed = false;
  private everSubscribed = false;
  /** Set when the subscriber came back: streams resume once commands work too. */
  private resumeDue = false;
  private awaitedCanary?: number;
  private canaryCount = 0;
  private closing = false;
  /** Resolves once the subscriber has subscribed for the first time. */
  private readonly firstSubscribed: Promise<void>;
  private markSubscribed!: () => void;

  readonly readiness$: Observable<boolean> = this.readiness.pipe(
    distinctUntilChanged(),
  );

  constructor(
    private readonly options: ResolvedSseRedisTransportOptions,
    private readonly history: { size: number; ttl: number },
    private readonly listener: SseTransportListener,
    private readonly stats: () => SseInstanceStats,
  ) {
    this.firstSubscribed = new Promise((resolve) => {
      this.markSubscribed = resolve;
    });
    const connection: RedisOptions = {
      ...options.options,
      lazyConnect: true,
      enableOfflineQueue: false,
      autoResubscribe: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeout,
      connectTimeout: Math.max(options.commandTimeout, 1_000),
      retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
    };
    const create = () =>
      options.url ? new Redis(options.url, connection) : new Redis(connection);
    this.cmd = create() as ScriptedRedis;
    this.sub = create();
    const scripts = {
      ssePublish: PUBLISH_SCRIPT,
      sseRead: READ_SCRIPT,
      sseReserve: RESERVE_SCRIPT,
      sseRelease: RELEASE_SCRIPT,
    };
    for (const [name, lua] of Object.entries(scripts))
      this.cmd.defineCommand(name, { lua });
    this.cmd.defineCommand('sseLiveMembers', {
      lua: LIVE_MEMBERS_SCRIPT,
      numberOfKeys: 1,
    });
    this.cmd.defineCommand('sseLiveCount', {
      lua: LIVE_COUNT_SCRIPT,
      numberOfKeys: 1,
    });
    // Without these listeners ioredis reports every failed attempt as an
    // unhandled error; the state is tracked through the readiness signal.
    this.cmd.on('error', (err: Error) => this.onError('command', err));
    this.sub.on('error', (err: Error) => this.onError('subscriber', err));
    this.cmd.on('ready', () => {
      this.updateReadiness();
      this.resumeIfDue();
    });
    this.cmd.on('close', () => this.updateReadiness());
    this.sub.on('ready', () => void this.onSubscriberReady());
    this.sub.on('close', () => {
      this.subscribed = false;
      this.updateReadiness();
    });
    this.sub.on('message', (channel: string, body: string) =>
      this.onMessage(channel, body),
    );
  }

  get ready(): boolean {
    return this.readiness.value;
  }

  async start(): Promise<void> {
    try {
      await this.cmd.connect();
      await this.checkVersion();
      await this.sub.connect();
      await this.withTimeout(this.firstSubscribed, 'subscribe');
      await this.settle([]);
    } catch (err) {
      await this.close();
      throw new TransportUnavailableError(
        SSE_MESSAGES.TRANSPORT_START_FAILED(describe(err)),
      );
    }
    this.every(this.options.canaryInterval, () => this.canary());
    this.every(Math.floor(this.options.presenceTtl / 3), () =>
      this.refreshPresence(),
    );
    this.refreshPresence();
  }

  async publish(outgoing: SseOutgoing): Promise<SsePosition> {
    const { target, key } = outgoing;
    const header = JSON.stringify({
      e: outgoing.event,
      t: target,
      c: outgoing.createdAt.getTime(),
    });
    const keys = [this.key('epoch'), this.key('seq')];
    if (key !== undefined && this.history.size > 0)
      keys.push(this.key(`h:${key}`));
    const channel =
      target.type === 'client'
        ? this.instanceChannel(target.clientId!.split('.')[0])
        : this.channel(key!);
    const [seq, epoch] = await this.command(() =>
      this.cmd.ssePublish(
        keys.length,
        ...keys,
        this.candidateEpoch,
        channel,
        `${header}\n${outgoing.json}`,
        this.history.size,
        this.history.ttl,
      ),
    );
    return { seq: Number(seq), id: `${epoch}-${seq}` };
  }

  watch(key: string): void {
    const channel = this.channel(key);
    const interest = this.channels.get(channel);
    if (interest) {
      interest.count++;
      return;
    }
    this.channels.set(channel, {
      count: 1,
      subscribed: quiet(
        this.subscribed
          ? this.sub.subscribe(channel)
          : Promise.reject(this.unavailable('subscriber not connected')),
      ),
    });
  }

  unwatch(key: string): void {
    const channel = this.channel(key);
    const interest = this.channels.get(channel);
    if (!interest || --interest.count > 0) return;
    this.channels.delete(channel);
    if (this.subscribed) this.sub.unsubscribe(channel).catch(() => undefined);
  }

  async settle(keys: readonly string[]): Promise<SsePosition> {
    if (!this.subscribed) throw this.unavailable('subscriber not connected');
    await this.withTimeout(
      Promise.all(
        keys.map(
          (key) =>
            this.channels.get(this.channel(key))?.subscribed ??
            Promise.resolve(),
        ),
      ),
      'subscribe',
    );
    const [, epoch, head] = await this.readScript([], '', 0);
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
      keys.map((key) => this.key(`h:${key}`)),
      cursor?.epoch ?? 'none',
      cursor?.seq ?? 0,
    );
    const [status, epoch, head] = reply;
    const position = { seq: Number(head), id: `${epoch}-${head}` };
    if (!cursor) return { reset: 'unknown_cursor', head: position };
    if (status !== 'ok')
      return {
        reset: status as 'unknown_cursor' | 'history_gap',
        head: position,
      };
    const envelopes: SseEnvelope[] = [];
    for (let i = 3; i < reply.length; i += 2) {
      const seq = Number(reply[i].slice(0, reply[i].indexOf('-')));
      envelopes.push(decode(seq, epoch, reply[i + 1]));
    }
    envelopes.sort((a, b) => a.seq - b.seq);
    return { envelopes, head: position };
  }

  newClientId(): string {
    return `${this.instanceId}.${randomBytes(12).toString('hex')}`;
  }

  async reserve(entry: SsePresenceEntry, max: number): Promise<boolean> {
    const reserved = await this.command(() =>
      this.cmd.sseReserve(
        ...this.presenceArgs(entry),
        this.options.presenceTtl,
        max,
        entry.userId,
        scopedKey(entry.tenantId, entry.userId),
      ),
    );
    if (reserved === 1) this.local.set(entry.id, entry);
    return reserved === 1;
  }

  release(entry: SsePresenceEntry): void {
    if (!this.local.delete(entry.id)) return;
    this.track(
      this.cmd
        .sseRelease(
          ...this.presenceArgs(entry),
          0,
          0,
          entry.userId,
          scopedKey(entry.tenantId, entry.userId),
        )
        .catch((err: unknown) =>
          this.logger.debug(
            `presence of ${entry.id} not released (${describe(err)}); it expires`,
          ),
        ),
    );
  }

  async isUserOnline(userId: string, tenantId?: string): Promise<boolean> {
    const count = await this.command(() =>
      this.cmd.sseLiveCount(this.key(`p:${scopedKey(tenantId, userId)}`)),
    );
    return count > 0;
  }

  onlineUsers(tenantId?: string): Promise<string[]> {
    return this.command(() =>
      this.cmd.sseLiveMembers(this.key(`o:${tenantId ?? ''}`)),
    );
  }

  async instances(
    local: SseInstanceStats,
  ): Promise<{ instances: SseInstanceStats[]; totalUsers: number }> {
    const [all, totalUsers] = await this.command(() =>
      Promise.all([
        this.cmd.hgetall(this.key('instances')),
        this.cmd.sseLiveCount(this.key('users')),
      ]),
    );
    const instances = [local];
    const cutoff = Date.now() - this.options.presenceTtl;
    for (const [id, json] of Object.entries(all)) {
      if (id === this.instanceId) continue;
      const stats = reviveStats(json);
      if (stats && stats.updatedAt.getTime() > cutoff) instances.push(stats);
      else this.cmd.hdel(this.key('instances'), id).catch(() => undefined);
    }
    return { instances, totalUsers };
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.timers.forEach((timer) => clearInterval(timer));
    await Promise.allSettled(this.pending);
    if (this.cmd.status === 'ready')
      await this.cmd
        .hdel(this.key('instances'), this.instanceId)
        .catch(() => undefined);
    this.readiness.next(false);
    this.readiness.complete();
    for (const connection of [this.sub, this.cmd]) {
      if (connection.status === 'ready')
        await connection.quit().catch(() => connection.disconnect());
      else connection.disconnect();
    }
  }

  private async onSubscriberReady(): Promise<void> {
    const channels = [
      this.instanceChannel(this.instanceId),
      ...this.channels.keys(),
    ];
    const subscribed = quiet(this.sub.subscribe(...channels));
    for (const interest of this.channels.values())
      interest.subscribed = subscribed;
    try {
      await subscribed;
    } catch (err) {
      this.logger.warn(`resubscribe failed (${describe(err)}); reconnecting`);
      this.sub.disconnect(true);
      return;
    }
    this.subscribed = true;
    this.awaitedCanary = undefined;
    this.markSubscribed();
    this.updateReadiness();
    if (this.everSubscribed) this.resumeDue = true;
    this.everSubscribed = true;
    this.resumeIfDue();
  }

  /** Messages published while the subscriber was away are in the history: streams read them. */
  private resumeIfDue(): void {
    if (!this.resumeDue || !this.ready) return;
    this.resumeDue = false;
    this.logger.log(
      'subscriber reconnected; streams resume from their last message',
    );
    this.listener.resume();
  }

  private onMessage(channel: string, body: string): void {
    const first = body.indexOf('\n');
    const head = body.slice(0, first);
    if (head === CANARY) {
      if (Number(body.slice(first + 1)) === this.awaitedCanary)
        this.awaitedCanary = undefined;
      this.updateReadiness();
      return;
    }
    const second = body.indexOf('\n', first + 1);
    try {
      this.listener.deliver(
        decode(
          Number(head),
          body.slice(first + 1, second),
          body.slice(second + 1),
        ),
      );
    } catch (err) {
      this.logger.error(
        `undeliverable message on ${channel}: ${describe(err)}`,
      );
    }
  }

  /**
   * Publishes to this instance's own channel: the subscriber must see it
   * before the next one is due, or it is reconnected (a connection can stay
   * open and still stop delivering, which PING on it would not show).
   */
  private canary(): void {
    if (this.awaitedCanary !== undefined && this.subscribed) {
      this.logger.warn('subscriber missed its canary; reconnecting it');
      this.awaitedCanary = undefined;
      this.subscribed = false;
      this.updateReadiness();
      this.sub.disconnect(true);
      return;
    }
    if (!this.subscribed || this.cmd.status !== 'ready') return;
    const n = ++this.canaryCount;
    this.awaitedCanary = n;
    this.cmd
      .publish(this.instanceChannel(this.instanceId), `${CANARY}\n${n}`)
      .catch(() => {
        // Not sent because the command connection is down: nothing to
        // expect. A publish that timed out stays awaited: the path to Redis
        // is suspect, and reconnecting the subscriber is cheap.
        if (this.cmd.status !== 'ready' && this.awaitedCanary === n)
          this.awaitedCanary = undefined;
      });
  }

  /** Pushes the expiry of this instance's presence entries and its stats. */
  private refreshPresence(): void {
    if (this.cmd.status !== 'ready') return;
    const ttl = this.options.presenceTtl;
    const pipeline = this.cmd.pipeline();
    for (const entry of this.local.values()) {
      // Queued on the pipeline; its result arrives with exec().
      void (pipeline as unknown as ScriptedRedis).sseReserve(
        ...this.presenceArgs(entry),
        ttl,
        0,
        entry.userId,
        scopedKey(entry.tenantId, entry.userId),
      );
    }
    pipeline.hset(
      this.key('instances'),
      this.instanceId,
      JSON.stringify(this.stats()),
    );
    pipeline.pexpire(this.key('instances'), ttl * 10);
    this.track(
      pipeline
        .exec()
        .catch((err: unknown) =>
          this.logger.debug(`presence refresh failed: ${describe(err)}`),
        ),
    );
  }

  private presenceArgs(entry: SsePresenceEntry): (string | number)[] {
    return [
      3,
      this.key(`p:${scopedKey(entry.tenantId, entry.userId)}`),
      this.key(`o:${entry.tenantId ?? ''}`),
      this.key('users'),
      entry.id,
    ];
  }

  private readScript(
    streams: string[],
    cursorEpoch: string,
    cursorSeq: number,
  ): Promise<string[]> {
    const keys = [this.key('epoch'), this.key('seq'), ...streams];
    return this.command(() =>
      this.cmd.sseRead(
        keys.length,
        ...keys,
        this.candidateEpoch,
        cursorEpoch,
        String(cursorSeq),
        this.history.ttl,
        this.history.size > 0 ? '1' : '0',
      ),
    );
  }

  private async checkVersion(): Promise<void> {
    const info = await this.cmd.info('server');
    const version = /redis_version:(\d+)/.exec(info)?.[1];
    if (!version || Number(version) < MIN_REDIS_MAJOR)
      throw new Error(SSE_MESSAGES.REDIS_TOO_OLD(version ?? 'unknown'));
  }

  /** Runs a command; any failure (down, timed out) is `transport_unavailable`. */
  private async command<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      this.updateReadiness();
      throw this.unavailable(describe(err));
    }
  }

  private async withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(this.unavailable(`${what} timed out`)),
        this.options.commandTimeout,
      );
    });
    try {
      return await Promise.race([promise, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private unavailable(reason: string): TransportUnavailableError {
    return new TransportUnavailableError(
      SSE_MESSAGES.TRANSPORT_UNAVAILABLE(reason),
    );
  }

  private updateReadiness(): void {
    if (this.closing) return;
    const ready =
      this.cmd.status === 'ready' &&
      this.sub.status === 'ready' &&
      this.subscribed;
    if (ready !== this.readiness.value) {
      this.logger[ready ? 'log' : 'warn'](
        ready ? 'Redis transport ready' : 'Redis transport not ready',
      );
    }
    this.readiness.next(ready);
  }

  private onError(connection: string, err: Error): void {
    this.logger.debug(`${connection} connection: ${describe(err)}`);
    this.updateReadiness();
  }

  private track(promise: Promise<unknown>): void {
    this.pending.add(promise);
    void promise.finally(() => this.pending.delete(promise));
  }

  private every(ms: number, run: () => void): void {
    const timer = setInterval(run, ms);
    timer.unref();
    this.timers.push(timer);
  }

  private key(name: string): string {
    return `${this.options.keyPrefix}${name}`;
  }

  private channel(key: string): string {
    return this.key(`m:${key}`);
  }

  private instanceChannel(instanceId: string): string {
    return this.key(`i:${instanceId}`);
  }
}

/** Rebuilds a published message from its history entry or channel body (`header \n data`). */
function decode(seq: number, epoch: string, body: string): SseEnvelope {
  const split = body.indexOf('\n');
  const header = JSON.parse(body.slice(0, split)) as {
    e: string;
    t: SseTarget;
    c: number;
  };
  const json = body.slice(split + 1);
  return new SseEnvelope(
    {
      id: `${epoch}-${seq}`,
      event: header.e,
      data: JSON.parse(json) as unknown,
      target: header.t,
      createdAt: new Date(header.c),
    },
    json,
    seq,
  );
}

function reviveStats(json: string): SseInstanceStats | undefined {
  try {
    const stats = JSON.parse(json) as SseInstanceStats;
    stats.startedAt = new Date(stats.startedAt);
    stats.updatedAt = new Date(stats.updatedAt);
    return stats;
  } catch {
    return undefined;
  }
}

/** A promise whose rejection is handled wherever it is (or is not) awaited. */
function quiet(promise: Promise<unknown>): Promise<void> {
  const settled = promise.then(() => undefined);
  settled.catch(() => undefined);
  return settled;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
