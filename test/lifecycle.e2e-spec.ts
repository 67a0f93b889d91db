import type { SseConnectionEvent } from 'nestjs-sse-broker';
import { RawStreamClient } from './utils/raw-client.js';
import { RUNS, startApp, until, type TestApp } from './utils/sse-test-app.js';

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe.each(RUNS)('connection lifecycle (%s, %s)', (writer, adapter) => {
  describe('slow consumers', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startApp({ writer, adapter, clientBufferSize: 16 });
    });
    afterAll(() => t?.close());

    it('disconnects a client that stops reading once clientBufferSize events wait, while others get everything', async () => {
      const disconnects: SseConnectionEvent[] = [];
      const subscription = t.broker.connections$.subscribe(
        (e) => e.type === 'disconnect' && disconnects.push(e),
      );
      const stalled = await RawStreamClient.open(
        t.baseUrl,
        '/sse/stream',
        t.token({ sub: 'stalled' }),
        { paused: true },
      );
      const healthy = await t.connect({ sub: 'healthy' });
      await healthy.waitForEvent('connected');
      await until(async () => await t.broker.isUserOnline('stalled'));

      // Small batches, and the healthy client (on this same event loop) reads
      // each one before the next: only the stalled client falls behind.
      const chunk = 'x'.repeat(4 * 1024);
      let maxPending = 0;
      let published = 0;
      while ((await t.broker.isUserOnline('stalled')) && published < 20_000) {
        for (let i = 0; i < 8; i++, published++)
          await t.broker.broadcast('tick', { n: published, chunk });
        maxPending = Math.max(
          maxPending,
          ...t.broker.getClients().map((c) => c.pendingEvents),
        );
        const expected = published;
        await until(async () => healthy.events.length - 1 >= expected);
      }

      expect(await t.broker.isUserOnline('stalled')).toBe(false);
      expect(maxPending).toBeLessThanOrEqual(16);
      expect(
        disconnects.find((e) => e.client.userId === 'stalled'),
      ).toMatchObject({ reason: 'slow_consumer' });
      expect((await t.broker.getStats()).eventsDropped).toBeGreaterThan(0);
      const ticks = await healthy.waitForCount('tick', published);
      expect(ticks.map((e) => JSON.parse(e.data).n)).toEqual([
        ...Array(published).keys(),
      ]);
      expect(await t.broker.isUserOnline('healthy')).toBe(true);
      subscription.unsubscribe();
      stalled.close();
      healthy.close();
    });

    it('holds at most clientBufferSize events for a client that never reads, however many are published', async () => {
      const never = await RawStreamClient.open(
        t.baseUrl,
        '/sse/stream',
        t.token({ sub: 'never' }),
        { paused: true },
      );
      await until(async () => await t.broker.isUserOnline('never'));
      let maxPending = 0;
      for (
        let i = 0;
        i < 2_000 && (await t.broker.isUserOnline('never'));
        i++
      ) {
        await t.broker.sendToUser('never', 'tick', {
          i,
          pad: 'y'.repeat(8 * 1024),
        });
        maxPending = Math.max(
          maxPending,
          t.broker.getClients().find((c) => c.userId === 'never')
            ?.pendingEvents ?? 0,
        );
        if (i % 50 === 0) await turn();
      }
      expect(maxPending).toBeLessThanOrEqual(16);
      expect(await t.broker.isUserOnline('never')).toBe(false);
      never.close();
    });
  });

  describe('client disconnects', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startApp({ writer, adapter });
    });
    afterAll(() => t?.close());

    it('releases the user, its topics and the client slot when the client goes away', async () => {
      const before = await t.broker.getStats();
      const clients = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          RawStreamClient.open(
            t.baseUrl,
            `/sse/stream?topics=room:${i}`,
            t.token({ sub: `u${i}` }),
          ),
        ),
      );
      await until(
        async () =>
          (await t.broker.getStats()).totalClients === before.totalClients + 20,
      );
      expect((await t.broker.getStats()).totalTopics).toBe(
        before.totalTopics + 20,
      );

      clients.forEach((c) => c.close());
      await until(
        async () =>
          (await t.broker.getStats()).totalClients === before.totalClients,
      );
      const after = await t.broker.getStats();
      expect(after.totalUsers).toBe(before.totalUsers);
      expect(after.totalTopics).toBe(before.totalTopics);
    });
  });

  describe('shutdown', () => {
    it('closes a thousand streams with close {reason: shutdown} and a jittered retry each', async () => {
      const t = await startApp({ writer, adapter, maxConnectionsPerUser: 0 });
      const token = t.token({ sub: 'many' });
      const clients: RawStreamClient[] = [];
      for (let batch = 0; batch < 10; batch++) {
        clients.push(
          ...(await Promise.all(
            Array.from({ length: 100 }, () =>
              RawStreamClient.open(t.baseUrl, '/sse/stream', token),
            ),
          )),
        );
      }
      await until(
        async () => (await t.broker.getStats()).totalClients === 1_000,
      );

      await t.app.close();
      await Promise.all(clients.map((c) => c.closed));

      const retries = clients.map(
        (c) =>
          /event: close\nid: .*\nretry: (\d+)\ndata: \{"reason":"shutdown"\}/.exec(
            c.text,
          )?.[1],
      );
      expect(retries.filter((r) => r !== undefined)).toHaveLength(1_000);
      // retry 3 000 ms plus up to 5 000 ms of jitter, spread over the clients
      const values = retries.map(Number);
      expect(Math.min(...values)).toBeGreaterThanOrEqual(3_000);
      expect(Math.max(...values)).toBeLessThanOrEqual(8_000);
      expect(new Set(values).size).toBeGreaterThan(100);
      expect(await t.broker.getStats()).toMatchObject({
        isRunning: false,
        totalClients: 0,
      });
    });
  });
});
