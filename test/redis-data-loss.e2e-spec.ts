import { Redis } from 'ioredis';
import type { SseWriter } from 'nestjs-sse-broker';
import { describeWithRedisServer, OwnRedisServer } from './utils/redis.js';
import type { ReceivedEvent, StreamClient } from './utils/sse-client.js';
import { startApp, until, type TestApp } from './utils/sse-test-app.js';
import { TcpProxy } from './utils/tcp-proxy.js';

const opts = { tenantId: 'acme' };
const epochOf = (id: string | undefined) => id?.split('-')[0];
const messages = (c: StreamClient) =>
  c.events.filter(
    (e) => !['connected', 'heartbeat', 'reset', 'close'].includes(e.event),
  );
const resetOf = (e: ReceivedEvent) =>
  JSON.parse(e.data) as { reason: string; cursor: string };

/**
 * Redis loses everything (FLUSHALL, or a restart without persistence) while
 * the instances run. Each test runs its own redis-server, and only the
 * instances themselves create the epoch.
 */
describeWithRedisServer('Redis transport: when Redis loses its data', () => {
  let server: OwnRedisServer;
  let admin: Redis;
  const running: TestApp[] = [];

  beforeAll(async () => {
    server = await OwnRedisServer.start();
    admin = new Redis(server.url, { maxRetriesPerRequest: 1 });
    admin.on('error', () => undefined);
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((t) => t.close()));
    await admin.flushall();
  });
  afterAll(async () => {
    admin?.disconnect();
    await server?.stop();
  });

  async function instance(
    writer: SseWriter,
    url = server.url,
  ): Promise<TestApp> {
    const t = await startApp({
      writer,
      transport: {
        type: 'redis',
        url,
        canaryInterval: 200,
        presenceTtl: 1_500,
        commandTimeout: 500,
      },
      history: { size: 10, ttl: 60_000 },
      heartbeatInterval: 1_000,
      clientTimeout: 60_000,
    });
    running.push(t);
    return t;
  }

  async function connected(
    t: TestApp,
    sub: string,
    headers: Record<string, string> = {},
  ): Promise<StreamClient> {
    await until(() => t.broker.isReady());
    const client = await t.connect({ sub, tid: 'acme' }, '', headers);
    await client.waitForEvent('connected');
    return client;
  }

  /** A client that saw its first message and left; three more were published for it since. */
  async function awayWithMissed(t: TestApp, sub: string) {
    const client = await connected(t, sub);
    const seen = await t.broker.sendToUser(sub, 'm', 0, opts);
    await client.waitForEvent('m');
    client.close();
    for (let i = 1; i <= 3; i++) await t.broker.sendToUser(sub, 'm', i, opts);
    return seen;
  }

  const LOSSES = [
    ['FLUSHALL', () => admin.flushall().then(() => undefined)],
    ['a restart without persistence', () => server.restart()],
  ] as const;

  it.each(LOSSES)(
    'one instance: after %s, its open stream gets reset by itself, an old cursor gets reset, and ids move to a new epoch',
    async (_, lose) => {
      const t = await instance('direct');
      const seen = await awayWithMissed(t, 'reader');
      const watcher = await connected(t, 'watcher');
      const before = await t.broker.sendToUser('watcher', 'm', 'before', opts);
      await watcher.waitFor((e) => e.id === before.id);

      await lose();

      // Nothing is published: the instance notices by itself.
      const reset = await watcher.waitForEvent('reset');
      expect(resetOf(reset)).toMatchObject({
        reason: 'unknown_cursor',
        cursor: before.id,
      });
      expect(epochOf(reset.id)).not.toBe(epochOf(before.id));

      const back = await connected(t, 'reader', { 'last-event-id': seen.id });
      const backReset = await back.waitForEvent('reset');
      expect(resetOf(backReset)).toMatchObject({
        reason: 'unknown_cursor',
        cursor: seen.id,
      });
      expect(messages(back)).toEqual([]);

      const after = await t.broker.sendToUser('watcher', 'm', 'after', opts);
      expect(epochOf(after.id)).toBe(epochOf(reset.id));
      await watcher.waitFor((e) => e.id === after.id);
      expect(messages(watcher).map((e) => e.id)).toEqual([before.id, after.id]);
    },
  );

  it.each(LOSSES)(
    'several instances: after %s, open streams on every instance get reset, old cursors get reset on any instance, and all move to one new epoch',
    async (_, lose) => {
      // a starts first, so the epoch in use is the one a proposed.
      const a = await instance('direct');
      const b = await instance('nest');
      const seen = await awayWithMissed(a, 'reader');
      const onA = await connected(a, 'on-a');
      const onB = await connected(b, 'on-b');
      const beforeA = await b.broker.sendToUser('on-a', 'm', 'before', opts);
      const beforeB = await a.broker.sendToUser('on-b', 'm', 'before', opts);
      await onA.waitFor((e) => e.id === beforeA.id);
      await onB.waitFor((e) => e.id === beforeB.id);

      await lose();

      const [resetA, resetB] = await Promise.all([
        onA.waitForEvent('reset'),
        onB.waitForEvent('reset'),
      ]);
      expect(resetOf(resetA)).toMatchObject({
        reason: 'unknown_cursor',
        cursor: beforeA.id,
      });
      expect(resetOf(resetB)).toMatchObject({
        reason: 'unknown_cursor',
        cursor: beforeB.id,
      });
      const epoch = epochOf(resetA.id);
      expect(epoch).not.toBe(epochOf(beforeA.id));
      expect(epochOf(resetB.id)).toBe(epoch);

      for (const t of [a, b]) {
        const back = await connected(t, 'reader', {
          'last-event-id': seen.id,
        });
        expect(resetOf(await back.waitForEvent('reset'))).toMatchObject({
          reason: 'unknown_cursor',
        });
        expect(messages(back)).toEqual([]);
        back.close();
      }

      const after = await b.broker.broadcast('news', 'after', opts);
      expect(epochOf(after.id)).toBe(epoch);
      await onA.waitForEvent('news');
      await onB.waitForEvent('news');
      expect(messages(onA).map((e) => e.id)).toEqual([beforeA.id, after.id]);
      expect(messages(onB).map((e) => e.id)).toEqual([beforeB.id, after.id]);
    },
  );

  it('several instances: when the instance whose epoch was in use notices a restart first, it still moves to a new epoch, and the others reset when they are back', async () => {
    const a = await instance('direct');
    const proxy = await TcpProxy.start(server.url);
    try {
      const b = await instance('nest', proxy.url);
      const onA = await connected(a, 'on-a');
      const onB = await connected(b, 'on-b');
      const beforeA = await b.broker.sendToUser('on-a', 'm', 'before', opts);
      const beforeB = await a.broker.sendToUser('on-b', 'm', 'before', opts);
      await onA.waitFor((e) => e.id === beforeA.id);
      await onB.waitFor((e) => e.id === beforeB.id);

      proxy.cut();
      await until(() => !b.broker.isReady());
      await server.restart();
      const resetA = await onA.waitForEvent('reset');
      const epoch = epochOf(resetA.id);
      expect(epoch).not.toBe(epochOf(beforeA.id));
      const missed = await a.broker.sendToUser('on-b', 'm', 'missed', opts);
      expect(epochOf(missed.id)).toBe(epoch);

      proxy.restore();
      const resetB = await onB.waitForEvent('reset');
      expect(resetOf(resetB)).toMatchObject({
        reason: 'unknown_cursor',
        cursor: beforeB.id,
      });
      expect(epochOf(resetB.id)).toBe(epoch);
      expect(messages(onB).map((e) => e.id)).toEqual([beforeB.id]);
    } finally {
      await Promise.all(running.splice(0).map((t) => t.close()));
      await proxy.close();
    }
  });
});
