import request from 'supertest';
import {
  startApp,
  until,
  WRITERS,
  type TestApp,
} from './utils/sse-test-app.js';

const pad = 'p'.repeat(48 * 1_024);

describe.each(WRITERS)('bounded history (%s writer)', (writer) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({
      writer,
      adminRoutes: true,
      history: { size: 1_000, ttl: 60_000, maxBytes: 1_048_576 },
    });
  });
  afterAll(() => t.close());

  it('a client whose user was dropped from the history for room gets reset history_gap, never an empty replay', async () => {
    const first = await t.connect({ sub: 'ada' });
    await first.waitForEvent('connected');
    const seen = await t.broker.sendToUser('ada', 'seen', 1);
    await first.waitForEvent('seen');
    first.close();
    await until(async () => !(await t.broker.isUserOnline('ada')));
    await t.broker.sendToUser('ada', 'missed', 2);

    // Messages to user ids nobody uses, as the admin route accepts any.
    const admin = t.token({ sub: 'root', roles: ['admin'] });
    for (let i = 0; i < 30; i++) {
      const res = await request(t.app.getHttpServer())
        .post('/sse/publish')
        .set('Authorization', `Bearer ${admin}`)
        .send({
          target: 'user',
          userId: `made-up-${i}`,
          event: 'n',
          data: pad,
        });
      expect(res.status).toBe(202);
    }

    const after = await t.connect({ sub: 'ada' }, '', {
      'last-event-id': seen.id,
    });
    await after.waitForEvent('connected');
    await t.broker.sendToUser('ada', 'live', 3);
    await after.waitForEvent('live');

    const events = after.events.filter(
      (e) => !['connected', 'heartbeat'].includes(e.event),
    );
    expect(events.map((e) => e.event)).toEqual(['reset', 'live']);
    expect(JSON.parse(events[0].data)).toEqual({
      recovered: false,
      reason: 'history_gap',
      cursor: seen.id,
    });
    after.close();
  });
});
