import type { Redis } from 'ioredis';
import request from 'supertest';
import type { SseRateLimitOptions } from 'nestjs-sse-broker';
import {
  closeRedisPair,
  describeWithRedis,
  describeWithRedisServer,
  OwnRedisServer,
  startRedisApp,
  startRedisPair,
  testPrefix,
} from './utils/redis.js';
import { StreamClient } from './utils/sse-client.js';
import {
  RUNS,
  ADAPTERS,
  startApp,
  type TestAdapter,
  type TestApp,
  until,
} from './utils/sse-test-app.js';

interface Attempt {
  status: number;
  retryAfter: string | null;
  body?: { statusCode: number; code: string; message: string };
}

/**
 * Requests a stream with `token` and reads the answer; a stream that opens
 * is closed at once, so a wrong answer never leaves one open.
 */
async function attempt(
  t: TestApp,
  token: string,
  headers: Record<string, string> = {},
): Promise<Attempt> {
  const client = await StreamClient.open(t.url('/sse/stream'), {
    authorization: `Bearer ${token}`,
    ...headers,
  });
  const retryAfter = client.response.headers.get('retry-after');
  if (client.status === 200) {
    client.close();
    return { status: 200, retryAfter };
  }
  await client.ended;
  return {
    status: client.status,
    retryAfter,
    body: JSON.parse(client.raw) as Attempt['body'],
  };
}

/** What every refusal over a limit looks like: 429, `Retry-After` within the window, the documented body. */
function expectRateLimited(answer: Attempt, windowSeconds: number): void {
  expect(answer.status).toBe(429);
  expect(answer.body).toEqual({
    statusCode: 429,
    code: 'rate_limited',
    message: expect.stringMatching(/^Too many .+; retry in \d+ s\.$/),
  });
  const seconds = Number(answer.retryAfter);
  expect(Number.isInteger(seconds)).toBe(true);
  expect(seconds).toBeGreaterThanOrEqual(1);
  expect(seconds).toBeLessThanOrEqual(windowSeconds);
}

const rejected = async (t: TestApp) =>
  (await t.broker.getStats()).instances[0].connectionsRejected;

describe.each(RUNS)('rate limits (%s writer, %s)', (writer, adapter) => {
  const started: TestApp[] = [];
  const app = async (
    rateLimits: SseRateLimitOptions,
    {
      adminRoutes = false,
      trustProxy = false,
      maxConnectionsPerUser = 16,
    } = {},
  ) => {
    const t = await startApp({
      writer,
      adapter,
      adminRoutes,
      trustProxy,
      maxConnectionsPerUser,
      rateLimits,
    });
    started.push(t);
    return t;
  };
  afterEach(async () => {
    await Promise.all(started.splice(0).map((t) => t.close()));
  });

  it('refuses a user over connectsPerUser with 429 rate_limited and Retry-After, and counts the refusal; other users still connect', async () => {
    const t = await app({
      connectsPerUser: { limit: 2, window: 60_000 },
      connectsPerAddress: false,
    });
    const alice = t.token({ sub: 'alice' });
    expect((await attempt(t, alice)).status).toBe(200);
    expect((await attempt(t, alice)).status).toBe(200);
    const before = await rejected(t);

    const refused = await attempt(t, alice);

    expectRateLimited(refused, 60);
    expect(refused.body!.message).toContain('by this user');
    expect(await rejected(t)).toBe(before + 1);
    expect((await attempt(t, t.token({ sub: 'bob' }))).status).toBe(200);
    // Per tenant: the same user id in another tenant is another user.
    expect(
      (await attempt(t, t.token({ sub: 'alice', tid: 'acme' }))).status,
    ).toBe(200);
  });

  it('does not count a connect refused for the per-user cap against the connect rate', async () => {
    const t = await app(
      {
        connectsPerUser: { limit: 2, window: 60_000 },
        connectsPerAddress: false,
      },
      { maxConnectionsPerUser: 1 },
    );
    const held = await t.connect({ sub: 'ivy' });
    await held.waitForEvent('connected');
    const ivy = t.token({ sub: 'ivy' });
    const capped = await attempt(t, ivy);
    expect(capped.body?.code).toBe('too_many_user_connections');
    held.close();
    await until(async () => !(await t.broker.isUserOnline('ivy')));

    // The held stream is the one connect counted so far.
    expect((await attempt(t, ivy)).status).toBe(200);
    await until(async () => !(await t.broker.isUserOnline('ivy')));
    expectRateLimited(await attempt(t, ivy), 60);
  });

  it('counts connectsPerAddress across users and before authentication, so bad tokens count too; X-Forwarded-For is ignored by default', async () => {
    const t = await app({
      connectsPerUser: false,
      connectsPerAddress: { limit: 3, window: 60_000 },
    });
    expect((await attempt(t, t.token({ sub: 'alice' }))).status).toBe(200);
    expect((await attempt(t, t.token({ sub: 'bob' }))).status).toBe(200);
    expect((await attempt(t, 'not-a-token')).status).toBe(401);
    const before = await rejected(t);

    // Without a trusted proxy, a forwarded address is the client's own claim.
    const carol = await attempt(t, t.token({ sub: 'carol' }), {
      'x-forwarded-for': '198.51.100.9',
    });
    const badToken = await attempt(t, 'not-a-token');

    expectRateLimited(carol, 60);
    expect(carol.body!.message).toContain('from this address');
    // Refused before the token is looked at.
    expectRateLimited(badToken, 60);
    expect(await rejected(t)).toBe(before + 2);
  });

  it("counts each client by the platform's request.ip: behind a trusted proxy, by X-Forwarded-For", async () => {
    const t = await app(
      {
        connectsPerUser: false,
        connectsPerAddress: { limit: 1, window: 60_000 },
      },
      { trustProxy: true },
    );
    const token = t.token({ sub: 'hana' });
    const from = (address: string) => ({ 'x-forwarded-for': address });
    expect((await attempt(t, token, from('203.0.113.7'))).status).toBe(200);
    expect((await attempt(t, token, from('198.51.100.2'))).status).toBe(200);

    expectRateLimited(await attempt(t, token, from('203.0.113.7')), 60);
  });

  it('lets a user in again once the window has slid past its oldest connect', async () => {
    const t = await app({
      connectsPerUser: { limit: 1, window: 1_000 },
      connectsPerAddress: false,
    });
    const dana = t.token({ sub: 'dana' });
    expect((await attempt(t, dana)).status).toBe(200);
    expectRateLimited(await attempt(t, dana), 1);

    // Refused attempts do not count, so retrying does not push the window.
    let last: Attempt | undefined;
    await until(
      async () => {
        last = await attempt(t, dana);
        if (last.status !== 200) expectRateLimited(last, 1);
        return last.status === 200;
      },
      { timeout: 10_000, label: 'a connect accepted after the window' },
    );
    expectRateLimited(await attempt(t, dana), 1);
  });

  it('refuses admin publishes over adminPublishes per caller with 429 and Retry-After', async () => {
    const t = await app(
      { adminPublishes: { limit: 2, window: 60_000 } },
      { adminRoutes: true },
    );
    const publish = (sub: string) =>
      request(t.app.getHttpServer())
        .post('/sse/publish')
        .set(
          'Authorization',
          `Bearer ${t.token({ sub, tid: 'acme', roles: ['admin'] })}`,
        )
        .send({ target: 'broadcast', event: 'notice', data: { n: 1 } });

    expect((await publish('root')).status).toBe(202);
    expect((await publish('root')).status).toBe(202);
    const refused = await publish('root');

    expectRateLimited(
      {
        status: refused.status,
        retryAfter: refused.headers['retry-after'] ?? null,
        body: refused.body as Attempt['body'],
      },
      60,
    );
    expect(refused.body.message).toContain('publishes by this caller');
    expect((await publish('ops')).status).toBe(202);
  });
});

describe.each(ADAPTERS)('rate limits off (%s)', (adapter: TestAdapter) => {
  it('with rateLimits: false, connects are not limited', async () => {
    const t = await startApp({ adapter, adminRoutes: true, rateLimits: false });
    try {
      const eve = t.token({ sub: 'eve' });
      for (let i = 0; i < 35; i++)
        expect((await attempt(t, eve)).status).toBe(200);
    } finally {
      await t.close();
    }
  });
});

describeWithRedis.each(ADAPTERS)(
  'rate limits on Redis, two instances (%s)',
  (adapter) => {
    const prefix = testPrefix();
    let redis: Redis;
    let a: TestApp;
    let b: TestApp;

    beforeAll(async () => {
      ({ redis, a, b } = await startRedisPair(prefix, {
        adapter,
        rateLimits: {
          connectsPerUser: { limit: 3, window: 60_000 },
          connectsPerAddress: { limit: 100, window: 60_000 },
        },
      }));
    });
    afterAll(() => closeRedisPair(prefix, { redis, a, b }));

    it('share one window: connects on either instance count against the same limit', async () => {
      const frank = a.token({ sub: 'frank' });
      expect((await attempt(a, frank)).status).toBe(200);
      expect((await attempt(b, frank)).status).toBe(200);
      expect((await attempt(a, frank)).status).toBe(200);

      expectRateLimited(await attempt(b, frank), 60);
      expectRateLimited(await attempt(a, frank), 60);
      expect((await attempt(b, a.token({ sub: 'grace' }))).status).toBe(200);
    });

    it('keep their counters under the key prefix, each expiring with its window', async () => {
      const keys = await redis.keys(`${prefix}r:*`);
      expect(keys.length).toBeGreaterThanOrEqual(2);
      for (const key of keys) {
        const ttl = await redis.pttl(key);
        expect(ttl).toBeGreaterThan(0);
        expect(ttl).toBeLessThanOrEqual(60_000);
      }
    });
  },
);

describeWithRedisServer.each(ADAPTERS)(
  'rate limits while Redis is unreachable (%s)',
  (adapter) => {
    let server: OwnRedisServer;
    let t: TestApp;

    beforeAll(async () => {
      server = await OwnRedisServer.start();
      t = await startRedisApp(
        testPrefix(),
        {
          adapter,
          adminRoutes: true,
          rateLimits: { connectsPerAddress: { limit: 1, window: 60_000 } },
        },
        server.url,
      );
    });
    afterAll(async () => {
      await t?.close();
      await server?.stop();
    });

    it('do not refuse: a client over its limit meets the transport check instead, 503 transport_unavailable, never 429 or 500', async () => {
      const ida = t.token({ sub: 'ida' });
      expect((await attempt(t, ida)).status).toBe(200);
      expectRateLimited(await attempt(t, ida), 60);
      await server.stop();
      await until(() => !t.broker.isReady());

      const stream = await attempt(t, ida);
      const publish = await request(t.app.getHttpServer())
        .post('/sse/publish')
        .set('Authorization', `Bearer ${t.token({ roles: ['admin'] })}`)
        .send({ target: 'broadcast', event: 'notice', data: 1 });

      expect(stream.status).toBe(503);
      expect(stream.body!.code).toBe('transport_unavailable');
      expect(publish.status).toBe(503);
      expect(publish.body.code).toBe('transport_unavailable');
    });
  },
);
