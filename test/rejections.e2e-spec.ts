import { Injectable } from '@nestjs/common';
import { generateKeyPairSync } from 'node:crypto';
import request from 'supertest';
import { JwtService } from '@nestjs/jwt';
import { type SseIdentity, SseModule, type SseTopicAuthorizer } from '@app/sse';
import {
  ADAPTERS,
  RUNS,
  startApp,
  TEST_SECRET,
  type TestApp,
} from './utils/sse-test-app.js';

@Injectable()
class ProjectTopics implements SseTopicAuthorizer {
  canSubscribe(user: SseIdentity, topic: string): boolean {
    return topic === 'public' || topic === `project:${user.userId}`;
  }
}

const INVALID_TOKEN = {
  statusCode: 401,
  code: 'invalid_token',
  message:
    'A valid access token is required: send "Authorization: Bearer <token>" or the token cookie.',
};

function b64(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

describe.each(RUNS)('stream rejections (%s writer, %s)', (writer, adapter) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({
      writer,
      adapter,
      maxConnections: 3,
      maxConnectionsPerUser: 2,
      maxTopicsPerConnection: 3,
      topicAuthorizer: ProjectTopics,
      auth: { secret: TEST_SECRET, issuer: 'demo', audience: 'sse' },
    });
  });
  afterAll(() => t.close());

  const valid = (claims: Record<string, unknown> = {}) =>
    t.token({ iss: 'demo', aud: 'sse', ...claims });
  const get = (query = '') =>
    request(t.app.getHttpServer()).get(`/sse/stream${query}`);

  function expectNoStream(res: request.Response): void {
    expect(res.headers['content-type']).toMatch(/^application\/json/);
  }

  it.each([
    ['no token at all', () => get()],
    [
      'a malformed Authorization header',
      () => get().set('Authorization', 'Token abc'),
    ],
    [
      'a token that is not a JWT',
      () => get().set('Authorization', 'Bearer not.a.jwt'),
    ],
    [
      'a token signed with another secret',
      () =>
        get().set(
          'Authorization',
          `Bearer ${t.token({ iss: 'demo', aud: 'sse' }, { secret: 'other' })}`,
        ),
    ],
    [
      'an alg:none token',
      () =>
        get().set(
          'Authorization',
          `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'eve', iss: 'demo', aud: 'sse' })}.`,
        ),
    ],
    [
      'an expired token',
      () =>
        get().set(
          'Authorization',
          `Bearer ${valid({ exp: Math.floor(Date.now() / 1000) - 10 })}`,
        ),
    ],
    [
      'a token from another issuer',
      () =>
        get().set(
          'Authorization',
          `Bearer ${t.token({ iss: 'evil', aud: 'sse' })}`,
        ),
    ],
    [
      'a token for another audience',
      () =>
        get().set(
          'Authorization',
          `Bearer ${t.token({ iss: 'demo', aud: 'other' })}`,
        ),
    ],
    [
      'a token without sub',
      () => get().set('Authorization', `Bearer ${valid({ sub: '' })}`),
    ],
    [
      'a token whose roles are not strings',
      () => get().set('Authorization', `Bearer ${valid({ roles: [1] })}`),
    ],
  ])(
    'answers 401 invalid_token, with the same body, for %s',
    async (_, send) => {
      const res = await send();
      expect(res.status).toBe(401);
      expect(res.body).toEqual(INVALID_TOKEN);
      expect(res.headers['www-authenticate']).toBe(
        'Bearer error="invalid_token"',
      );
      expectNoStream(res);
    },
  );

  it('refuses a token in the query string unless allowQueryToken is set', async () => {
    const res = await get(`?access_token=${valid()}`);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      statusCode: 400,
      code: 'query_token_not_allowed',
    });
    expect(JSON.stringify(res.body)).not.toContain(valid().split('.')[0]);
  });

  it.each([
    ['an empty entry', '?topics=a,,b'],
    ['a topic with a space', '?topics=has%20space'],
    ['a topic with a newline', '?topics=a%0Ab'],
    ['a topic that is too long', `?topics=${'x'.repeat(129)}`],
    ['more than maxTopicsPerConnection topics', '?topics=public,p1,p2,p3'],
  ])('answers 400 invalid_topics for %s', async (_, query) => {
    const res = await get(query).set('Authorization', `Bearer ${valid()}`);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      statusCode: 400,
      code: 'invalid_topics',
      errors: expect.any(Array),
    });
    expectNoStream(res);
  });

  it('answers 403 topic_forbidden when the authorizer refuses a topic', async () => {
    const res = await get('?topics=public,project:someone-else').set(
      'Authorization',
      `Bearer ${valid({ sub: 'olga' })}`,
    );
    expect(res.status).toBe(403);
    expect(res.body).toEqual({
      statusCode: 403,
      code: 'topic_forbidden',
      message: 'Not allowed to subscribe to topic "project:someone-else".',
    });
    expectNoStream(res);
  });

  it('answers 429 at the per-user cap and 503 at the instance cap, counting rejections', async () => {
    const headers = (sub: string) => ({
      authorization: `Bearer ${valid({ sub })}`,
    });
    const first = await t.connect(
      { iss: 'demo', aud: 'sse', sub: 'pat' },
      'topics=project:pat',
      {},
    );
    const second = await t.connect({ iss: 'demo', aud: 'sse', sub: 'pat' });
    await Promise.all([
      first.waitForEvent('connected'),
      second.waitForEvent('connected'),
    ]);
    const rejectedBefore = (await t.broker.getStats()).connectionsRejected;

    const perUser = await get().set(headers('pat'));
    expect(perUser.status).toBe(429);
    expect(perUser.body).toMatchObject({
      statusCode: 429,
      code: 'too_many_user_connections',
    });

    const third = await t.connect({ iss: 'demo', aud: 'sse', sub: 'quinn' });
    await third.waitForEvent('connected');
    const full = await get().set(headers('rita'));
    expect(full.status).toBe(503);
    expect(full.body).toMatchObject({
      statusCode: 503,
      code: 'too_many_connections',
    });
    expect(
      (await t.broker.getStats()).connectionsRejected - rejectedBefore,
    ).toBe(2);

    [first, second, third].forEach((c) => c.close());
  });
});

describe.each(ADAPTERS)('token sources (%s)', (adapter) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({
      adapter,
      auth: {
        secret: TEST_SECRET,
        cookieName: 'session_sse',
        allowQueryToken: true,
      },
    });
  });
  afterAll(() => t.close());

  it('accepts the token from the configured cookie, for browser EventSource', async () => {
    const { StreamClient } = await import('./utils/sse-client.js');
    const client = await StreamClient.open(t.url('/sse/stream'), {
      cookie: `other=1; session_sse=${t.token({ sub: 'sam' })}`,
    });
    expect(
      JSON.parse((await client.waitForEvent('connected')).data).userId,
    ).toBe('sam');
    client.close();
  });

  it('accepts ?access_token= when allowQueryToken is set', async () => {
    const { StreamClient } = await import('./utils/sse-client.js');
    const client = await StreamClient.open(
      t.url(`/sse/stream?access_token=${t.token({ sub: 'tom' })}`),
    );
    expect(
      JSON.parse((await client.waitForEvent('connected')).data).userId,
    ).toBe('tom');
    client.close();
  });
});

describe.each(ADAPTERS)('public-key JWTs (%s)', (adapter) => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp(
      { adapter },
      {},
      SseModule.forRoot({ auth: { publicKey } }),
    );
  });
  afterAll(() => t.close());

  it('accepts RS256 tokens and refuses an HS256 token signed with the public key (algorithm confusion)', async () => {
    const jwt = new JwtService();
    const rs = jwt.sign({ sub: 'uma' }, { privateKey, algorithm: 'RS256' });
    const forged = jwt.sign(
      { sub: 'uma' },
      { secret: publicKey, algorithm: 'HS256' },
    );
    const get = (token: string) =>
      request(t.app.getHttpServer())
        .get('/sse/stream')
        .set('Authorization', `Bearer ${token}`);

    const refused = await get(forged);
    expect(refused.status).toBe(401);
    const { StreamClient } = await import('./utils/sse-client.js');
    const client = await StreamClient.open(t.url('/sse/stream'), {
      authorization: `Bearer ${rs}`,
    });
    expect(
      JSON.parse((await client.waitForEvent('connected')).data).userId,
    ).toBe('uma');
    client.close();
  });
});
