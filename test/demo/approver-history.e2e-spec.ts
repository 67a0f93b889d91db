import { JwtService } from '@nestjs/jwt';
import type { Approval } from '../../src/approvals/approval.js';
import { DEV_JWT_SECRET } from '../../src/config/jwt-secret.js';
import {
  DATABASES,
  type DemoApp,
  type DemoStream,
  startDemo,
} from './demo-app.js';
import { START_TIMEOUT_MS } from './start-timeout.js';

/**
 * Each approver keeps a history of the requests naming them ("Decided and
 * upcoming" on the page): a later decision reaches every approver live, not
 * only the requester.
 */
describe.each(DATABASES)('demo approver history (%s)', (kind) => {
  let demo: DemoApp;
  const tokens: Record<string, string> = {};
  beforeAll(async () => {
    demo = await startDemo(kind);
    for (const user of ['alice', 'bob', 'carol', 'admin'])
      tokens[user] = await demo.login(user);
  }, START_TIMEOUT_MS);
  afterAll(() => demo?.close());

  const as = (user: string) => ({ Authorization: `Bearer ${tokens[user]}` });
  const request = async (title: string, approverIds: string[]) =>
    (
      await demo
        .http()
        .post('/approvals')
        .set(as('alice'))
        .send({ title, approverIds })
        .expect(201)
    ).body as Approval;
  const decide = async (user: string, id: string, action: string) =>
    (
      await demo
        .http()
        .post(`/approvals/${id}/${action}`)
        .set(as(user))
        .send({})
        .expect(200)
    ).body as Approval;
  /** The status changes of `id` the stream received, once a later marker proved nothing else is on its way. */
  const statusChanges = async (
    stream: DemoStream,
    user: string,
    tenantId: string,
    id: string,
  ) => {
    await demo.broker.sendToUser(user, 'marker', null, { tenantId });
    await stream.expectEvent('marker');
    return stream.events
      .filter(
        (e) =>
          e.event === 'approval:status_changed' &&
          (e.data as Approval).id === id,
      )
      .map((e) => e.data as Approval);
  };

  it('tells an earlier approver, and the decider on their other tabs, when a later approver decides', async () => {
    const bob = await demo.stream(tokens.bob);
    const carol = await demo.stream(tokens.carol);
    const carolOtherTab = await demo.stream(tokens.carol);
    // The same user id in another tenant is another person.
    const otherBob = await demo.stream(
      new JwtService().sign(
        { sub: 'bob', tid: 'globex', roles: [] },
        { secret: DEV_JWT_SECRET, expiresIn: 600 },
      ),
    );
    const approval = await request('Conference trip', ['bob', 'carol']);
    await decide('bob', approval.id, 'approve');
    await carol.expectEvent(
      'approval:requested',
      (a) => a.id === approval.id && a.step === 1,
    );
    await decide('carol', approval.id, 'approve');

    const approved = await bob.expectEvent(
      'approval:status_changed',
      (a) => a.id === approval.id && a.status === 'approved',
    );
    expect(approved.data).toMatchObject({
      id: approval.id,
      status: 'approved',
      step: 2,
      currentApproverId: null,
    });
    await carolOtherTab.expectEvent(
      'approval:status_changed',
      (a) => a.id === approval.id && a.status === 'approved',
    );
    // One event per user and decision: bob's own approval (for his other
    // tabs), then carol's; carol, asked by `approval:requested`, only hears
    // of the final decision.
    expect(
      (await statusChanges(bob, 'bob', 'acme', approval.id)).map(
        (a) => a.status,
      ),
    ).toEqual(['pending', 'approved']);
    expect(
      (await statusChanges(carol, 'carol', 'acme', approval.id)).map(
        (a) => a.status,
      ),
    ).toEqual(['approved']);
    expect(await statusChanges(otherBob, 'bob', 'globex', approval.id)).toEqual(
      [],
    );
  });

  it('tells every approver, decided or still to come, when the request is rejected', async () => {
    const bob = await demo.stream(tokens.bob);
    const admin = await demo.stream(tokens.admin);
    const approval = await request('New laptop', ['bob', 'carol', 'admin']);
    await decide('bob', approval.id, 'approve');
    await decide('carol', approval.id, 'reject');
    for (const stream of [bob, admin])
      expect(
        (
          await stream.expectEvent(
            'approval:status_changed',
            (a) => a.id === approval.id && a.status === 'rejected',
          )
        ).data,
      ).toMatchObject({ status: 'rejected', step: 1 });
  });
});
