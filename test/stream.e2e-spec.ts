import type { SseConnectionEvent } from 'nestjs-sse-broker';
import { RUNS, startApp, until, type TestApp } from './utils/sse-test-app.js';

describe.each(RUNS)('stream endpoint (%s writer, %s)', (writer, adapter) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({
      writer,
      adapter,
      heartbeatInterval: 1_000,
      clientTimeout: 2_000,
    });
  });
  afterAll(() => t?.close());

  it('opens with SSE headers, retry and a connected event describing the client', async () => {
    const client = await t.connect(
      { sub: 'carol', tid: 'acme' },
      'topics=orders,invoices',
    );
    const connected = await client.waitForEvent('connected');

    expect(client.status).toBe(200);
    expect(client.response.headers.get('content-type')).toBe(
      'text/event-stream',
    );
    expect(client.response.headers.get('cache-control')).toContain('no-cache');
    expect(client.response.headers.get('x-accel-buffering')).toBe('no');
    expect(connected.retry).toBe(3_000);
    expect(JSON.parse(connected.data)).toEqual({
      clientId: expect.any(String),
      userId: 'carol',
      tenantId: 'acme',
      topics: ['orders', 'invoices'],
    });
    expect(
      t.broker.getClient(JSON.parse(connected.data).clientId)?.userId,
    ).toBe('carol');
    client.close();
  });

  it('delivers sendToUser to every stream of that user and to nobody else', async () => {
    const phone = await t.connect({ sub: 'dave' });
    const laptop = await t.connect({ sub: 'dave' });
    const other = await t.connect({ sub: 'erin' });
    await Promise.all(
      [phone, laptop, other].map((c) => c.waitForEvent('connected')),
    );

    const sent = await t.broker.sendToUser('dave', 'notification', {
      title: 'hi',
    });
    await t.broker.sendToUser('erin', 'marker', null);

    const [a, b] = await Promise.all([
      phone.waitForEvent('notification'),
      laptop.waitForEvent('notification'),
    ]);
    await other.waitForEvent('marker');
    expect(JSON.parse(a.data)).toEqual({ title: 'hi' });
    expect(a.id).toBe(sent.id);
    expect(b.id).toBe(sent.id);
    expect(other.events.map((e) => e.event)).not.toContain('notification');
    [phone, laptop, other].forEach((c) => c.close());
  });

  it('delivers sendToTopic only to subscribers of the topic', async () => {
    const subscriber = await t.connect(
      { sub: 'frank' },
      'topics=approval:process:7',
    );
    const bystander = await t.connect(
      { sub: 'gina' },
      'topics=approval:process:8',
    );
    await Promise.all([
      subscriber.waitForEvent('connected'),
      bystander.waitForEvent('connected'),
    ]);

    await t.broker.sendToTopic(
      'approval:process:7',
      'approval:status_changed',
      { status: 'approved' },
    );
    await t.broker.sendToTopic('approval:process:8', 'marker', 1);

    expect(
      JSON.parse(
        (await subscriber.waitForEvent('approval:status_changed')).data,
      ),
    ).toEqual({ status: 'approved' });
    await bystander.waitForEvent('marker');
    expect(bystander.events.map((e) => e.event)).not.toContain(
      'approval:status_changed',
    );
    subscriber.close();
    bystander.close();
  });

  it('keeps tenants apart for users, topics and broadcasts', async () => {
    const acme = await t.connect(
      { sub: 'same-id', tid: 'acme' },
      'topics=news',
    );
    const globex = await t.connect(
      { sub: 'same-id', tid: 'globex' },
      'topics=news',
    );
    const noTenant = await t.connect({ sub: 'same-id' }, 'topics=news');
    await Promise.all(
      [acme, globex, noTenant].map((c) => c.waitForEvent('connected')),
    );

    await t.broker.sendToUser('same-id', 'for-user', 'acme', {
      tenantId: 'acme',
    });
    await t.broker.sendToTopic('news', 'for-topic', 'acme', {
      tenantId: 'acme',
    });
    await t.broker.broadcast('for-all', 'acme', { tenantId: 'acme' });
    await t.broker.broadcast('done', null, { tenantId: 'globex' });
    await t.broker.broadcast('done', null);

    await acme.waitForEvent('for-all');
    await globex.waitForEvent('done');
    await noTenant.waitForEvent('done');
    expect(acme.events.map((e) => e.event)).toEqual([
      'connected',
      'for-user',
      'for-topic',
      'for-all',
    ]);
    expect(globex.events.map((e) => e.event)).toEqual(['connected', 'done']);
    expect(noTenant.events.map((e) => e.event)).toEqual(['connected', 'done']);
    [acme, globex, noTenant].forEach((c) => c.close());
  });

  it('sends to a single client with sendToClient', async () => {
    const first = await t.connect({ sub: 'hank' });
    const second = await t.connect({ sub: 'hank' });
    const { clientId } = JSON.parse(
      (await first.waitForEvent('connected')).data,
    );
    await second.waitForEvent('connected');

    await t.broker.sendToClient(clientId, 'just-you', { n: 1 });
    await t.broker.sendToUser('hank', 'marker', null);

    await first.waitForEvent('just-you');
    await second.waitForEvent('marker');
    expect(second.events.map((e) => e.event)).not.toContain('just-you');
    first.close();
    second.close();
  });

  it('assigns one id per message, increasing across targets, and control events never move Last-Event-ID', async () => {
    const client = await t.connect({ sub: 'ivan' }, 'topics=t1');
    await client.waitForEvent('connected');
    const m1 = await t.broker.sendToUser('ivan', 'a', 1);
    const m2 = await t.broker.sendToTopic('t1', 'b', 2);
    const m3 = await t.broker.broadcast('c', 3);
    await client.waitForEvent('c');
    await client.waitForEvent('heartbeat');

    const ids = [m1, m2, m3].map((m) => m.id);
    expect(new Set(ids).size).toBe(3);
    const sequence = ids.map((id) => Number(id.split('-')[1]));
    expect(sequence).toEqual([...sequence].sort((x, y) => x - y));
    expect(
      client.events
        .filter((e) => ['a', 'b', 'c'].includes(e.event))
        .map((e) => e.id),
    ).toEqual(ids);
    const heartbeat = client.events.find((e) => e.event === 'heartbeat')!;
    expect(heartbeat.lastEventId).toBe(m3.id);
    client.close();
  });

  it('sends heartbeat events at heartbeatInterval', async () => {
    const client = await t.connect({ sub: 'judy' });
    const heartbeats = await client.waitForCount('heartbeat', 2);
    expect(JSON.parse(heartbeats[0].data)).toEqual({});
    client.close();
  });

  it('carries newlines and control characters in data without splitting frames', async () => {
    // User ids cannot hold control characters (refused at authentication).
    const sub = 'line break user';
    const client = await t.connect({ sub });
    const connected = JSON.parse((await client.waitForEvent('connected')).data);
    expect(connected.userId).toBe(sub);

    const payload = {
      text: 'a\nb\r\nc\rd\n\nevent: forged\ndata: x\u0000\u2028',
      s: '\u001b[31m',
    };
    await t.broker.sendToUser(sub, 'tricky', payload);
    await t.broker.sendToUser(sub, 'plain', 'line1\nline2');

    const plain = await client.waitForEvent('plain');
    const tricky = client.events.find((e) => e.event === 'tricky')!;
    expect(JSON.parse(tricky.data)).toEqual(payload);
    expect(JSON.parse(plain.data)).toBe('line1\nline2');
    expect(client.events.map((e) => e.event)).not.toContain('forged');
    await expect(
      t.broker.sendToUser(sub, 'bad\nevent', 1),
    ).rejects.toMatchObject({ code: 'invalid_event_name' });
    await expect(
      t.broker.sendToTopic('bad\ntopic', 'x', 1),
    ).rejects.toMatchObject({ code: 'invalid_topic' });
    await expect(
      t.broker.sendToUser(sub, 'x', 1, { tenantId: 'a\u0000b' }),
    ).rejects.toMatchObject({ code: 'invalid_tenant_id' });
    client.close();
  });

  it('closes the stream with token_expired when the token expires', async () => {
    const client = await t.connect({
      sub: 'kate',
      exp: Math.floor(Date.now() / 1000) + 2,
    });
    const close = await client.waitForEvent('close');
    await client.ended;
    expect(JSON.parse(close.data)).toEqual({ reason: 'token_expired' });
    expect(await t.broker.isUserOnline('kate')).toBe(false);
  });

  it('reports presence and releases users and topics when streams end', async () => {
    const seen: SseConnectionEvent[] = [];
    const subscription = t.broker.connections$.subscribe((e) => seen.push(e));
    const client = await t.connect(
      { sub: 'leo', tid: 'presence' },
      'topics=room:1',
    );
    const { clientId } = JSON.parse(
      (await client.waitForEvent('connected')).data,
    );
    expect(await t.broker.isUserOnline('leo', { tenantId: 'presence' })).toBe(
      true,
    );
    expect(await t.broker.isUserOnline('leo')).toBe(false);
    expect(await t.broker.getOnlineUsers({ tenantId: 'presence' })).toEqual([
      'leo',
    ]);
    const topicsBefore = (await t.broker.getStats()).totalTopics;

    client.close();
    await until(
      async () =>
        !(await t.broker.isUserOnline('leo', { tenantId: 'presence' })),
    );

    expect(await t.broker.getOnlineUsers({ tenantId: 'presence' })).toEqual([]);
    expect((await t.broker.getStats()).totalTopics).toBe(topicsBefore - 1);
    expect(seen.map((e) => [e.type, e.client.clientId])).toEqual([
      ['connect', clientId],
      ['disconnect', clientId],
    ]);
    expect(seen[1]).toMatchObject({ reason: 'client_closed' });
    subscription.unsubscribe();
  });

  it('disconnects a client or all streams of a user with close {reason: disconnected}', async () => {
    const one = await t.connect({ sub: 'mia' });
    const two = await t.connect({ sub: 'mia' });
    const { clientId } = JSON.parse((await one.waitForEvent('connected')).data);
    await two.waitForEvent('connected');

    expect(await t.broker.disconnect(clientId)).toBe(true);
    expect(JSON.parse((await one.waitForEvent('close')).data)).toEqual({
      reason: 'disconnected',
    });
    expect(await t.broker.disconnect(clientId)).toBe(false);
    expect(await t.broker.disconnectUser('mia')).toBe(1);
    await two.waitForEvent('close');
    await Promise.all([one.ended, two.ended]);
  });

  it('counts published and delivered messages in stats', async () => {
    const before = await t.broker.getStats();
    const a = await t.connect({ sub: 'ned' });
    const b = await t.connect({ sub: 'ned' });
    await Promise.all([
      a.waitForEvent('connected'),
      b.waitForEvent('connected'),
    ]);
    await t.broker.sendToUser('ned', 'counted', 1);
    await Promise.all([a.waitForEvent('counted'), b.waitForEvent('counted')]);

    const after = await t.broker.getStats();
    expect(after.messagesPublished - before.messagesPublished).toBe(1);
    expect(after.eventsDelivered - before.eventsDelivered).toBe(2);
    expect(after.isRunning).toBe(true);
    a.close();
    b.close();
  });
});
