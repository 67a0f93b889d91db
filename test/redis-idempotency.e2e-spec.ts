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
import { until, type TestApp } from './utils/sse-test-app.js';
import { TcpProxy } from './utils/tcp-proxy.js';

const eventsNamed = (c: StreamClient, event: string) =>
  c.events.filter((e) => e.event === event).map((e) => e.id);

describeWithRedis('Redis transport: idempotency keys', () => {
  const prefix = testPrefix();
  let redis: Redis;
  let proxy: TcpProxy;
  let a: TestApp;
  let b: TestApp;
  /** Reaches Redis through the proxy, which can stall it. */
  let p: TestApp;

  const instance = (options: SseRootOptions = {}, url = REDIS_URL!) =>
    startRedisApp(prefix, { ...options }, url);

  beforeAll(async () => {
    redis = redisClient();
    proxy = await TcpProxy.start(REDIS_URL!);
    a = await instance();
    b = await instance({ writer: 'nest' });
    p = await instance({}, proxy.url);
  });
  afterAll(async () => {
    await Promise.all([a, b, p].map((t) => t?.close()));
    await proxy?.close();
    await deleteKeys(redis, prefix);
    redis.disconnect();
  });

  async function connected(t: TestApp, sub: string, tid = 'acme') {
    const client = await t.connect({ sub, tid });
    await client.waitForEvent('connected');
    return client;
  }

  it('delivers once a publish retried after transport_unavailable during a stall, and answers the retry with the first id', async () => {
    const opts = { tenantId: 'acme', idempotencyKey: 'charge-7' };
    const client = await connected(a, 'payer');
    await p.broker.sendToUser('payer', 'warm-up', null, { tenantId: 'acme' });
    await client.waitForEvent('warm-up');

    // Redis stops answering: the publish times out, yet Redis runs it later.
    proxy.freeze();
    await expect(
      p.broker.sendToUser('payer', 'charged', { cents: 700 }, opts),
    ).rejects.toMatchObject({ code: 'transport_unavailable' });
    proxy.thaw();
    await client.waitForEvent('charged');
    await until(() => p.broker.isReady());

    const retried = await p.broker.sendToUser(
      'payer',
      'charged',
      { cents: 700 },
      opts,
    );
    const marker = await a.broker.sendToUser('payer', 'marker', null, {
      tenantId: 'acme',
    });
    await client.waitFor((e) => e.id === marker.id);
    expect(eventsNamed(client, 'charged')).toEqual([retried.id]);
    client.close();
  });

  it('answers a repeated key on any instance with the first message, delivers it once, and never mixes tenants or targets', async () => {
    const key = { idempotencyKey: 'welcome' };
    const acme = await connected(b, 'newcomer');
    const globex = await connected(b, 'newcomer', 'globex');

    const first = await a.broker.sendToUser('newcomer', 'hello', 1, {
      ...key,
      tenantId: 'acme',
    });
    const again = await b.broker.sendToUser('newcomer', 'hello', 1, {
      ...key,
      tenantId: 'acme',
    });
    expect(again.id).toBe(first.id);
    expect(again.createdAt).toEqual(first.createdAt);
    const otherTenant = await a.broker.sendToUser('newcomer', 'hello', 1, {
      ...key,
      tenantId: 'globex',
    });
    const otherTarget = await a.broker.broadcast('hello', 1, {
      ...key,
      tenantId: 'acme',
    });

    await acme.waitFor((e) => e.id === otherTarget.id);
    await globex.waitFor((e) => e.id === otherTenant.id);
    expect(eventsNamed(acme, 'hello')).toEqual([first.id, otherTarget.id]);
    expect(eventsNamed(globex, 'hello')).toEqual([otherTenant.id]);
    acme.close();
    globex.close();
  });

  describe('with a short history.ttl', () => {
    let short: TestApp;
    beforeAll(async () => {
      short = await instance({ history: { size: 5, ttl: 1_000 } });
    });
    afterAll(() => short?.close());

    it('forgets a key once history.ttl has passed', async () => {
      const opts = { idempotencyKey: 'reminder' };
      const first = await short.broker.broadcast('remind', 1, opts);
      let next = first;
      await until(
        async () =>
          (next = await short.broker.broadcast('remind', 1, opts)).id !==
          first.id,
      );
      expect(Number(next.id.split('-')[1])).toBeGreaterThan(
        Number(first.id.split('-')[1]),
      );
    });
  });
});
