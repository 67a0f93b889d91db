import { Registry } from 'prom-client';
import { RawStreamClient } from './utils/raw-client.js';
import {
  metricsController,
  parseMetrics,
  type Sample,
  valueOf,
} from './utils/prometheus.js';
import {
  ADAPTERS,
  startApp,
  type TestApp,
  until,
} from './utils/sse-test-app.js';

/** Scrapes the app's `GET /metrics`. */
async function scrape(t: TestApp): Promise<Sample[]> {
  const res = await fetch(t.url('/metrics'));
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
  return parseMetrics(await res.text());
}

const openStreams = (t: TestApp) => t.broker.health().openStreams;

describe.each(ADAPTERS)('Prometheus metrics (%s)', (adapter) => {
  let t: TestApp;
  let registry: Registry;

  beforeAll(async () => {
    registry = new Registry();
    t = await startApp(
      {
        adapter,
        metrics: { registry },
        maxConnectionsPerUser: 2,
        topicAuthorizer: { canSubscribe: (_, topic) => topic !== 'secret' },
        // Small enough for a stream that stops reading to be dropped soon.
        maxPayloadBytes: 16_384,
        clientBufferBytes: 65_536,
      },
      { controllers: [metricsController(registry)] },
    );
  });
  afterAll(() => t?.close());

  it('counts streams, refusals, publishes, deliveries and replays exactly, with no user, client or topic in any label', async () => {
    const a1 = await t.connect({ sub: 'alice', tid: 'acme' }, 'topics=orders');
    const a2 = await t.connect({ sub: 'alice', tid: 'acme' });
    const b1 = await t.connect({ sub: 'bob' });
    await Promise.all([a1, a2, b1].map((c) => c.waitForEvent('connected')));
    const bobId = JSON.parse(b1.events[0].data).clientId as string;

    const third = await t.connect({ sub: 'alice', tid: 'acme' });
    expect(third.status).toBe(429);
    const forbidden = await t.connect({ sub: 'carol' }, 'topics=secret');
    expect(forbidden.status).toBe(403);

    const toUser = await t.broker.sendToUser('alice', 'u', 1, {
      tenantId: 'acme',
    });
    await t.broker.sendToTopic('orders', 't', 2, { tenantId: 'acme' });
    await t.broker.broadcast('b', 3, { tenantId: 'acme' });
    await t.broker.sendToClient(bobId, 'c', 4);
    await t.broker.broadcast('b', 5);
    await a1.waitForCount('b', 1);
    await a2.waitForCount('b', 1);
    await b1.waitForCount('b', 1);
    await b1.waitForEvent('c');
    await a1.waitForEvent('t');

    // a2 leaves and comes back after the user message: the acme broadcast is replayed.
    a2.close();
    await until(() => openStreams(t) === 2);
    const replayed = await t.connect({ sub: 'alice', tid: 'acme' }, '', {
      'last-event-id': toUser.id,
    });
    await replayed.waitForEvent('b');
    replayed.close();
    await until(() => openStreams(t) === 2);
    const reset = await t.connect({ sub: 'alice', tid: 'acme' }, '', {
      'last-event-id': 'not-a-cursor',
    });
    await reset.waitForEvent('reset');
    expect(await t.broker.disconnect(bobId)).toBe(true);
    await until(() => openStreams(t) === 2);

    const samples = await scrape(t);
    const v = (name: string, labels?: Record<string, string>) =>
      valueOf(samples, name, labels);
    expect(v('sse_streams_open')).toBe(2);
    expect(v('sse_streams_opened_total')).toBe(5);
    expect(v('sse_streams_closed_total', { reason: 'client_closed' })).toBe(2);
    expect(v('sse_streams_closed_total', { reason: 'disconnected' })).toBe(1);
    expect(
      v('sse_connections_refused_total', {
        code: 'too_many_user_connections',
      }),
    ).toBe(1);
    expect(
      v('sse_connections_refused_total', { code: 'topic_forbidden' }),
    ).toBe(1);
    expect(v('sse_messages_published_total', { target: 'user' })).toBe(1);
    expect(v('sse_messages_published_total', { target: 'topic' })).toBe(1);
    expect(v('sse_messages_published_total', { target: 'broadcast' })).toBe(2);
    expect(v('sse_messages_published_total', { target: 'client' })).toBe(1);
    // alice x2 (user, acme broadcast), a1 topic, bob (client, broadcast), 1 replayed.
    expect(v('sse_events_delivered_total')).toBe(8);
    // One latency per live message with a recipient here (the replay adds none).
    expect(v('sse_publish_to_write_seconds_count')).toBe(5);
    expect(v('sse_events_dropped_total')).toBe(0);
    expect(v('sse_replays_total', { outcome: 'replayed' })).toBe(1);
    expect(
      v('sse_replays_total', { outcome: 'reset', reason: 'unknown_cursor' }),
    ).toBe(1);
    expect(
      v('sse_publish_duration_seconds_count', { target: 'broadcast' }),
    ).toBe(2);
    expect(v('sse_transport_ready', { transport: 'memory' })).toBe(1);

    const stats = await t.broker.getStats();
    expect(v('sse_events_delivered_total')).toBe(stats.eventsDelivered);

    const labelValues = samples.flatMap((s) => Object.values(s.labels));
    for (const secret of ['alice', 'bob', 'carol', 'acme', 'orders', bobId])
      expect(labelValues).not.toContain(secret);
    expect(samples.every((s) => s.name.startsWith('sse_'))).toBe(true);

    a1.close();
    reset.close();
    await until(() => openStreams(t) === 0);
  });

  it('counts the events dropped with a stream that stopped reading, as getStats() does', async () => {
    const before = await scrape(t);
    const stalled = await RawStreamClient.open(
      t.baseUrl,
      '/sse/stream',
      t.token({ sub: 'gus' }),
      { paused: true },
    );
    await until(() => openStreams(t) === 1);
    // The kernel's socket buffers take a few MB before anything waits.
    const pad = 'p'.repeat(8 * 1_024);
    for (let i = 0; openStreams(t) === 1 && i < 10_000; i++) {
      await t.broker.sendToUser('gus', 'n', { i, pad });
      if (i % 10 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    expect(openStreams(t)).toBe(0);
    stalled.close();

    const after = await scrape(t);
    const stats = await t.broker.getStats();
    expect(
      valueOf(after, 'sse_streams_closed_total', { reason: 'slow_consumer' }),
    ).toBe(1);
    const dropped =
      valueOf(after, 'sse_events_dropped_total') -
      valueOf(before, 'sse_events_dropped_total');
    expect(dropped).toBeGreaterThanOrEqual(1);
    expect(valueOf(after, 'sse_events_dropped_total')).toBe(
      stats.eventsDropped,
    );
    expect(valueOf(after, 'sse_events_delivered_total')).toBe(
      stats.eventsDelivered,
    );
  }, 60_000);
});

describe.each(ADAPTERS)('metrics across registrations (%s)', (adapter) => {
  it('an application started again on the same registry reuses its metrics, and shutdown closes streams as shutdown', async () => {
    const registry = new Registry();
    const start = () =>
      startApp(
        { adapter, metrics: { registry } },
        { controllers: [metricsController(registry)] },
      );
    const first = await start();
    const stream = await first.connect({ sub: 'alice' });
    await stream.waitForEvent('connected');
    await first.close();

    const afterFirst = parseMetrics(await registry.metrics());
    expect(
      valueOf(afterFirst, 'sse_streams_closed_total', { reason: 'shutdown' }),
    ).toBe(1);
    expect(valueOf(afterFirst, 'sse_streams_open')).toBe(0);
    expect(
      valueOf(afterFirst, 'sse_transport_ready', { transport: 'memory' }),
    ).toBe(0);

    const second = await start();
    try {
      const again = await second.connect({ sub: 'alice' });
      await again.waitForEvent('connected');
      const samples = await scrape(second);
      expect(valueOf(samples, 'sse_streams_opened_total')).toBe(2);
      expect(valueOf(samples, 'sse_streams_open')).toBe(1);
      expect(
        valueOf(samples, 'sse_transport_ready', { transport: 'memory' }),
      ).toBe(1);
      again.close();
    } finally {
      await second.close();
    }
  });

  it('labels by tenant only when asked, and puts the prefix before every name', async () => {
    const registry = new Registry();
    const t = await startApp(
      { adapter, metrics: { registry, prefix: 'app_', tenantLabel: true } },
      { controllers: [metricsController(registry)] },
    );
    try {
      const acme = await t.connect({ sub: 'alice', tid: 'acme' });
      const none = await t.connect({ sub: 'bob' });
      await Promise.all([acme, none].map((c) => c.waitForEvent('connected')));
      await t.broker.sendToUser('alice', 'n', 1, { tenantId: 'acme' });
      await acme.waitForEvent('n');

      const samples = await scrape(t);
      expect(samples.every((s) => s.name.startsWith('app_sse_'))).toBe(true);
      expect(valueOf(samples, 'app_sse_streams_open', { tenant: 'acme' })).toBe(
        1,
      );
      expect(valueOf(samples, 'app_sse_streams_open', { tenant: '' })).toBe(1);
      expect(
        valueOf(samples, 'app_sse_messages_published_total', {
          target: 'user',
          tenant: 'acme',
        }),
      ).toBe(1);
      expect(
        valueOf(samples, 'app_sse_events_delivered_total', { tenant: 'acme' }),
      ).toBe(1);
      const labelValues = samples.flatMap((s) => Object.values(s.labels));
      expect(labelValues).not.toContain('alice');
      acme.close();
      none.close();
    } finally {
      await t.close();
    }
  });
});
