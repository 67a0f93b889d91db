import { JwtService } from '@nestjs/jwt';
import type { SseConnectionEvent } from 'nestjs-sse-broker';
import { filter, firstValueFrom } from 'rxjs';
import type { Approval } from '../../src/approvals/approval.js';
import { DEV_JWT_SECRET } from '../../src/config/jwt-secret.js';
import { RawStreamClient } from '../utils/raw-client.js';
import { type DemoApp, startDemo } from './demo-app.js';
import { START_TIMEOUT_MS } from './start-timeout.js';

/**
 * The demo's own stream route, `GET /approvals/:id/events`, served with
 * `SseStreams`: the library's expiry, per-user cap and slow-consumer policy
 * hold there as on `/sse/stream`.
 */
describe('the demo approval stream route (a full library stream)', () => {
  let demo: DemoApp;
  let alice: string;
  let approval: Approval;
  beforeAll(async () => {
    demo = await startDemo('pglite', {
      SSE_MAX_CONNECTIONS_PER_USER: '2',
      SSE_CLIENT_BUFFER_SIZE: '4',
    });
    alice = await demo.login('alice');
    approval = (
      await demo
        .http()
        .post('/approvals')
        .set('Authorization', `Bearer ${alice}`)
        .send({ title: 'Monitor', approverIds: ['bob'] })
    ).body as Approval;
  }, START_TIMEOUT_MS);
  afterAll(() => demo?.close());

  const path = () => `/approvals/${approval.id}/events`;
  const disconnected = (reason: string) =>
    firstValueFrom(
      demo.broker.connections$.pipe(
        filter(
          (e: SseConnectionEvent) =>
            e.type === 'disconnect' && e.reason === reason,
        ),
      ),
    );

  it('closes the stream with close {reason: token_expired} when the token expires', async () => {
    const expiring = new JwtService().sign(
      { sub: 'alice', tid: 'acme', roles: [] },
      { secret: DEV_JWT_SECRET, expiresIn: 2 },
    );
    const client = await demo.connect({ token: expiring, path: path() });
    const close = await client.expectEvent('close');
    expect(close.data).toEqual({ reason: 'token_expired' });
    await client.close();
  });

  it("counts the route's streams against the per-user cap: the third gets 429", async () => {
    const open = await Promise.all(
      [1, 2].map(() => demo.connect({ token: alice, path: path() })),
    );
    const third = await fetch(demo.url(path()), {
      headers: { authorization: `Bearer ${alice}` },
    });
    expect(third.status).toBe(429);
    expect(third.headers.get('retry-after')).toBe('3');
    expect(await third.json()).toMatchObject({
      statusCode: 429,
      code: 'too_many_user_connections',
    });
    await Promise.all(open.map((c) => c.close()));
  });

  it('disconnects a client that does not read as slow_consumer, instead of holding what it does not take', async () => {
    const gone = disconnected('slow_consumer');
    const stalled = await RawStreamClient.open(demo.url(''), path(), alice, {
      paused: true,
    });
    const data = { text: 'x'.repeat(16 * 1024) };
    for (let i = 0; i < 400; i++) {
      await demo.broker.sendToTopic(`approval:${approval.id}`, 'bulk', data, {
        tenantId: 'acme',
      });
      if (i % 50 === 49) await new Promise((resolve) => setImmediate(resolve));
    }
    const event = await gone;
    expect(event.client.userId).toBe('alice');
    stalled.socket.destroy();
  });
});
