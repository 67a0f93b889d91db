import {
  PayloadTooLargeError,
  type SseBroker,
  TransportUnavailableError,
} from 'nestjs-sse-broker';
import { DEFAULT_OUTBOX_OPTIONS } from '../config/outbox.config.js';
import { OutboxRelay } from './outbox.relay.js';
import type { OutboxEntry, OutboxRepository } from './outbox.repository.js';

/** The outbox table in memory, with the repository's contract. */
class FakeOutbox {
  readonly entries: Array<
    OutboxEntry & { state: 'pending' | 'claimed' | 'published' | 'failed' }
  > = [];

  add(event: string): void {
    const id = String(this.entries.length + 1);
    this.entries.push({
      id,
      target: { kind: 'user', id: 'bob', tenantId: 'acme' },
      event,
      data: { n: id },
      idempotencyKey: `outbox-${id}`,
      attempts: 0,
      state: 'pending',
    });
  }

  claim(_by: string, limit: number): Promise<OutboxEntry[]> {
    const batch = this.entries
      .filter((e) => e.state === 'pending')
      .slice(0, limit);
    batch.forEach((e) => (e.state = 'claimed'));
    return Promise.resolve(batch.map((e) => ({ ...e })));
  }

  markPublished(ids: string[]): Promise<void> {
    return this.set(ids, 'published');
  }

  release(ids: string[], failed?: { id: string }): Promise<void> {
    if (failed) this.find(failed.id).attempts++;
    return this.set(failed ? [failed.id, ...ids] : ids, 'pending');
  }

  markFailed(id: string): Promise<void> {
    return this.set([id], 'failed');
  }

  prune(): Promise<number> {
    return Promise.resolve(0);
  }

  state(): string[] {
    return this.entries.map((e) => `${e.event}:${e.state}`);
  }

  private find(id: string) {
    return this.entries.find((e) => e.id === id)!;
  }

  private set(ids: string[], state: 'pending' | 'published' | 'failed') {
    ids.forEach((id) => (this.find(id).state = state));
    return Promise.resolve();
  }
}

/** A broker whose publishes are recorded, and fail while `down`. */
function fakeBroker() {
  const sent: Array<{ event: string; key?: string }> = [];
  const broker = {
    down: false,
    refuse: new Set<string>(),
    sent,
    instanceId: 'test',
    isReady: () => !broker.down,
    sendToUser(
      _user: string,
      event: string,
      _data: unknown,
      options: { idempotencyKey?: string },
    ) {
      if (broker.down)
        return Promise.reject(new TransportUnavailableError('Redis is down'));
      if (broker.refuse.has(event))
        return Promise.reject(new PayloadTooLargeError('too large'));
      sent.push({ event, key: options.idempotencyKey });
      return Promise.resolve();
    },
  };
  return broker;
}

function setup() {
  const outbox = new FakeOutbox();
  const broker = fakeBroker();
  const relay = new OutboxRelay(
    outbox as unknown as OutboxRepository,
    broker as unknown as SseBroker,
    { ...DEFAULT_OUTBOX_OPTIONS, maxBackoffMs: 1 },
  );
  return { outbox, broker, relay };
}

describe('OutboxRelay', () => {
  it('publishes pending entries in order, each with its idempotency key, and marks them published', async () => {
    const { outbox, broker, relay } = setup();
    outbox.add('a');
    outbox.add('b');
    await relay.flush();
    expect(broker.sent).toEqual([
      { event: 'a', key: 'outbox-1' },
      { event: 'b', key: 'outbox-2' },
    ]);
    expect(outbox.state()).toEqual(['a:published', 'b:published']);
    await relay.beforeApplicationShutdown();
  });

  it('keeps everything pending while the transport is unavailable, then publishes it in order', async () => {
    const { outbox, broker, relay } = setup();
    outbox.add('a');
    outbox.add('b');
    broker.down = true;
    await relay.flush();
    expect(broker.sent).toEqual([]);
    expect(outbox.state()).toEqual(['a:pending', 'b:pending']);

    broker.down = false;
    await relay.flush();
    expect(broker.sent.map((s) => s.event)).toEqual(['a', 'b']);
    expect(outbox.state()).toEqual(['a:published', 'b:published']);
    await relay.beforeApplicationShutdown();
  });

  it('gives up an entry the broker refuses, counts it, and publishes the next', async () => {
    const { outbox, broker, relay } = setup();
    outbox.add('huge');
    outbox.add('next');
    broker.refuse.add('huge');
    await relay.flush();
    expect(outbox.state()).toEqual(['huge:failed', 'next:published']);
    expect(relay.failures).toBe(1);
    await relay.beforeApplicationShutdown();
  });
});
