import { Global, Injectable, Module, ValidationPipe } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import {
  InvalidSseOptionsError,
  SseAuthenticator,
  type SseIdentity,
  SseModule,
  type SseModuleOptions,
  type SseRequest,
} from 'nestjs-sse-broker';
import { StreamClient } from './utils/sse-client.js';
import { ADAPTERS, startApp } from './utils/sse-test-app.js';

@Injectable()
class ApiKeys {
  readonly keys = new Map([['key-of-amelia', 'amelia']]);
}

@Module({ providers: [ApiKeys], exports: [ApiKeys] })
class ApiKeysModule {}

@Global()
@Module({ providers: [ApiKeys], exports: [ApiKeys] })
class GlobalApiKeysModule {}

@Injectable()
class ApiKeyAuthenticator implements SseAuthenticator {
  constructor(private readonly apiKeys: ApiKeys) {}
  authenticate(request: SseRequest): SseIdentity | null {
    const userId = this.apiKeys.keys.get(String(request.headers['x-api-key']));
    return userId ? { userId, tenantId: 'keys', roles: [] } : null;
  }
}

describe.each(ADAPTERS)('SseModule wiring (%s)', (adapter) => {
  it('forRootAsync: builds options from injected services, mounts the path, and uses a custom authenticator', async () => {
    const t = await startApp(
      { adapter },
      {},
      SseModule.forRootAsync({
        path: '/live/1/',
        imports: [ApiKeysModule],
        inject: [ApiKeys],
        useFactory: (keys: ApiKeys) => ({
          authenticator: new ApiKeyAuthenticator(keys),
        }),
      }),
    );

    const refused = await request(t.app.getHttpServer())
      .get('/live/1/stream')
      .set('x-api-key', 'wrong');
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('invalid_token');
    const client = await StreamClient.open(t.url('/live/1/stream'), {
      'x-api-key': 'key-of-amelia',
    });
    const connected = JSON.parse((await client.waitForEvent('connected')).data);
    expect(connected).toMatchObject({ userId: 'amelia', tenantId: 'keys' });
    client.close();
    await t.close();
  });

  it('forRoot: registers an authenticator class with useClass, so Nest injects its dependencies', async () => {
    const t = await startApp(
      { adapter },
      { imports: [GlobalApiKeysModule] },
      SseModule.forRoot({ authenticator: ApiKeyAuthenticator }),
    );
    const client = await StreamClient.open(t.url('/sse/stream'), {
      'x-api-key': 'key-of-amelia',
    });
    const connected = JSON.parse((await client.waitForEvent('connected')).data);
    expect(connected).toMatchObject({ userId: 'amelia', tenantId: 'keys' });
    client.close();
    await t.close();
  });

  it.each([
    [
      'a class from a forRootAsync factory',
      () => ({ authenticator: ApiKeyAuthenticator }),
      'option "authenticator" from a forRootAsync factory must be an instance',
    ],
    [
      'a route option from a forRootAsync factory',
      () => ({ auth: { secret: 's' }, writer: 'nest' }),
      'option "writer" decides which routes are declared',
    ],
  ])(
    'refuses %s at start-up, naming the option',
    async (_, useFactory, message) => {
      const compiled = Test.createTestingModule({
        imports: [
          SseModule.forRootAsync({
            imports: [ApiKeysModule],
            useFactory: useFactory as () => SseModuleOptions,
          }),
        ],
      }).compile();
      const error = await compiled.then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(error).toBeInstanceOf(InvalidSseOptionsError);
      expect((error as Error).message).toContain(message);
    },
  );

  it('keeps its own validation under a strict global ValidationPipe', async () => {
    const t = await startApp(
      { adapter, adminRoutes: true },
      {},
      undefined,
      (app) =>
        app.useGlobalPipes(
          new ValidationPipe({
            whitelist: true,
            forbidNonWhitelisted: true,
            transform: true,
          }),
        ),
    );
    const client = await StreamClient.open(
      t.url('/sse/stream?topics=a,b&_=1700000000'),
      {
        authorization: `Bearer ${t.token({ sub: 'strict' })}`,
      },
    );
    expect(
      JSON.parse((await client.waitForEvent('connected')).data).topics,
    ).toEqual(['a', 'b']);
    // Fastify's JSON parser refuses `__proto__` keys itself (see the admin spec).
    const data =
      adapter === 'fastify'
        ? '{"car":{"constructor":"Ford","prototype":{"model":"T"}}}'
        : '{"car":{"constructor":"Ford","__proto__":{"model":"T"}}}';
    const delivered = await request(t.app.getHttpServer())
      .post('/sse/publish')
      .set(
        'Authorization',
        `Bearer ${t.token({ sub: 'root', roles: ['admin'] })}`,
      )
      .set('Content-Type', 'application/json')
      .send(`{"target":"user","userId":"strict","event":"car","data":${data}}`);
    expect(delivered.status).toBe(202);
    expect((await client.waitForEvent('car')).data).toBe(data);
    client.close();
    const bad = await request(t.app.getHttpServer())
      .get('/sse/stream?topics=a,,b')
      .set('Authorization', `Bearer ${t.token({ sub: 'strict' })}`);
    expect(bad.body).toMatchObject({ statusCode: 400, code: 'invalid_topics' });
    const publish = await request(t.app.getHttpServer())
      .post('/sse/publish')
      .set(
        'Authorization',
        `Bearer ${t.token({ sub: 'root', roles: ['admin'] })}`,
      )
      .send({ target: 'everyone', event: 'x', data: 1 });
    expect(publish.body).toMatchObject({
      statusCode: 400,
      code: 'invalid_body',
    });
    await t.close();
  });

  it('two registrations in one process keep their own path and writer', async () => {
    const a = await startApp({ adapter, path: 'one', writer: 'nest' });
    const b = await startApp({ adapter, path: 'two', writer: 'direct' });
    expect(
      (await request(a.app.getHttpServer()).get('/two/stream')).status,
    ).toBe(404);
    expect(
      (await request(b.app.getHttpServer()).get('/one/stream')).status,
    ).toBe(404);
    expect(
      (await request(a.app.getHttpServer()).get('/one/stream')).status,
    ).toBe(401);
    expect(
      (await request(b.app.getHttpServer()).get('/two/stream')).status,
    ).toBe(401);
    await a.close();
    await b.close();
  });

  it.each([
    [
      { heartbeatInterval: 500 },
      'option "heartbeatInterval" must be an integer from 1000',
    ],
    [
      { heartbeatInterval: 10_000, clientTimeout: 15_000 },
      'option "clientTimeout" must be an integer from 20000',
    ],
    [
      { clientBufferSize: 0 },
      'option "clientBufferSize" must be an integer from 1',
    ],
    [{ writer: 'fast' }, `option "writer" must be 'nest' or 'direct'`],
    [{ auth: undefined }, 'no authentication configured'],
  ])('refuses to start with %j', async (options, message) => {
    const compiled = Test.createTestingModule({
      imports: [
        SseModule.forRoot({ auth: { secret: 's' }, ...(options as object) }),
      ],
    }).compile();
    const error = await compiled.then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(InvalidSseOptionsError);
    expect((error as Error).message).toContain(message);
  });
});
