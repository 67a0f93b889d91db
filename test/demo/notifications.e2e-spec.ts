import type { Notification } from '../../src/notifications/notification.js';
import { DATABASES, type DemoApp, startDemo } from './demo-app.js';

describe.each(DATABASES)('demo notifications (%s)', (kind) => {
  let demo: DemoApp;
  let alice: string;
  let bob: string;
  let dave: string;
  beforeAll(async () => {
    demo = await startDemo(kind);
    [alice, bob, dave] = await Promise.all(
      ['alice', 'bob', 'dave'].map((u) => demo.login(u)),
    );
  }, 60_000); // PGlite's start and three scrypt logins: slow on a busy machine
  afterAll(() => demo?.close());

  const as = (token: string) => ({ Authorization: `Bearer ${token}` });

  it('stores a notification and pushes the stored record to every device of the recipient', async () => {
    const phone = await demo.stream(bob);
    const laptop = await demo.stream(bob);
    const res = await demo.http().post('/notifications').set(as(alice)).send({
      recipientId: 'bob',
      title: 'Lunch?',
      body: 'At noon\nin the lobby',
      priority: 'high',
    });

    expect(res.status).toBe(201);
    const stored = res.body as Notification;
    expect(stored).toMatchObject({
      recipientId: 'bob',
      senderId: 'alice',
      title: 'Lunch?',
      priority: 'high',
      readAt: null,
    });
    for (const device of [phone, laptop]) {
      expect((await device.expectEvent('notification')).data).toEqual(stored);
    }
    const list = await demo.http().get('/notifications').set(as(bob));
    expect(list.body[0]).toEqual(stored);
  });

  it('answers 404 for a recipient of another tenant or unknown, and 400 for invalid input', async () => {
    const foreign = await demo
      .http()
      .post('/notifications')
      .set(as(alice))
      .send({ recipientId: 'dave', title: 't', body: '' });
    expect(foreign.status).toBe(404);
    expect(foreign.body).toMatchObject({ code: 'recipient_not_found' });
    const invalid = await demo
      .http()
      .post('/notifications')
      .set(as(alice))
      .send({ recipientId: 'bob', title: '', body: 'x', priority: 'whenever' });
    expect(invalid.status).toBe(400);
  });

  it("marks read, pushes notification:read with the new count to every device, and hides others' notifications", async () => {
    const device = await demo.stream(bob);
    const created = await Promise.all(
      [1, 2].map((n) =>
        demo
          .http()
          .post('/notifications')
          .set(as(alice))
          .send({ recipientId: 'bob', title: `n${n}`, body: '' }),
      ),
    );
    const before = (
      await demo.http().get('/notifications/unread-count').set(as(bob))
    ).body.unreadCount as number;

    const read = await demo
      .http()
      .patch(`/notifications/${created[0].body.id}/read`)
      .set(as(bob));
    expect(read.status).toBe(200);
    expect(read.body.readAt).not.toBeNull();
    const pushed = (await device.expectEvent('notification:read')).data;
    expect(pushed).toEqual({
      ids: [created[0].body.id],
      unreadCount: before - 1,
    });

    expect(
      (
        await demo
          .http()
          .patch(`/notifications/${created[1].body.id}/read`)
          .set(as(alice))
      ).status,
    ).toBe(404);
    expect(
      (
        await demo
          .http()
          .patch(`/notifications/${created[1].body.id}/read`)
          .set(as(dave))
      ).status,
    ).toBe(404);
    expect(
      (await demo.http().patch('/notifications/not-a-number/read').set(as(bob)))
        .status,
    ).toBe(404);

    const all = await demo.http().post('/notifications/read-all').set(as(bob));
    expect(all.body.unreadCount).toBe(0);
    expect(all.body.ids).toContain(created[1].body.id);
    expect(
      (await demo.http().get('/notifications?unread=true').set(as(bob))).body,
    ).toEqual([]);
  });

  it('pages with limit and cursor, newest first', async () => {
    for (let i = 0; i < 5; i++) {
      await demo
        .http()
        .post('/notifications')
        .set(as(bob))
        .send({ recipientId: 'carol', title: `p${i}`, body: '' });
    }
    const carol = await demo.login('carol');
    const first = (
      await demo.http().get('/notifications?limit=2').set(as(carol))
    ).body as Notification[];
    const next = (
      await demo
        .http()
        .get(`/notifications?limit=2&cursor=${first[1].id}`)
        .set(as(carol))
    ).body as Notification[];
    expect(first.map((n) => n.title)).toEqual(['p4', 'p3']);
    expect(next.map((n) => n.title)).toEqual(['p2', 'p1']);
    expect(
      (await demo.http().get('/notifications?limit=500').set(as(carol))).status,
    ).toBe(400);
  });
});
