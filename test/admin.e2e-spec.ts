import request from 'supertest';
import {
  ADAPTERS,
  RUNS,
  startApp,
  type TestApp,
} from './utils/sse-test-app.js';

describe.each(RUNS)('admin routes (%s writer, %s)', (writer, adapter) => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await startApp({
      writer,
      adapter,
      adminRoutes: true,
      maxPayloadBytes: 1_024,
    });
    admin = t.token({ sub: 'root', tid: 'acme', roles: ['admin'] });
  });
  afterAll(() => t?.close());

  const http = () => request(t.app.getHttpServer());

  it('publishes to a user of the caller tenant and answers 202 with the message id', async () => {
    const client = await t.connect({ sub: 'vera', tid: 'acme' });
    const other = await t.connect({ sub: 'vera', tid: 'globex' });
    await Promise.all([
      client.waitForEvent('connected'),
      other.waitForEvent('connected'),
    ]);

    const res = await http()
      .post('/sse/publish')
      .set('Authorization', `Bearer ${admin}`)
      .send({
        target: 'user',
        userId: 'vera',
        event: 'notice',
        data: { text: 'hello' },
      });

    expect(res.status).toBe(202);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f]+-\d+$/),
      event: 'notice',
      target: { type: 'user', userId: 'vera', tenantId: 'acme' },
      createdAt: expect.any(String),
    });
    const received = await client.waitForEvent('notice');
    expect(received.id).toBe(res.body.id);
    expect(JSON.parse(received.data)).toEqual({ text: 'hello' });
    await t.broker.broadcast('marker', null, { tenantId: 'globex' });
    await other.waitForEvent('marker');
    expect(other.events.map((e) => e.event)).not.toContain('notice');
    client.close();
    other.close();
  });

  it('delivers data exactly as sent, keys named like Object.prototype members included, at any depth', async () => {
    const client = await t.connect({ sub: 'otto', tid: 'acme' });
    await client.waitForEvent('connected');
    // Fastify's own JSON parser refuses any `__proto__` key (its default
    // onProtoPoisoning: 'error') before the library sees the body: see below.
    const proto = adapter === 'fastify' ? '"__proto_":' : '"__proto__":';
    const data =
      '{"car":{"constructor":"Ford","model":"T"},"toString":"s",' +
      `${proto}{"polluted":true},"prototype":1,` +
      '"list":[{"hasOwnProperty":1,"valueOf":null,' +
      `"nested":{${proto}[1],"constructor":{"constructor":"deep"}}}],` +
      '"isPrototypeOf":"y","__defineGetter__":false}';

    const res = await http()
      .post('/sse/publish')
      .set('Authorization', `Bearer ${admin}`)
      .set('Content-Type', 'application/json')
      .send(`{"target":"user","userId":"otto","event":"car","data":${data}}`);

    expect(res.status).toBe(202);
    expect((await client.waitForEvent('car')).data).toBe(data);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    client.close();
  });

  it('answers 400 data_too_deep for data nested deeper than 64 levels, and delivers 64', async () => {
    const client = await t.connect({ sub: 'pia', tid: 'acme' });
    await client.waitForEvent('connected');
    const arrays = (depth: number) =>
      `${'['.repeat(depth)}${']'.repeat(depth)}`;
    const objects = (depth: number) =>
      `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
    const publish = (data: string) =>
      http()
        .post('/sse/publish')
        .set('Authorization', `Bearer ${admin}`)
        .set('Content-Type', 'application/json')
        .send(`{"target":"user","userId":"pia","event":"deep","data":${data}}`);
    const before = (await t.broker.getStats()).messagesPublished;

    for (const data of [arrays(65), objects(65), arrays(20_000)]) {
      const res = await publish(data);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({
        statusCode: 400,
        code: 'data_too_deep',
      });
    }
    expect((await t.broker.getStats()).messagesPublished).toBe(before);

    expect((await publish(arrays(64))).status).toBe(202);
    expect((await publish(objects(64))).status).toBe(202);
    expect(
      (await client.waitForCount('deep', 2)).map((event) => event.data),
    ).toEqual([arrays(64), objects(64)]);
    client.close();
  });

  it('publishes to topics and broadcasts', async () => {
    const client = await t.connect({ sub: 'walt', tid: 'acme' }, 'topics=ops');
    await client.waitForEvent('connected');
    const send = (body: object) =>
      http()
        .post('/sse/publish')
        .set('Authorization', `Bearer ${admin}`)
        .send(body);

    expect(
      (await send({ target: 'topic', topic: 'ops', event: 'deploy', data: 1 }))
        .status,
    ).toBe(202);
    expect(
      (await send({ target: 'broadcast', event: 'maintenance', data: null }))
        .status,
    ).toBe(202);
    await client.waitForEvent('maintenance');
    expect(client.events.map((e) => e.event)).toEqual([
      'connected',
      'deploy',
      'maintenance',
    ]);
    client.close();
  });

  it.each([
    [
      'an unknown target',
      { target: 'everyone', event: 'x', data: 1 },
      'invalid_body',
    ],
    [
      'a user target without userId',
      { target: 'user', event: 'x', data: 1 },
      'invalid_body',
    ],
    [
      'a malformed topic',
      { target: 'topic', topic: 'a b', event: 'x', data: 1 },
      'invalid_body',
    ],
    [
      'an event name with a newline',
      { target: 'broadcast', event: 'a\nb', data: 1 },
      'invalid_body',
    ],
    [
      'an unknown field',
      { target: 'broadcast', event: 'x', data: 1, extra: true },
      'invalid_body',
    ],
    [
      'a user id with a control character',
      { target: 'user', userId: 'b\u0000c', event: 'x', data: 1 },
      'invalid_user_id',
    ],
    [
      'a top-level __proto__ field',
      JSON.parse(
        '{"target":"broadcast","event":"x","data":1,"__proto__":{"y":1}}',
      ) as object,
      'invalid_body',
    ],
    [
      'a top-level constructor field',
      { target: 'broadcast', event: 'x', data: 1, constructor: 'y' },
      'invalid_body',
    ],
    [
      'a body that is an array',
      [{ target: 'broadcast', event: 'x', data: 1 }],
      'invalid_body',
    ],
    [
      'a reserved event name',
      { target: 'broadcast', event: 'heartbeat', data: 1 },
      'reserved_event_name',
    ],
  ])('answers 400 for %s', async (_, body, code) => {
    const res = await http()
      .post('/sse/publish')
      .set('Authorization', `Bearer ${admin}`)
      .send(body);
    expect(res.status).toBe(400);
    // Fastify's JSON parser answers a `__proto__` key itself, with its own body.
    const byFastify =
      adapter === 'fastify' && Object.hasOwn(body as object, '__proto__');
    expect(res.body).toMatchObject(
      byFastify ? { statusCode: 400 } : { statusCode: 400, code },
    );
  });

  it.each([
    ['a form-encoded body', 'application/x-www-form-urlencoded'],
    ['a text body', 'text/plain'],
    ['a multipart body', 'multipart/form-data; boundary=x'],
    ['no Content-Type', undefined],
  ])(
    'answers 415 unsupported_media_type for %s, and publishes nothing',
    async (_, type) => {
      const before = (await t.broker.getStats()).messagesPublished;
      // fetch sends a byte body without a Content-Type unless one is given.
      const res = await fetch(t.url('/sse/publish'), {
        method: 'POST',
        headers: {
          authorization: `Bearer ${admin}`,
          ...(type && { 'content-type': type }),
        },
        body: Buffer.from('target=broadcast&event=form&data=1'),
      });
      expect(res.status).toBe(415);
      // Fastify answers the content types it has no parser for itself.
      const byFastify =
        adapter === 'fastify' &&
        (type === undefined || type.startsWith('multipart'));
      expect(await res.json()).toMatchObject(
        byFastify
          ? { statusCode: 415 }
          : { statusCode: 415, code: 'unsupported_media_type' },
      );
      expect((await t.broker.getStats()).messagesPublished).toBe(before);
    },
  );

  it('accepts application/json with a charset', async () => {
    const res = await http()
      .post('/sse/publish')
      .set('Authorization', `Bearer ${admin}`)
      .set('Content-Type', 'application/json; charset=utf-8')
      .send(JSON.stringify({ target: 'broadcast', event: 'j', data: 1 }));
    expect(res.status).toBe(202);
  });

  it('answers 413 payload_too_large above maxPayloadBytes, and delivers nothing', async () => {
    const before = (await t.broker.getStats()).messagesPublished;
    const res = await http()
      .post('/sse/publish')
      .set('Authorization', `Bearer ${admin}`)
      .send({ target: 'broadcast', event: 'big', data: 'x'.repeat(2_000) });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({
      statusCode: 413,
      code: 'payload_too_large',
    });
    expect((await t.broker.getStats()).messagesPublished).toBe(before);
  });

  it('answers 403 without the admin role and 401 without a token', async () => {
    const user = t.token({ sub: 'xena', tid: 'acme', roles: ['user'] });
    for (const [method, path] of [
      ['post', '/sse/publish'],
      ['get', '/sse/stats'],
      ['get', '/sse/online'],
      ['delete', '/sse/clients/abc'],
    ] as const) {
      const forbidden = await http()
        [method](path)
        .set('Authorization', `Bearer ${user}`)
        .send({});
      expect(forbidden.status).toBe(403);
      expect(forbidden.body).toMatchObject({ code: 'forbidden' });
      expect((await http()[method](path)).status).toBe(401);
    }
  });

  it('answers 401 invalid_token to the token cookie alone: admin routes need the Authorization header', async () => {
    const cookie = `sse_token=${admin}`;
    for (const [method, path] of [
      ['post', '/sse/publish'],
      ['get', '/sse/stats'],
      ['get', '/sse/online'],
      ['delete', '/sse/clients/abc'],
    ] as const) {
      const res = await http()
        [method](path)
        .set('Cookie', cookie)
        .send({ target: 'broadcast', event: 'forged', data: 1 });
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({
        statusCode: 401,
        code: 'invalid_token',
      });
      expect(res.headers['www-authenticate']).toBe(
        'Bearer error="invalid_token"',
      );
    }
    expect(
      (
        await http()
          .get('/sse/stats')
          .set('Cookie', cookie)
          .set('Authorization', `Bearer ${admin}`)
      ).status,
    ).toBe(200);
  });

  it('reports stats and the online users of the caller tenant', async () => {
    const mine = await t.connect({ sub: 'yuri', tid: 'acme' });
    const theirs = await t.connect({ sub: 'zoe', tid: 'globex' });
    await Promise.all([
      mine.waitForEvent('connected'),
      theirs.waitForEvent('connected'),
    ]);

    const stats = await http()
      .get('/sse/stats')
      .set('Authorization', `Bearer ${admin}`);
    expect(stats.status).toBe(200);
    expect(stats.body).toMatchObject({
      totalClients: 2,
      totalUsers: 2,
      isRunning: true,
    });
    const online = await http()
      .get('/sse/online')
      .set('Authorization', `Bearer ${admin}`);
    expect(online.body).toEqual({ userIds: ['yuri'] });
    mine.close();
    theirs.close();
  });

  it('disconnects a client of the caller tenant (204) and answers 404 for unknown or foreign clients', async () => {
    const mine = await t.connect({ sub: 'amy', tid: 'acme' });
    const theirs = await t.connect({ sub: 'bob', tid: 'globex' });
    const mineId = JSON.parse(
      (await mine.waitForEvent('connected')).data,
    ).clientId;
    const theirsId = JSON.parse(
      (await theirs.waitForEvent('connected')).data,
    ).clientId;

    const foreign = await http()
      .delete(`/sse/clients/${theirsId}`)
      .set('Authorization', `Bearer ${admin}`);
    expect(foreign.status).toBe(404);
    expect(foreign.body).toMatchObject({ code: 'client_not_found' });
    expect(t.broker.getClient(theirsId)).toBeDefined();

    const res = await http()
      .delete(`/sse/clients/${mineId}`)
      .set('Authorization', `Bearer ${admin}`);
    expect(res.status).toBe(204);
    expect(JSON.parse((await mine.waitForEvent('close')).data)).toEqual({
      reason: 'disconnected',
    });
    expect(
      (
        await http()
          .delete(`/sse/clients/${mineId}`)
          .set('Authorization', `Bearer ${admin}`)
      ).status,
    ).toBe(404);
    theirs.close();
  });

  it('answers a repeated idempotencyKey with the first message and delivers it once', async () => {
    const client = await t.connect({ sub: 'ivy', tid: 'acme' });
    await client.waitForEvent('connected');
    const body = {
      target: 'user',
      userId: 'ivy',
      event: 'invoice',
      data: { n: 1 },
      idempotencyKey: 'invoice-1001',
    };
    const publish = () =>
      http()
        .post('/sse/publish')
        .set('Authorization', `Bearer ${admin}`)
        .send(body);

    const first = await publish();
    const again = await publish();
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.body).toEqual(first.body);
    const marker = await t.broker.sendToUser('ivy', 'marker', null, {
      tenantId: 'acme',
    });
    await client.waitFor((e) => e.id === marker.id);
    expect(
      client.events.filter((e) => e.event === 'invoice').map((e) => e.id),
    ).toEqual([first.body.id]);
    client.close();
  });

  it.each([
    ['empty', ''],
    ['with a space', 'a b'],
    ['too long', 'k'.repeat(129)],
    ['not a string', 7],
  ])(
    'answers 400 invalid_body for an idempotencyKey %s',
    async (_, idempotencyKey) => {
      const res = await http()
        .post('/sse/publish')
        .set('Authorization', `Bearer ${admin}`)
        .send({ target: 'broadcast', event: 'x', data: 1, idempotencyKey });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ statusCode: 400, code: 'invalid_body' });
    },
  );
});

describe.each(ADAPTERS)('admin routes are opt-in (%s)', (adapter) => {
  it('are not mounted by default', async () => {
    const t = await startApp({ adapter });
    const admin = t.token({ roles: ['admin'] });
    const res = await request(t.app.getHttpServer())
      .get('/sse/stats')
      .set('Authorization', `Bearer ${admin}`);
    expect(res.status).toBe(404);
    await t.close();
  });
});
