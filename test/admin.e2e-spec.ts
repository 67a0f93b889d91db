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
  afterAll(() => t.close());

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
    expect(res.body).toMatchObject({ statusCode: 400, code });
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
