import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import {
  InvalidSseOptionsError,
  SseAuthenticator,
  type SseIdentity,
  SseModule,
  type SseRequest,
} from '@app/sse';
import { StreamClient } from './utils/sse-client.js';
import { startApp } from './utils/sse-test-app.js';

@Injectable()
class ApiKeys {
  readonly keys = new Map([['key-of-amelia', 'amelia']]);
}

@Module({ providers: [ApiKeys], exports: [ApiKeys] })
class ApiKeysModule {}

@Injectable()
class ApiKeyAuthenticator implements SseAuthenticator {
  constructor(private readonly apiKeys: ApiKeys) {}
  authenticate(request: SseRequest): SseIdentity | null {
    const userId = this.apiKeys.keys.get(String(request.headers['x-api-key']));
    return userId ? { userId, tenantId: 'keys', roles: [] } : null;
  }
}

describe('SseModule wiring', () => {
  it('forRootAsync: builds options from injected services, mounts the path, and uses a custom authenticator', async () => {
    const t = await startApp(
      {},
      {},
      SseModule.forRootAsync({
        imports: [ApiKeysModule],
        inject: [ApiKeys],
        useFactory: (keys: ApiKeys) => ({
          path: `/live/${keys.keys.size}/`,
          authenticate: ApiKeyAuthenticator,
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

  it('two registrations in one process keep their own path and writer', async () => {
    const a = await startApp({ path: 'one', writer: 'nest' });
    const b = await startApp({ path: 'two', writer: 'direct' });
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
