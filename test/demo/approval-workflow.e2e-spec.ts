import type { Approval } from '../../src/approvals/approval.js';
import { Database } from '../../src/database/database.js';
import type { Notification } from '../../src/notifications/notification.js';
import { DATABASES, type DemoApp, startDemo } from './demo-app.js';
import { START_TIMEOUT_MS } from './start-timeout.js';

describe.each(DATABASES)('demo approval workflow (%s)', (kind) => {
  let demo: DemoApp;
  const tokens: Record<string, string> = {};
  beforeAll(async () => {
    demo = await startDemo(kind);
    for (const user of ['alice', 'bob', 'carol'])
      tokens[user] = await demo.login(user);
  }, START_TIMEOUT_MS);
  afterAll(() => demo?.close());

  const as = (user: string) => ({ Authorization: `Bearer ${tokens[user]}` });
  const notifications = async (user: string) =>
    (await demo.http().get('/notifications?limit=100').set(as(user)))
      .body as Notification[];

  it('refuses an approval request that names the requester as an approver (400 self_approval)', async () => {
    for (const approverIds of [['alice'], ['bob', 'alice']]) {
      const res = await demo
        .http()
        .post('/approvals')
        .set(as('alice'))
        .send({ title: 'My own raise', approverIds });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        statusCode: 400,
        code: 'self_approval',
        message: expect.any(String),
      });
    }
    const mine = await demo
      .http()
      .get('/approvals?role=requester')
      .set(as('alice'));
    expect(mine.body.map((a: Approval) => a.title)).not.toContain(
      'My own raise',
    );
  });

  it('refuses the requester approving their own request stored before the check (400 self_approval)', async () => {
    const [row] = await demo.app.get(Database).query<{ id: string }>(
      `INSERT INTO approvals (tenant_id, requester_id, title, status, step, approver_ids)
       VALUES ('acme', 'alice', 'legacy', 'pending', 0, '{alice}') RETURNING id`,
    );
    const res = await demo
      .http()
      .post(`/approvals/${row.id}/approve`)
      .set(as('alice'))
      .send({});
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'self_approval' });
    const withdrawn = await demo
      .http()
      .post(`/approvals/${row.id}/reject`)
      .set(as('alice'))
      .send({});
    expect(withdrawn.body).toMatchObject({ status: 'rejected' });
  });

  it('notifies each approver when the request reaches them: stored and pushed like any notification', async () => {
    const bobStream = await demo.stream(tokens.bob);
    const carolStream = await demo.stream(tokens.carol);
    const approval = (
      await demo
        .http()
        .post('/approvals')
        .set(as('alice'))
        .send({ title: 'Team offsite', approverIds: ['bob', 'carol'] })
    ).body as Approval;

    const toBob = (await bobStream.expectEvent('notification')).data;
    expect(toBob).toMatchObject({
      recipientId: 'bob',
      senderId: 'alice',
      title: '"Team offsite" waits for your approval',
      readAt: null,
    });
    expect(await notifications('bob')).toContainEqual(toBob);
    expect(
      (await demo.http().get('/notifications/unread-count').set(as('bob'))).body
        .unreadCount,
    ).toBeGreaterThan(0);
    expect((await notifications('carol')).map((n) => n.title)).not.toContain(
      '"Team offsite" waits for your approval',
    );

    await demo
      .http()
      .post(`/approvals/${approval.id}/approve`)
      .set(as('bob'))
      .send({});
    const toCarol = (await carolStream.expectEvent('notification')).data;
    expect(toCarol).toMatchObject({
      recipientId: 'carol',
      senderId: 'bob',
      title: '"Team offsite" waits for your approval',
    });
    expect(await notifications('carol')).toContainEqual(toCarol);
  });

  it("keeps decided requests in the approver's list, with the status filter", async () => {
    const approval = (
      await demo
        .http()
        .post('/approvals')
        .set(as('alice'))
        .send({ title: 'History', approverIds: ['bob', 'carol'] })
    ).body as Approval;
    await demo
      .http()
      .post(`/approvals/${approval.id}/approve`)
      .set(as('bob'))
      .send({});
    await demo
      .http()
      .post(`/approvals/${approval.id}/reject`)
      .set(as('carol'))
      .send({ comment: 'no' });
    const list = async (user: string, query: string) =>
      (
        (
          await demo
            .http()
            .get(`/approvals?role=approver${query}`)
            .set(as(user))
        ).body as Approval[]
      ).find((a) => a.id === approval.id);
    for (const user of ['bob', 'carol']) {
      expect(await list(user, '')).toMatchObject({ status: 'rejected' });
      expect(await list(user, '&status=rejected')).toBeDefined();
      expect(await list(user, '&status=pending')).toBeUndefined();
    }
  });
});
