import type { Redis } from 'ioredis';
import type { SseRootOptions } from 'nestjs-sse-broker';
import {
  deleteKeys,
  describeWithRedis,
  REDIS_URL,
  redisClient,
  testPrefix,
  startRedisApp,
} from './utils/redis.js';
import type { StreamClient } from './utils/sse-client.js';
import { ADAPTERS, until, type TestApp } from './utils/sse-test-app.js';
import { TcpProxy } from './utils/tcp-proxy.js';

const messages = (c: StreamClient) =>
  c.events.filter(
    (e) => !['connected', 'heartbeat', 'reset', 'close'].includes(e.event),
  );

describeWithRedis.each(ADAPTERS)('Redis, three instances (%s)', (adapter) => {
  const prefix = testPrefix();
  let redis: Redis;
  let a: TestApp;
  let b: TestApp;
  let c: TestApp;

  const instance = (options: SseRootOptions = {}, url = REDIS_URL!) =>
    startRedisApp(
      prefix,
      { adapter, maxConnectionsPerUser: 2, ...options },
      url,
    );

  beforeAll(async () => {
    redis = redisClient();
    a = await instance();
    b = await instance();
    c = await instance({ writer: 'nest' });
  });
  afterAll(async () => {
    await Promise.all([a, b, c].map((t) => t?.close()));
    await deleteKeys(redis, prefix);
    redis.disconnect();
  });

  async function connected(
    t: TestApp,
    sub: string,
    query = '',
    headers: Record<string, string> = {},
  ) {
    const client = await t.connect({ sub, tid: 'acme' }, query, headers);
    await client.waitForEvent('connected');
    return client;
  }

  it('delivers a message published on one instance to the matching clients of the others, once, with one id', async () => {
    const onB = await connected(b, 'fan-user');
    const onC = await connected(c, 'fan-other', 'topics=room');
    const opts = { tenantId: 'acme' };

    const toUser = await a.broker.sendToUser(
      'fan-user',
      'note',
      { n: 1 },
      opts,
    );
    const toTopic = await a.broker.sendToTopic('room', 'post', { n: 2 }, opts);
    const toAll = await a.broker.broadcast('news', { n: 3 }, opts);
    await onB.waitForEvent('news');
    await onC.waitForEvent('news');

    expect(messages(onB).map((e) => [e.event, e.id, e.data])).toEqual([
      ['note', toUser.id, '{"n":1}'],
      ['news', toAll.id, '{"n":3}'],
    ]);
    expect(messages(onC).map((e) => [e.event, e.id])).toEqual([
      ['post', toTopic.id],
      ['news', toAll.id],
    ]);
    // One cluster-wide sequence: ids increase in publish order.
    const seq = (id: string) => Number(id.split('-')[1]);
    expect(seq(toTopic.id)).toBeGreaterThan(seq(toUser.id));
    expect(seq(toAll.id)).toBeGreaterThan(seq(toTopic.id));
    expect(toUser.id.split('-')[0]).toBe(toAll.id.split('-')[0]);
  });

  it('subscribes an instance only to the channels its own clients need, and releases them', async () => {
    const channel = `${prefix}m:uacme\u0000only-here`;
    const subscribers = async () =>
      ((await redis.pubsub('NUMSUB', channel)) as [string, number])[1];
    expect(await subscribers()).toBe(0);
    const client = await connected(b, 'only-here');
    expect(await subscribers()).toBe(1);
    const second = await connected(b, 'only-here');
    expect(await subscribers()).toBe(1);
    client.close();
    second.close();
    await until(async () => (await subscribers()) === 0);
  });

  it('replays what a client missed when it reconnects to another instance with Last-Event-ID', async () => {
    const opts = { tenantId: 'acme' };
    const first = await connected(a, 'mover');
    const seen = await b.broker.sendToUser('mover', 'm', 0, opts);
    await first.waitForEvent('m');
    first.close();
    const missed = [
      await c.broker.sendToUser('mover', 'm', 1, opts),
      await a.broker.broadcast('m', 2, opts),
    ];

    const second = await connected(b, 'mover', '', {
      'last-event-id': seen.id,
    });
    await second.waitForCount('m', 2);
    const live = await c.broker.sendToUser('mover', 'm', 3, opts);
    await second.waitForCount('m', 3);

    expect(messages(second).map((e) => e.id)).toEqual([
      ...missed.map((m) => m.id),
      live.id,
    ]);
    second.close();
  });

  it('says reset (history_gap) on another instance when the client missed more than the history keeps', async () => {
    const opts = { tenantId: 'acme' };
    const first = await connected(a, 'far');
    const seen = await a.broker.sendToUser('far', 'm', 0, opts);
    await first.waitForEvent('m');
    first.close();
    for (let i = 1; i <= 6; i++) await b.broker.sendToUser('far', 'm', i, opts);

    const second = await connected(c, 'far', '', { 'last-event-id': seen.id });
    const reset = await second.waitForEvent('reset');
    expect(JSON.parse(reset.data)).toEqual({
      recovered: false,
      reason: 'history_gap',
      cursor: seen.id,
    });
    expect(messages(second)).toEqual([]);
    second.close();
  });

  it('shares presence and the per-user cap across instances', async () => {
    const opts = { tenantId: 'acme' };
    expect(await c.broker.isUserOnline('capped', opts)).toBe(false);
    const onA = await connected(a, 'capped');
    const onB = await connected(b, 'capped');

    expect(await c.broker.isUserOnline('capped', opts)).toBe(true);
    expect(await c.broker.getOnlineUsers(opts)).toContain('capped');
    const third = await fetch(c.url('/sse/stream'), {
      headers: {
        authorization: `Bearer ${c.token({ sub: 'capped', tid: 'acme' })}`,
      },
    });
    expect(third.status).toBe(429);
    expect(await third.json()).toMatchObject({
      code: 'too_many_user_connections',
    });

    const stats = await c.broker.getStats();
    expect(stats.transport).toBe('redis');
    expect(stats.instances.map((i) => i.instanceId)).toEqual(
      expect.arrayContaining([a, b, c].map((t) => t.broker.instanceId)),
    );
    expect(stats.instances[0].instanceId).toBe(c.broker.instanceId);

    onA.close();
    onB.close();
    await until(async () => !(await c.broker.isUserOnline('capped', opts)));
    expect(await a.broker.getOnlineUsers(opts)).not.toContain('capped');
  });

  it('forgets the presence of an instance that died without cleaning up', async () => {
    const proxy = await TcpProxy.start(REDIS_URL!);
    const doomed = await instance({}, proxy.url);
    const opts = { tenantId: 'acme' };
    try {
      const client = await connected(doomed, 'ghost');
      expect(await a.broker.isUserOnline('ghost', opts)).toBe(true);
      expect(
        (await a.broker.getStats()).instances.map((i) => i.instanceId),
      ).toContain(doomed.broker.instanceId);
      // The instance loses Redis for good: it can neither refresh nor remove its entries.
      proxy.cut();
      client.close();
      await until(async () => !(await a.broker.isUserOnline('ghost', opts)));
      await until(async () =>
        (await a.broker.getStats()).instances.every(
          (i) => i.instanceId !== doomed.broker.instanceId,
        ),
      );
    } finally {
      await doomed.close();
      await proxy.close();
    }
  });

  it('keeps every open stream present past presenceTtl, several streams per user included', async () => {
    const opts = { tenantId: 'acme' };
    const clients = [
      await connected(a, 'kept-1'),
      await connected(a, 'kept-1'),
      await connected(a, 'kept-2'),
      await connected(b, 'kept-3'),
    ];
    try {
      // Expiry of each entry of these streams: kept-1's two streams, and
      // kept-1..3 among the tenant's and all online users.
      const expiries = async () => {
        const entries = new Map<string, number>();
        const read = async (key: string, member: (m: string) => boolean) => {
          const pairs = await redis.zrange(key, '0', '-1', 'WITHSCORES');
          for (let i = 0; i < pairs.length; i += 2)
            if (member(pairs[i]))
              entries.set(`${key} ${pairs[i]}`, Number(pairs[i + 1]));
        };
        await read(`${prefix}p:acme\u0000kept-1`, () => true);
        await read(`${prefix}o:acme`, (m) => m.startsWith('kept-'));
        await read(`${prefix}users`, (m) => m.startsWith('acme\u0000kept-'));
        return entries;
      };
      const first = await expiries();
      expect(first.size).toBe(8);
      const lastExpiry = Math.max(...first.values());
      await until(async () => Date.now() > lastExpiry + 100, {
        label: 'the first expiries passed',
      });

      const later = await expiries();
      expect([...later.keys()].sort()).toEqual([...first.keys()].sort());
      for (const [entry, expiry] of first)
        expect(later.get(entry)).toBeGreaterThan(expiry);
      for (const user of ['kept-1', 'kept-2', 'kept-3'])
        expect(await c.broker.isUserOnline(user, opts)).toBe(true);
      expect(await c.broker.getOnlineUsers(opts)).toEqual(
        expect.arrayContaining(['kept-1', 'kept-2', 'kept-3']),
      );
    } finally {
      clients.forEach((client) => client.close());
    }
  });

  describe('when Redis goes away and comes back', () => {
    let proxy: TcpProxy;
    let p: TestApp;
    beforeAll(async () => {
      proxy = await TcpProxy.start(REDIS_URL!);
      p = await instance({}, proxy.url);
    });
    afterAll(async () => {
      await p?.close();
      await proxy?.close();
    });

    it('rejects publishes with transport_unavailable and refuses new streams, keeps open streams alive, then delivers what Redis accepted meanwhile', async () => {
      const opts = { tenantId: 'acme' };
      const client = await connected(p, 'survivor');
      expect(p.broker.isReady()).toBe(true);

      proxy.cut();
      await until(() => !p.broker.isReady());
      await expect(
        p.broker.sendToUser('survivor', 'm', 'lost', opts),
      ).rejects.toMatchObject({ code: 'transport_unavailable' });
      const refused = await fetch(p.url('/sse/stream'), {
        headers: {
          authorization: `Bearer ${p.token({ sub: 'late', tid: 'acme' })}`,
        },
      });
      expect(refused.status).toBe(503);
      expect(await refused.json()).toEqual({
        statusCode: 503,
        code: 'transport_unavailable',
        message: 'The server cannot reach its message transport; retry later.',
      });

      // Accepted by Redis through another instance while this one is cut off.
      const during = [
        await a.broker.sendToUser('survivor', 'm', 1, opts),
        await b.broker.broadcast('m', 2, opts),
      ];
      const heartbeats = client.events.filter(
        (e) => e.event === 'heartbeat',
      ).length;
      await client.waitForCount('heartbeat', heartbeats + 2);
      expect(messages(client)).toEqual([]);

      proxy.restore();
      await until(() => p.broker.isReady());
      await client.waitForCount('m', 2);
      const after = await a.broker.sendToUser('survivor', 'm', 3, opts);
      await client.waitForCount('m', 3);
      expect(messages(client).map((e) => e.id)).toEqual([
        ...during.map((m) => m.id),
        after.id,
      ]);
      expect(client.events.filter((e) => e.event === 'reset')).toEqual([]);
      client.close();
    });

    it('detects a subscriber that silently stops receiving with its canary, and catches up once it is back', async () => {
      const opts = { tenantId: 'acme' };
      const client = await connected(p, 'frozen');

      proxy.freeze();
      const during = await a.broker.sendToUser('frozen', 'm', 1, opts);
      // Nothing closes the TCP connections: only the canary can tell.
      await until(() => !p.broker.isReady());
      expect(messages(client)).toEqual([]);

      proxy.thaw();
      await until(() => p.broker.isReady());
      await client.waitForEvent('m');
      expect(messages(client).map((e) => e.id)).toEqual([during.id]);
      client.close();
    });
  });

  it('gives old cursors a reset after the data is lost (a flush), and ids move to a new epoch', async () => {
    const opts = { tenantId: 'acme' };
    const first = await connected(a, 'flushed');
    const before = await a.broker.sendToUser('flushed', 'm', 0, opts);
    await first.waitForEvent('m');
    first.close();

    await deleteKeys(redis, prefix);
    const after = await b.broker.sendToUser('flushed', 'm', 1, opts);
    expect(after.id.split('-')[0]).not.toBe(before.id.split('-')[0]);

    const second = await connected(c, 'flushed', '', {
      'last-event-id': before.id,
    });
    const reset = await second.waitForEvent('reset');
    expect(JSON.parse(reset.data)).toMatchObject({ reason: 'unknown_cursor' });
    expect(reset.id!.split('-')[0]).toBe(after.id.split('-')[0]);
    second.close();
  });
});
