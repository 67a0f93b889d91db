import type { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { SseEnvelope } from '../../core/sse-envelope.js';
import { TransportUnavailableError } from '../../errors/transport-unavailable.error.js';
import {
  type RedisCommandRunner,
  unavailable,
} from './redis-command-runner.js';
import { describeError, quiet } from './redis-connections.js';
import {
  type RedisControlReply,
  type RedisControlRequest,
  RedisMessageCodec,
} from './redis-message.codec.js';

/** A channel this instance listens to, with how many local subscribers need it. */
interface ChannelInterest {
  count: number;
  /** Settles when Redis has confirmed the subscription. */
  subscribed: Promise<void>;
}

/** What the subscriber tells the transport. @internal */
export interface RedisSubscriberEvents {
  /** A message arrived on a subscribed channel. */
  message(envelope: SseEnvelope): void;
  /** A control command, or an answer to one this instance sent. */
  control(
    message: { control: RedisControlRequest } | { reply: RedisControlReply },
  ): void;
  /** The subscriber came back after an interruption: messages may have been missed. */
  resubscribed(): void;
  /** Its health changed (subscribed or not, a canary missed or seen). */
  changed(): void;
  /** It missed a canary: reported, then it reconnects. */
  canaryMissed(): void;
  /** Publishes a canary to the instance's own channel; rejects when it was not sent or not answered in time. */
  sendCanary(body: string): Promise<unknown>;
}

/**
 * The subscriber connection and its health. It listens only to the
 * channels of this instance's subscribers (reference-counted) and to its
 * own channels: the instance's (single-client messages, the canary, control
 * commands for its streams and answers) and the control channel.
 *
 * A connection can stay open and still stop delivering, which a PING on it
 * would not show: every half `canaryInterval` the instance publishes a
 * canary to its own channel, and a subscriber that has not seen the
 * previous one by then is reported (not subscribed, so the instance is not
 * ready) and reconnected. Whenever it stops, that is noticed within one
 * `canaryInterval`: the first canary it misses was sent at most half an
 * interval later, and is checked half an interval after that. After any
 * reconnect it resubscribes to every channel at once and reports
 * `resubscribed`.
 * @internal
 */
export class RedisSubscriber {
  private readonly channels = new Map<string, ChannelInterest>();
  private subscribed = false;
  private everSubscribed = false;
  private awaitedCanary?: number;
  private canaryCount = 0;
  private canaryTimer?: NodeJS.Timeout;
  /** Resolves once the subscriber has subscribed for the first time. */
  readonly firstSubscribed: Promise<void>;
  private markSubscribed!: () => void;

  constructor(
    private readonly sub: Redis,
    /** The command connection, which publishes the canary (through `events.sendCanary`). */
    private readonly cmd: Pick<Redis, 'status'>,
    /** Always subscribed: the instance's own channel first. */
    private readonly ownChannels: readonly string[],
    private readonly commands: RedisCommandRunner,
    private readonly events: RedisSubscriberEvents,
    private readonly logger: Logger,
  ) {
    this.firstSubscribed = new Promise((resolve) => {
      this.markSubscribed = resolve;
    });
    sub.on('ready', () => void this.onReady());
    sub.on('close', () => {
      this.subscribed = false;
      this.events.changed();
    });
    sub.on('message', (channel: string, body: string) =>
      this.onMessage(channel, body),
    );
  }

  /** Subscribed to every channel it should be, as far as it knows. */
  get isSubscribed(): boolean {
    return this.subscribed;
  }

  watch(channel: string): void {
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
          : Promise.reject(unavailable('subscriber not connected')),
      ),
    });
  }

  unwatch(channel: string): void {
    const interest = this.channels.get(channel);
    if (!interest || --interest.count > 0) return;
    this.channels.delete(channel);
    if (this.subscribed) this.sub.unsubscribe(channel).catch(() => undefined);
  }

  /**
   * Resolves once Redis has confirmed the subscriptions to `channels`;
   * rejects with `transport_unavailable` when it did not (in time).
   */
  async whenSubscribed(channels: readonly string[]): Promise<void> {
    if (!this.subscribed) throw unavailable('subscriber not connected');
    const confirmed = Promise.all(
      channels.map(
        (channel) =>
          this.channels.get(channel)?.subscribed ?? Promise.resolve(),
      ),
    ).catch((err: unknown) => {
      // ioredis's own timeout or a dropped connection, not a failure of ours.
      throw err instanceof TransportUnavailableError
        ? err
        : unavailable(describeError(err));
    });
    await this.commands.withTimeout(confirmed, 'subscribe');
  }

  /** Starts the canary: a stall is reported within `interval` ms, until {@link stop}. */
  startCanary(interval: number): void {
    // Checked after the event loop has read its sockets: a canary that
    // arrived while the loop was busy is not taken for a stall.
    this.canaryTimer = setInterval(
      () => setImmediate(() => this.canary()),
      Math.max(1, Math.floor(interval / 2)),
    );
    this.canaryTimer.unref();
  }

  stop(): void {
    clearInterval(this.canaryTimer);
    this.canaryTimer = undefined;
  }

  /**
   * Reconnects the subscriber if it missed the previous canary, otherwise
   * sends the next one.
   */
  private canary(): void {
    if (!this.canaryTimer) return;
    if (this.awaitedCanary !== undefined && this.subscribed) {
      this.logger.warn('subscriber missed its canary; reconnecting it');
      this.awaitedCanary = undefined;
      this.events.canaryMissed();
      this.subscribed = false;
      this.events.changed();
      this.sub.disconnect(true);
      return;
    }
    if (!this.subscribed || this.cmd.status !== 'ready') return;
    const n = ++this.canaryCount;
    this.awaitedCanary = n;
    this.events.sendCanary(RedisMessageCodec.canary(n)).catch(() => {
      // Not sent because the command connection is down: nothing to
      // expect. A publish that timed out stays awaited: the path to Redis
      // is suspect, and reconnecting the subscriber is cheap.
      if (this.cmd.status !== 'ready' && this.awaitedCanary === n)
        this.awaitedCanary = undefined;
    });
  }

  private async onReady(): Promise<void> {
    const channels = [...this.ownChannels, ...this.channels.keys()];
    const subscribed = quiet(this.sub.subscribe(...channels));
    for (const interest of this.channels.values())
      interest.subscribed = subscribed;
    try {
      await subscribed;
    } catch (err) {
      this.logger.warn(
        `resubscribe failed (${describeError(err)}); reconnecting`,
      );
      this.sub.disconnect(true);
      return;
    }
    this.subscribed = true;
    this.awaitedCanary = undefined;
    this.markSubscribed();
    this.events.changed();
    if (this.everSubscribed) this.events.resubscribed();
    this.everSubscribed = true;
  }

  private onMessage(channel: string, body: string): void {
    try {
      const parsed = RedisMessageCodec.parseChannelMessage(body);
      if ('canary' in parsed) {
        if (parsed.canary === this.awaitedCanary)
          this.awaitedCanary = undefined;
        this.events.changed();
        return;
      }
      if ('envelope' in parsed) this.events.message(parsed.envelope);
      else this.events.control(parsed);
    } catch (err) {
      this.logger.error(
        `undeliverable message on ${channel}: ${describeError(err)}`,
      );
    }
  }
}
