import { Injectable } from '@nestjs/common';
import { generateKeyPairSync } from 'node:crypto';
import request from 'supertest';
import { JwtService } from '@nestjs/jwt';
import type { NestExpressApplication } from '@nestjs/platform-express';
import {
  SseAuthenticator,
  type SseIdentity,
  SseModule,
  type SseRequest,
  type SseTopicAuthorizer,
} from 'nestjs-sse-broker';
import { StreamClient } from './utils/sse-client.js';
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

/** Takes the identity as JSON from a header, as an application's authenticator might from a session. */
@Injectable()
class HeaderIdentity implements SseAuthenticator {
  authenticate(request: SseRequest): SseIdentity {
    return JSON.parse(String(request.headers['x-identity'])) as SseIdentity;
  }
}

/**
 * Requests a stream and reads the refusal; a stream that opens instead is
 * closed at once (status 200), so a wrong answer fails the test without
 * leaving the stream open.
 */
async function refusal(
  t: TestApp,
  query: string,
  token: string,
): Promise<{ status: number; contentType: string | null; body: unknown }> {
  const client = await StreamClient.open(t.url(`/sse/stream${query}`), {
    authorization: `Bearer ${token}`,
  });
  const contentType = client.response.headers.get('content-type');
  if (client.status === 200) {
    client.close();
    return { status: 200, contentType, body: undefined };
  }
  await client.ended;
  return { status: client.status, contentType, body: JSON.parse(client.raw) };
}

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
  afterAll(() => t?.close());

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
      'a token whose tid contains NUL',
      () =>
        get().set(
          'Authorization',
          `Bearer ${valid({ sub: 'c', tid: 'a\u0000b' })}`,
        ),
    ],
    [
      'a token whose sub contains a control character',
      () => get().set('Authorization', `Bearer ${valid({ sub: 'a\u001bb' })}`),
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
    ['a topic with a leading space', '?topics=%20public'],
    ['a topic with a trailing space', '?topics=public+'],
    ['a topic after a comma and a space', '?topics=public,%20project:alice'],
    ['a topic with a leading U+FEFF', '?topics=%EF%BB%BFpublic'],
    ['an empty topics value', '?topics='],
    ['an empty repeated entry', '?topics=public&topics='],
    ['a trailing comma', '?topics=public,'],
    ['the topics[]= form', '?topics[]=public'],
    ['the topics[]= form, percent-encoded', '?topics%5B%5D=public'],
    ['the topics[0]= form', '?topics[0]=public'],
    ['the topics[]= form beside topics=', '?topics=public&topics[]=p1'],
  ])('answers 400 invalid_topics for %s', async (_, query) => {
    const res = await refusal(t, query, valid());
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      statusCode: 400,
      code: 'invalid_topics',
      errors: expect.any(Array),
    });
    expect(res.contentType).toMatch(/^application\/json/);
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

describe.each(['simple', 'extended'])(
  'the topics query with the %s Express query parser',
  (parser) => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startApp({}, {}, undefined, (app) =>
        (app as NestExpressApplication).set('query parser', parser),
      );
    });
    afterAll(() => t.close());

    it.each([
      ['a comma-separated list', 'topics=a,b'],
      ['a repeated parameter', 'topics=a&topics=b'],
      ['both, with a duplicate', 'topics=a&topics=b,a'],
    ])('accepts %s', async (_, query) => {
      const client = await t.connect({ sub: 'quentin' }, query);
      expect(
        JSON.parse((await client.waitForEvent('connected')).data).topics,
      ).toEqual(['a', 'b']);
      client.close();
    });

    it.each([
      ['topics[]=', '?topics[]=a&topics[]=b'],
      ['topics[0]=', '?topics[0]=a&topics[1]=b'],
      ['topics[x]=', '?topics[x]=a'],
      ['topics[]= beside topics=', '?topics=a&topics[]=b'],
    ])('answers 400 invalid_topics for the %s form', async (_, query) => {
      const res = await refusal(t, query, t.token({ sub: 'quentin' }));
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'invalid_topics' });
    });
  },
);

describe.each(ADAPTERS)(
  'identities from a custom authenticator (%s)',
  (adapter) => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startApp(
        { adapter },
        {},
        SseModule.forRoot({ authenticator: HeaderIdentity }),
      );
    });
    afterAll(() => t.close());

    const withIdentity = (identity: object) =>
      request(t.app.getHttpServer())
        .get('/sse/stream')
        .set('x-identity', JSON.stringify(identity));

    it.each([
      [
        'a tenant id with NUL',
        { userId: 'c', tenantId: 'a\u0000b', roles: [] },
      ],
      ['a user id with NUL', { userId: 'b\u0000c', tenantId: 'a', roles: [] }],
      ['a user id with a line feed', { userId: 'a\nb', roles: [] }],
    ])('answers 401 invalid_token for %s', async (_, identity) => {
      const res = await withIdentity(identity);
      expect(res.status).toBe(401);
      expect(res.body).toEqual(INVALID_TOKEN);
    });

    it('opens the stream for an identity without control characters', async () => {
      const { StreamClient } = await import('./utils/sse-client.js');
      const client = await StreamClient.open(t.url('/sse/stream'), {
        'x-identity': JSON.stringify({ userId: 'c', tenantId: 'a', roles: [] }),
      });
      expect(JSON.parse((await client.waitForEvent('connected')).data)).toEqual(
        expect.objectContaining({ userId: 'c', tenantId: 'a' }),
      );
      client.close();
    });
  },
);

describe.each(RUNS)('default limits (%s writer, %s)', (writer, adapter) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ writer, adapter });
  });
  afterAll(() => t.close());

  it('lets one user open 16 streams (tabs) and answers the 17th with 429', async () => {
    const tabs = await Promise.all(
      Array.from({ length: 16 }, () => t.connect({ sub: 'tabby' })),
    );
    await Promise.all(tabs.map((tab) => tab.waitForEvent('connected')));

    const refused = await request(t.app.getHttpServer())
      .get('/sse/stream')
      .set('Authorization', `Bearer ${t.token({ sub: 'tabby' })}`);
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({
      statusCode: 429,
      code: 'too_many_user_connections',
      message:
        'At most 16 streams per user are allowed; close another tab or window first.',
    });
    // `retry` (3 000 ms by default), in seconds.
    expect(refused.headers['retry-after']).toBe('3');
    const other = await t.connect({ sub: 'someone-else' });
    await other.waitForEvent('connected');
    [...tabs, other].forEach((c) => c.close());
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
  afterAll(() => t?.close());

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
  afterAll(() => t?.close());

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

describe.each(RUNS)(
  'cross-site stream requests (%s writer, %s)',
  (writer, adapter) => {
    const APP = 'https://app.example.com';
    let t: TestApp;
    let listed: TestApp;
    beforeAll(async () => {
      t = await startApp({ writer, adapter });
      listed = await startApp({ writer, adapter, allowedOrigins: [APP] });
    });
    afterAll(async () => {
      await t.close();
      await listed.close();
    });

    /** A stream request with the token cookie (as a browser's EventSource sends it) and `headers`. */
    async function open(app: TestApp, headers: Record<string, string>) {
      const { StreamClient } = await import('./utils/sse-client.js');
      return StreamClient.open(app.url('/sse/stream'), {
        cookie: `sse_token=${app.token({ sub: 'cleo' })}`,
        ...headers,
      });
    }

    async function expectOpen(
      app: TestApp,
      headers: Record<string, string>,
    ): Promise<void> {
      const client = await open(app, headers);
      expect(client.status).toBe(200);
      expect(
        JSON.parse((await client.waitForEvent('connected')).data).userId,
      ).toBe('cleo');
      client.close();
    }

    async function expectRefused(
      app: TestApp,
      headers: Record<string, string>,
    ): Promise<void> {
      const client = await open(app, headers);
      await client.ended;
      expect(client.status).toBe(403);
      expect(client.response.headers.get('content-type')).toMatch(
        /^application\/json/,
      );
      expect(JSON.parse(client.raw)).toEqual({
        statusCode: 403,
        code: 'origin_not_allowed',
        message: expect.any(String),
      });
      expect(client.events).toEqual([]);
    }

    it('refuses a cookie-authenticated stream from a foreign origin with 403 origin_not_allowed, before any stream header', async () => {
      await expectRefused(t, {
        origin: 'https://evil.example',
        'sec-fetch-site': 'cross-site',
      });
      // Another port of the same host is another origin.
      await expectRefused(t, { origin: 'http://127.0.0.1:1' });
      await expectRefused(t, { origin: 'null' });
    });

    it('opens a same-origin stream: without Origin, or with the origin of the Host it was sent to', async () => {
      await expectOpen(t, {});
      await expectOpen(t, { origin: t.baseUrl });
      await expectOpen(t, {
        origin: 'https://public.example',
        'sec-fetch-site': 'same-origin',
      });
    });

    it('does not check streams authenticated with the Authorization header (a page cannot make a browser send it cross-site)', async () => {
      const client = await t.connect({ sub: 'cleo' }, '', {
        origin: 'https://evil.example',
      });
      expect(client.status).toBe(200);
      await client.waitForEvent('connected');
      client.close();
    });

    it('opens streams from the origins of allowedOrigins, and only from those', async () => {
      await expectOpen(listed, { origin: APP, 'sec-fetch-site': 'same-site' });
      await expectOpen(listed, { origin: listed.baseUrl });
      await expectRefused(listed, {
        origin: 'https://evil.app.example.com',
        'sec-fetch-site': 'same-site',
      });
      await expectRefused(listed, { origin: 'http://app.example.com' });
    });
  },
);
