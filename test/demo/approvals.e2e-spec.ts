import request from 'supertest';
import type { Approval } from '../../src/approvals/approval.js';
import { DATABASES, type DemoApp, startDemo } from './demo-app.js';

describe.each(DATABASES)('demo approvals (%s)', (kind) => {
  let demo: DemoApp;
  const tokens: Record<string, string> = {};
  beforeAll(async () => {
    demo = await startDemo(kind);
    for (const user of ['alice', 'bob', 'carol', 'admin', 'dave'])
      tokens[user] = await demo.login(user);
  }, 60_000); // PGlite's start and five scrypt logins: slow on a busy machine
  afterAll(() => demo?.close());

  const as = (user: string) => ({ Authorization: `Bearer ${tokens[user]}` });
  const requestApproval = async (approverIds: string[], title = 'Laptop') =>
    (
      await demo
        .http()
        .post('/approvals')
        .set(as('alice'))
        .send({ title, approverIds })
    ).body as Approval;

  it('runs a two-step approval: each approver is asked in turn, the requester follows every change live', async () => {
    const aliceStream = await demo.stream(tokens.alice);
    const bobStream = await demo.stream(tokens.bob);
    const carolStream = await demo.stream(tokens.carol);

    const approval = await requestApproval(['bob', 'carol'], 'New laptop');
    expect(approval).toMatchObject({
      status: 'pending',
      step: 0,
      requesterId: 'alice',
      currentApproverId: 'bob',
    });
    expect(
      (await bobStream.expectEvent('approval:requested')).data,
    ).toMatchObject({ id: approval.id });
    const topicStream = await demo.stream(tokens.bob, [
      `approval:${approval.id}`,
    ]);

    const first = await demo
      .http()
      .post(`/approvals/${approval.id}/approve`)
      .set(as('bob'))
      .send({ comment: 'fine' });
    expect(first.body).toMatchObject({
      status: 'pending',
      step: 1,
      currentApproverId: 'carol',
    });
    expect(
      (await carolStream.expectEvent('approval:requested')).data,
    ).toMatchObject({ id: approval.id, step: 1 });

    const second = await demo
      .http()
      .post(`/approvals/${approval.id}/approve`)
      .set(as('carol'))
      .send({});
    expect(second.body).toMatchObject({
      status: 'approved',
      currentApproverId: null,
    });

    const changes = [
      await aliceStream.next('approval:status_changed'),
      await aliceStream.next('approval:status_changed'),
    ];
    expect(changes.map((e) => e.data.status)).toEqual(['pending', 'approved']);
    // Bob, an approver, hears of each change twice on this stream: as an
    // approver (his history) and on the topic.
    const onTopic = [];
    for (let i = 0; i < 4; i++)
      onTopic.push(await topicStream.next('approval:status_changed'));
    expect(onTopic.map((e) => e.data.step).sort((a, b) => a - b)).toEqual([
      1, 1, 2, 2,
    ]);
    await aliceStream.expectEvent(
      'notification',
      (note) => note.title === '"New laptop" was approved',
    );

    const detail = await demo
      .http()
      .get(`/approvals/${approval.id}`)
      .set(as('carol'));
    expect(
      detail.body.actions.map((a: { actorId: string }) => a.actorId),
    ).toEqual(['bob', 'carol']);
  });

  it('lets only the current approver decide (403), refuses decided ones (409), hides it from others (404)', async () => {
    const approval = await requestApproval(['bob', 'carol']);
    const decide = async (user: string, action = 'approve') =>
      demo
        .http()
        .post(`/approvals/${approval.id}/${action}`)
        .set(as(user))
        .send({});

    const statuses = await Promise.all(
      ['carol', 'alice', 'admin', 'dave'].map(
        async (u) => (await decide(u)).status,
      ),
    );
    expect(statuses).toEqual([403, 403, 404, 404]);
    expect(
      (await demo.http().get(`/approvals/${approval.id}`).set(as('dave')))
        .status,
    ).toBe(404);

    const rejected = await demo
      .http()
      .post(`/approvals/${approval.id}/reject`)
      .set(as('bob'))
      .send({ comment: 'no budget' });
    expect(rejected.body).toMatchObject({
      status: 'rejected',
      currentApproverId: null,
    });
    const again = await decide('bob');
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'approval_decided' });
  });

  it('validates approvers: 1 to 10 users of the same tenant', async () => {
    for (const approverIds of [
      [],
      ['dave'],
      ['nobody'],
      Array(11).fill('bob'),
      ['bob', 'bob'],
    ]) {
      const res = await demo
        .http()
        .post('/approvals')
        .set(as('alice'))
        .send({ title: 'x', approverIds });
      expect(res.status).toBe(400);
    }
  });

  it('lists by role and status', async () => {
    const approval = await requestApproval(['carol'], 'Listed');
    const mine = await demo
      .http()
      .get('/approvals?role=requester&status=pending')
      .set(as('alice'));
    expect(mine.body.map((a: Approval) => a.id)).toContain(approval.id);
    const inbox = await demo
      .http()
      .get('/approvals?role=approver&status=pending')
      .set(as('carol'));
    expect(inbox.body.map((a: Approval) => a.id)).toContain(approval.id);
    expect(
      (await demo.http().get('/approvals?role=boss').set(as('alice'))).status,
    ).toBe(400);
  });

  it('authorizes approval topics to participants only, announcements to everyone', async () => {
    const approval = await requestApproval(['bob']);
    const open = (user: string, topics: string) =>
      request(demo.app.getHttpServer())
        .get(`/sse/stream?topics=${topics}`)
        .set(as(user));
    expect((await open('carol', `approval:${approval.id}`)).status).toBe(403);
    expect((await open('dave', `approval:${approval.id}`)).status).toBe(403);
    expect((await open('carol', 'approval:999999')).status).toBe(403);
    expect((await open('carol', 'other')).status).toBe(403);
    const carol = await demo.stream(tokens.carol, ['announcements']);
    const dave = await demo.stream(tokens.dave, ['announcements']);

    expect(
      (
        await demo
          .http()
          .post('/announcements')
          .set(as('alice'))
          .send({ title: 't', body: 'b' })
      ).status,
    ).toBe(403);
    expect(
      (
        await demo
          .http()
          .post('/announcements')
          .set(as('admin'))
          .send({ title: 'Release', body: 'v2' })
      ).status,
    ).toBe(202);
    expect((await carol.expectEvent('announcement')).data).toMatchObject({
      title: 'Release',
      by: 'admin',
    });
    await demo.broker.broadcast('marker', null, { tenantId: 'globex' });
    await dave.expectEvent('marker');
    expect(dave.events.map((e) => e.event)).not.toContain('announcement');
  });

  it('serves an @Sse() route per approval, to participants only', async () => {
    const approval = await requestApproval(['bob']);
    expect(
      (
        await demo
          .http()
          .get(`/approvals/${approval.id}/events`)
          .set(as('carol'))
      ).status,
    ).toBe(404);
    const events = await demo.connect({
      token: tokens.alice,
      path: `/approvals/${approval.id}/events`,
    });
    await demo
      .http()
      .post(`/approvals/${approval.id}/approve`)
      .set(as('bob'))
      .send({});
    const change = await events.expectEvent('approval:status_changed');
    expect(change.data).toMatchObject({ id: approval.id, status: 'approved' });
    expect(change.id).toMatch(/^[0-9a-f]+-\d+$/);
    await events.close();
  });
});
