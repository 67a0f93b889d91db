import request from 'supertest';
import type { Approval } from '../../src/approvals/approval.js';
import {
  deleteKeys,
  describeWithRedis,
  REDIS_URL,
  redisClient,
  testPrefix,
} from '../utils/redis.js';
import { createSchema, type DemoApp, startDemo } from './demo-app.js';

describeWithRedis('demo on two instances (PostgreSQL + Redis)', () => {
  const prefix = testPrefix();
  let one: DemoApp;
  let two: DemoApp;
  let dropSchema: () => Promise<void>;

  beforeAll(async () => {
    const schema = await createSchema();
    dropSchema = schema.drop;
    const env = {
      DATABASE_URL: schema.url,
      REDIS_URL: REDIS_URL!,
      SSE_REDIS_PREFIX: prefix,
    };
    // One after the other: the first applies the migrations and seeds.
    one = await startDemo('postgres', env);
    two = await startDemo('postgres', env);
  }, 90_000); // two demo instances, one after the other
  afterAll(async () => {
    await one?.close();
    await two?.close();
    await dropSchema?.();
    const redis = redisClient();
    await deleteKeys(redis, prefix);
    redis.disconnect();
  }, 60_000);

  it('asks an approver connected to the other instance, and tells the requester there too', async () => {
    const alice = await one.login('alice');
    const bob = await two.login('bob');
    const aliceStream = await two.stream(alice);
    const bobStream = await one.stream(bob);

    const created = await request(two.app.getHttpServer())
      .post('/approvals')
      .set('Authorization', `Bearer ${alice}`)
      .send({ title: 'Across instances', approverIds: ['bob'] });
    expect(created.status).toBe(201);
    const approval = created.body as Approval;
    expect(
      (await bobStream.expectEvent('approval:requested')).data,
    ).toMatchObject({ id: approval.id });

    const decided = await request(one.app.getHttpServer())
      .post(`/approvals/${approval.id}/approve`)
      .set('Authorization', `Bearer ${bob}`)
      .send({});
    expect(decided.status).toBe(200);
    const changed = await aliceStream.expectEvent('approval:status_changed');
    expect(changed.data).toMatchObject({
      id: approval.id,
      status: 'approved',
    });
  });

  it('reports both instances ready, on the Redis transport', async () => {
    for (const demo of [one, two]) {
      const res = await demo.http().get('/health/ready');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        status: 'ok',
        details: {
          database: { status: 'up' },
          sse: {
            status: 'up',
            transport: 'redis',
            transportReady: true,
            accepting: true,
            instanceId: demo.broker.instanceId,
          },
        },
      });
    }
    expect(one.broker.instanceId).not.toBe(two.broker.instanceId);
  });
});
