import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';
import { TransportUnavailableError } from '../../errors/transport-unavailable.error.js';
import { RedisCommandRunner } from './redis-command-runner.js';
import { RedisSubscriber } from './redis-subscriber.js';

const OWN = 'sse:i:self';
const INTERVAL = 1_000;

/** A subscriber connection that confirms subscriptions and can stop delivering. */
class FakeSubscriberConnection extends EventEmitter {
  status = 'ready';
  delivering = true;
  reconnects = 0;

  subscribe(...channels: string[]): Promise<number> {
    return Promise.resolve(channels.length);
  }

  unsubscribe(): Promise<number> {
    return Promise.resolve(0);
  }

  disconnect(): void {
    this.reconnects++;
    this.emit('close');
  }

  /** What Redis does with a PUBLISH to a channel this connection follows. */
  publish(channel: string, body: string): void {
    if (this.delivering)
      queueMicrotask(() => this.emit('message', channel, body));
  }
}

describe('RedisSubscriber', () => {
  let connection: FakeSubscriberConnection;
  let subscriber: RedisSubscriber;
  let canaryMisses: number;

  beforeEach(async () => {
    jest.useFakeTimers();
    canaryMisses = 0;
    connection = new FakeSubscriberConnection();
    subscriber = new RedisSubscriber(
      connection as unknown as Redis,
      { status: 'ready' },
      [OWN],
      new RedisCommandRunner(INTERVAL, () => undefined),
      {
        message: () => undefined,
        control: () => undefined,
        resubscribed: () => undefined,
        changed: () => undefined,
        canaryMissed: () => canaryMisses++,
        sendCanary: (body) => {
          connection.publish(OWN, body);
          return Promise.resolve(1);
        },
      },
      new Logger('test'),
    );
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    connection.emit('ready');
    await jest.advanceTimersByTimeAsync(0);
    subscriber.startCanary(INTERVAL);
  });

  afterEach(() => {
    subscriber.stop();
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('stays subscribed while its canaries come back', async () => {
    await jest.advanceTimersByTimeAsync(20 * INTERVAL);
    expect(subscriber.isSubscribed).toBe(true);
    expect(connection.reconnects).toBe(0);
    expect(canaryMisses).toBe(0);
  });

  it('reports a subscriber that stops delivering within one canaryInterval, and reconnects it', async () => {
    // The worst moment: right after a canary came back.
    await jest.advanceTimersByTimeAsync(5 * INTERVAL);
    expect(subscriber.isSubscribed).toBe(true);
    connection.delivering = false;

    await jest.advanceTimersByTimeAsync(INTERVAL);

    expect(subscriber.isSubscribed).toBe(false);
    expect(connection.reconnects).toBe(1);
    expect(canaryMisses).toBe(1);
  });

  it('reports a subscription that Redis did not confirm in time as transport_unavailable, not as an internal error', async () => {
    // What ioredis rejects with when a command outlives commandTimeout (a busy instance or Redis).
    jest
      .spyOn(connection, 'subscribe')
      .mockRejectedValueOnce(new Error('Command timed out'));
    subscriber.watch('sse:m:late');
    const waiting = subscriber.whenSubscribed(['sse:m:late']);
    await expect(waiting).rejects.toBeInstanceOf(TransportUnavailableError);
    await expect(waiting).rejects.toThrow(/Command timed out/);
  });
});
