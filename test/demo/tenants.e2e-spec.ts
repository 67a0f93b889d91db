import { JwtService } from '@nestjs/jwt';
import type { Approval } from '../../src/approvals/approval.js';
import { DEV_JWT_SECRET } from '../../src/config/jwt-secret.js';
import type { Notification } from '../../src/notifications/notification.js';
import { DATABASES, type DemoApp, startDemo } from './demo-app.js';
import { START_TIMEOUT_MS } from './start-timeout.js';

/** A token the demo accepts for any user id and tenant (the demo's development secret). */
const mint = (sub: string, tid?: string): string =>
  new JwtService().sign(
    { sub, ...(tid && { tid }), roles: [] },
    { secret: DEV_JWT_SECRET, expiresIn: 600 },
  );

describe.each(DATABASES)('demo keeps tenants apart (%s)', (kind) => {
  let demo: DemoApp;
  let alice: string;
  let bob: string;
  // The same user id in another tenant: another person.
  const otherBob = mint('bob', 'globex');
  beforeAll(async () => {
    demo = await startDemo(kind);
    alice = await demo.login('alice');
    bob = await demo.login('bob');
  }, START_TIMEOUT_MS);
  afterAll(() => demo?.close());

  const as = (token: string) => ({ Authorization: `Bearer ${token}` });

  it("does not show, count or mark read a user's notifications to the same user id of another tenant", async () => {
    const sent = (
      await demo
        .http()
        .post('/notifications')
        .set(as(alice))
        .send({ recipientId: 'bob', title: 'acme only', body: 'secret' })
    ).body as Notification;

    for (const token of [otherBob, mint('bob')]) {
      const list = await demo.http().get('/notifications').set(as(token));
      expect(list.status).toBe(200);
      expect(list.body).toEqual([]);
    }
    expect(
      (await demo.http().get('/notifications/unread-count').set(as(otherBob)))
        .body,
    ).toEqual({ unreadCount: 0 });
    const read = await demo
      .http()
      .patch(`/notifications/${sent.id}/read`)
      .set(as(otherBob));
    expect(read.status).toBe(404);
    expect(read.body).toMatchObject({ code: 'notification_not_found' });
    const all = await demo
      .http()
      .post('/notifications/read-all')
      .set(as(otherBob));
    expect(all.body).toEqual({ ids: [], unreadCount: 0 });

    const own = await demo.http().get('/notifications').set(as(bob));
    expect(own.body).toEqual([
      expect.objectContaining({ id: sent.id, readAt: null }),
    ]);
  });

  it('does not show approvals to the same user id of another tenant', async () => {
    const approval = (
      await demo
        .http()
        .post('/approvals')
        .set(as(alice))
        .send({ title: 'acme only', approverIds: ['bob'] })
    ).body as Approval;
    const otherAlice = mint('alice', 'globex');
    for (const [token, role] of [
      [otherBob, 'approver'],
      [otherAlice, 'requester'],
    ]) {
      const list = await demo
        .http()
        .get(`/approvals?role=${role}`)
        .set(as(token));
      expect(list.body).toEqual([]);
    }
    expect(
      (await demo.http().get(`/approvals/${approval.id}`).set(as(otherBob)))
        .status,
    ).toBe(404);
    const decide = await demo
      .http()
      .post(`/approvals/${approval.id}/approve`)
      .set(as(otherBob))
      .send({});
    expect(decide.status).toBe(404);
  });
});
