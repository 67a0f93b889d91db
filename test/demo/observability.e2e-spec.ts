import { parseMetrics, valueOf } from '../utils/prometheus.js';
import { type DemoApp, startDemo } from './demo-app.js';

describe('demo metrics and readiness (pglite)', () => {
  let demo: DemoApp;
  beforeAll(async () => {
    demo = await startDemo('pglite');
  }, 60_000); // PGlite's start: slow on a busy machine
  afterAll(() => demo?.close());

  const scrape = async () => {
    const res = await demo.http().get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(
      /^text\/plain; version=0\.0\.4/,
    );
    return parseMetrics(res.text);
  };

  it('answers /health/ready in terminus format with the database, the SSE transport and the live-event failures', async () => {
    const res = await demo.http().get('/health/ready');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      status: 'ok',
      info: expect.any(Object),
      error: {},
      details: {
        database: { status: 'up' },
        sse: {
          status: 'up',
          transport: 'memory',
          transportReady: true,
          accepting: true,
          openStreams: 0,
          instanceId: demo.broker.instanceId,
        },
        liveEvents: { status: 'up', failures: 0 },
      },
    });
  });

  it('serves the library metrics and the process metrics on /metrics, counting what a user did', async () => {
    const [alice, bob] = [await demo.login('alice'), await demo.login('bob')];
    const stream = await demo.stream(bob);
    const before = await scrape();
    expect(valueOf(before, 'sse_streams_open')).toBe(1);
    expect(
      valueOf(before, 'sse_transport_ready', { transport: 'memory' }),
    ).toBe(1);
    expect(
      before.some((s) => s.name === 'process_cpu_user_seconds_total'),
    ).toBe(true);
    expect(before.some((s) => s.name === 'nodejs_heap_size_used_bytes')).toBe(
      true,
    );

    const sent = await demo
      .http()
      .post('/notifications')
      .set('Authorization', `Bearer ${alice}`)
      .send({ recipientId: 'bob', title: 'Counted', body: '' });
    expect(sent.status).toBe(201);
    await stream.expectEvent('notification');

    const after = await scrape();
    const received = stream.events.filter(
      (e) => !['connected', 'heartbeat'].includes(e.event),
    ).length;
    expect(
      valueOf(after, 'sse_events_delivered_total') -
        valueOf(before, 'sse_events_delivered_total'),
    ).toBe(received);
    expect(
      valueOf(after, 'sse_messages_published_total', { target: 'user' }) -
        valueOf(before, 'sse_messages_published_total', { target: 'user' }),
    ).toBeGreaterThanOrEqual(1);
    const labelValues = after.flatMap((s) => Object.values(s.labels));
    expect(labelValues).not.toContain('bob');
    expect(labelValues).not.toContain('acme');
    await stream.close();
  });
});
