import type { Server } from 'node:http';
import request from 'supertest';
import { RawStreamClient } from './utils/raw-client.js';
import {
  startApp,
  until,
  WRITERS,
  type TestApp,
} from './utils/sse-test-app.js';

const pad = 'p'.repeat(48 * 1_024);

describe.each(WRITERS)('bounded history (%s writer)', (writer) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({
      writer,
      adminRoutes: true,
      history: { size: 1_000, ttl: 60_000, maxBytes: 1_048_576 },
    });
  });
  afterAll(() => t.close());

  it('a client whose user was dropped from the history for room gets reset history_gap, never an empty replay', async () => {
    const first = await t.connect({ sub: 'ada' });
    await first.waitForEvent('connected');
    const seen = await t.broker.sendToUser('ada', 'seen', 1);
    await first.waitForEvent('seen');
    first.close();
    await until(async () => !(await t.broker.isUserOnline('ada')));
    await t.broker.sendToUser('ada', 'missed', 2);

    // Messages to user ids nobody uses, as the admin route accepts any.
    const admin = t.token({ sub: 'root', roles: ['admin'] });
    for (let i = 0; i < 30; i++) {
      const res = await request(t.app.getHttpServer())
        .post('/sse/publish')
        .set('Authorization', `Bearer ${admin}`)
        .send({
          target: 'user',
          userId: `made-up-${i}`,
          event: 'n',
          data: pad,
        });
      expect(res.status).toBe(202);
    }

    const after = await t.connect({ sub: 'ada' }, '', {
      'last-event-id': seen.id,
    });
    await after.waitForEvent('connected');
    await t.broker.sendToUser('ada', 'live', 3);
    await after.waitForEvent('live');

    const events = after.events.filter(
      (e) => !['connected', 'heartbeat'].includes(e.event),
    );
    expect(events.map((e) => e.event)).toEqual(['reset', 'live']);
    expect(JSON.parse(events[0].data)).toEqual({
      recovered: false,
      reason: 'history_gap',
      cursor: seen.id,
    });
    after.close();
  });
});

/** Opens a stream as `sub` that never reads, and sends it 8 KiB messages until the server drops it. */
async function stallUntilDropped(t: TestApp, sub: string) {
  const stalled = await RawStreamClient.open(
    t.baseUrl,
    '/sse/stream',
    t.token({ sub }),
    { paused: true },
  );
  await until(async () => await t.broker.isUserOnline(sub));
  // The kernel's socket buffers take a few MB first, however many events.
  const pad = 'p'.repeat(8 * 1_024);
  let published = 0;
  while ((await t.broker.isUserOnline(sub)) && published < 10_000) {
    await t.broker.sendToUser(sub, 'n', { i: published++, pad });
    if (published % 10 === 0)
      await new Promise((resolve) => setImmediate(resolve));
  }
  return { stalled, published };
}

describe.each(WRITERS)(
  'bounded unsent bytes per stream (%s writer)',
  (writer) => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startApp({
        writer,
        maxPayloadBytes: 16_384,
        clientBufferBytes: 65_536,
        clientBufferSize: 256,
      });
    });
    afterAll(() => t.close());

    it('drops a stream that stopped reading once more than clientBufferBytes wait for it, not 256 events', async () => {
      const reasons: string[] = [];
      const subscription = t.broker.connections$.subscribe((e) => {
        if (e.type === 'disconnect') reasons.push(e.reason);
      });
      const { eventsDropped: droppedBefore } = await t.broker.getStats();
      const { stalled } = await stallUntilDropped(t, 'gus');
      const { eventsDropped } = await t.broker.getStats();
      subscription.unsubscribe();

      expect(reasons).toEqual(['slow_consumer']);
      // 64 KiB hold 7 frames of 8 KiB: the 8th that would wait is dropped.
      expect(eventsDropped - droppedBefore).toBeLessThanOrEqual(8);
      stalled.resume();
      await until(() => stalled.events().some((e) => e.event === 'close'));
      stalled.close();
      expect(stalled.events().at(-1)).toMatchObject({
        event: 'close',
        data: '{"reason":"slow_consumer"}',
      });
    }, 60_000);

    it('cuts a dropped stream that does not read its final frame with a reset: the kernel discards what it held for it', async () => {
      const { stalled, published } = await stallUntilDropped(t, 'hal');
      // The server gives it 2 s to read its `close` event, then cuts it.
      const server = t.app.getHttpServer() as Server;
      const open = () =>
        new Promise<number>((resolve, reject) =>
          server.getConnections((err, count) =>
            err ? reject(err) : resolve(count),
          ),
        );
      await until(async () => (await open()) === 0);

      stalled.resume();
      await stalled.closed;
      // What was in its own receive buffer, not the megabytes the server's
      // kernel had queued for it.
      const received = stalled.events().filter((e) => e.event === 'n');
      expect(received.length).toBeLessThan(published / 2);
    }, 60_000);
  },
);
