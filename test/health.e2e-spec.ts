import { Controller, Get } from '@nestjs/common';
import {
  HealthCheck,
  type HealthCheckResult,
  HealthCheckService,
  TerminusModule,
} from '@nestjs/terminus';
import { SseBroker } from 'nestjs-sse-broker';
import { SseHealthIndicator } from 'nestjs-sse-broker/terminus';
import { Registry } from 'prom-client';
import { parseMetrics, valueOf } from './utils/prometheus.js';
import {
  describeWithRedis,
  describeWithRedisServer,
  OwnRedisServer,
  REDIS_URL,
  startRedisApp,
  testPrefix,
} from './utils/redis.js';
import {
  ADAPTERS,
  startApp,
  type TestApp,
  until,
} from './utils/sse-test-app.js';
import { TcpProxy } from './utils/tcp-proxy.js';

@Controller('health')
class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly sse: SseHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  check(): Promise<HealthCheckResult> {
    return this.health.check([() => this.sse.isHealthy()]);
  }
}

const withHealth = {
  imports: [TerminusModule],
  controllers: [HealthController],
  providers: [SseHealthIndicator],
};

async function health(t: TestApp) {
  const res = await fetch(t.url('/health'));
  return { status: res.status, body: (await res.json()) as HealthCheckResult };
}

describe.each(ADAPTERS)('terminus health indicator (%s)', (adapter) => {
  it('is up with its details while the instance accepts streams, and down once shutdown begins', async () => {
    const t = await startApp({ adapter }, withHealth);
    let indicator: SseHealthIndicator;
    try {
      const stream = await t.connect({ sub: 'alice' });
      await stream.waitForEvent('connected');
      expect(await health(t)).toEqual({
        status: 200,
        body: expect.objectContaining({
          status: 'ok',
          info: {
            sse: {
              status: 'up',
              transport: 'memory',
              transportReady: true,
              accepting: true,
              openStreams: 1,
              instanceId: t.broker.instanceId,
            },
          },
        }),
      });
      indicator = t.app.get(SseHealthIndicator);
      stream.close();
    } finally {
      await t.close();
    }
    expect(indicator.isHealthy('streams')).toEqual({
      streams: {
        status: 'down',
        transport: 'memory',
        transportReady: true,
        accepting: false,
        openStreams: 0,
        instanceId: t.broker.instanceId,
      },
    });
  });
});

describeWithRedisServer.each(ADAPTERS)(
  'terminus health indicator on Redis (%s)',
  (adapter) => {
    let redis: OwnRedisServer;
    let t: TestApp;
    let registry: Registry;

    beforeAll(async () => {
      redis = await OwnRedisServer.start();
      registry = new Registry();
      t = await startApp(
        {
          adapter,
          metrics: { registry },
          transport: {
            type: 'redis',
            url: redis.url,
            keyPrefix: testPrefix(),
            canaryInterval: 300,
            commandTimeout: 500,
          },
        },
        withHealth,
      );
    });
    afterAll(async () => {
      await t?.close();
      await redis?.stop();
    });

    it('reports the transport down while Redis is gone and up once it is back, and the metrics follow', async () => {
      expect(await health(t)).toMatchObject({
        status: 200,
        body: { info: { sse: { status: 'up', transport: 'redis' } } },
      });
      const stream = await t.connect({ sub: 'alice' });
      await stream.waitForEvent('connected');

      await redis.stop();
      await until(() => !t.broker.health().transportReady);
      const down = await health(t);
      expect(down.status).toBe(503);
      expect(down.body).toMatchObject({
        status: 'error',
        error: {
          sse: {
            status: 'down',
            transport: 'redis',
            transportReady: false,
            accepting: true,
            openStreams: 1,
          },
        },
      });
      let samples = parseMetrics(await registry.metrics());
      expect(
        valueOf(samples, 'sse_transport_ready', { transport: 'redis' }),
      ).toBe(0);

      await redis.restart();
      await until(() => t.broker.health().transportReady);
      expect(await health(t)).toMatchObject({
        status: 200,
        body: { status: 'ok', info: { sse: { status: 'up', openStreams: 1 } } },
      });
      // The stream resumes from the history once the subscriber is back.
      await until(async () => {
        samples = parseMetrics(await registry.metrics());
        return valueOf(samples, 'sse_transport_resumes_total') >= 1;
      });
      expect(
        valueOf(samples, 'sse_transport_ready', { transport: 'redis' }),
      ).toBe(1);
      stream.close();
    }, 60_000);
  },
);

describeWithRedis.each(ADAPTERS)(
  'Redis subscriber that stops receiving (%s)',
  (adapter) => {
    it('counts the canary it missed, shows the transport not ready meanwhile, and counts the resume once it is back', async () => {
      const proxy = await TcpProxy.start(REDIS_URL!);
      const registry = new Registry();
      let t: TestApp | undefined;
      try {
        t = await startRedisApp(
          testPrefix(),
          { adapter, metrics: { registry } },
          proxy.url,
        );
        const broker = t.app.get(SseBroker);
        const stream = await t.connect({ sub: 'frozen' });
        await stream.waitForEvent('connected');

        proxy.freeze();
        // Nothing closes the connections: only the canary can tell.
        let samples = parseMetrics(await registry.metrics());
        await until(async () => {
          samples = parseMetrics(await registry.metrics());
          return valueOf(samples, 'sse_redis_canary_misses_total') >= 1;
        });
        expect(broker.isReady()).toBe(false);
        // A subscriber that is not subscribed sends no canary: one miss per stall.
        expect(valueOf(samples, 'sse_redis_canary_misses_total')).toBe(1);
        expect(
          valueOf(samples, 'sse_transport_ready', { transport: 'redis' }),
        ).toBe(0);

        proxy.thaw();
        await until(() => broker.isReady());
        await until(async () => {
          samples = parseMetrics(await registry.metrics());
          return valueOf(samples, 'sse_transport_resumes_total') >= 1;
        });
        expect(
          valueOf(samples, 'sse_transport_ready', { transport: 'redis' }),
        ).toBe(1);
        stream.close();
      } finally {
        await t?.close();
        await proxy.close();
      }
    }, 60_000);
  },
);
