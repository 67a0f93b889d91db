import { Controller, Get } from '@nestjs/common';
import {
  HealthCheck,
  type HealthCheckResult,
  HealthCheckService,
  TerminusModule,
} from '@nestjs/terminus';
import { SseHealthIndicator } from 'nestjs-sse-broker/terminus';
import { Registry } from 'prom-client';
import { parseMetrics, valueOf } from './utils/prometheus.js';
import {
  describeWithRedisServer,
  OwnRedisServer,
  testPrefix,
} from './utils/redis.js';
import {
  ADAPTERS,
  startApp,
  type TestApp,
  until,
} from './utils/sse-test-app.js';

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
