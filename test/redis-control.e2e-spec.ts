import type { Redis } from 'ioredis';
import request from 'supertest';
import {
  closeRedisPair,
  describeWithRedis,
  REDIS_URL,
  startRedisPair,
  testPrefix,
} from './utils/redis.js';
import { messages, openStream } from './utils/sse-client.js';
import {
  ADAPTERS,
  seconds,
  sleepUntil,
  type TestApp,
} from './utils/sse-test-app.js';

describeWithRedis.each(ADAPTERS)(
  'Redis, control across two instances (%s)',
  (adapter) => {
    const prefix = testPrefix();
    let redis: Redis;
    let a: TestApp;
    let b: TestApp;

    beforeAll(async () => {
      // Slower canaries than the other Redis specs: these tests are about
      // commands, not about noticing a stalled subscriber on a busy machine.
      const transport = {
        type: 'redis' as const,
        url: REDIS_URL!,
        keyPrefix: prefix,
        canaryInterval: 2_000,
        presenceTtl: 3_000,
        commandTimeout: 1_000,
      };
      ({ redis, a, b } = await startRedisPair(
        prefix,
        { adapter, adminRoutes: true, transport },
        { adapter, writer: 'nest', transport },
      ));
    });
    afterAll(() => closeRedisPair(prefix, { redis, a, b }));

    it('disconnects, from one instance, streams the other holds, and counts them', async () => {
      const token = a.token({ sub: 'dora', tid: 'acme' });
      const onB = await openStream(b, token);
      const onA = await openStream(a, token);
      const third = await openStream(b, token);

      expect(await a.broker.disconnect(onB.clientId)).toBe(true);
      const close = await onB.client.waitForEvent('close');
      expect(JSON.parse(close.data)).toEqual({ reason: 'disconnected' });
      expect(await a.broker.disconnect(onB.clientId)).toBe(false);

      expect(await b.broker.disconnectUser('dora', { tenantId: 'acme' })).toBe(
        2,
      );
      await onA.client.waitForEvent('close');
      await third.client.waitForEvent('close');
    });

    it("disconnects through A's admin route a stream held by B, in the caller's tenant only", async () => {
      const admin = (tid: string) =>
        a.token({ sub: 'root', tid, roles: ['admin'] });
      const { client, clientId } = await openStream(
        b,
        b.token({ sub: 'ed', tid: 'acme' }),
      );
      const http = () => request(a.app.getHttpServer());
      const foreign = await http()
        .delete(`/sse/clients/${clientId}`)
        .set('Authorization', `Bearer ${admin('globex')}`);
      expect(foreign.status).toBe(404);
      const res = await http()
        .delete(`/sse/clients/${clientId}`)
        .set('Authorization', `Bearer ${admin('acme')}`);
      expect(res.status).toBe(204);
      const close = await client.waitForEvent('close');
      expect(JSON.parse(close.data)).toEqual({ reason: 'disconnected' });
    });

    it('revokes from one instance: streams on both close with reason revoked, the old token is refused on both, a new one accepted', async () => {
      const old = a.token({ sub: 'rex', tid: 'acme', iat: seconds() - 60 });
      const onA = await openStream(a, old);
      const onB = await openStream(b, old);

      expect(
        await a.broker.revokeUser('rex', { tenantId: 'acme', ttl: 60_000 }),
      ).toBe(2);
      for (const { client } of [onA, onB]) {
        const close = await client.waitForEvent('close');
        expect(JSON.parse(close.data)).toEqual({ reason: 'revoked' });
      }
      for (const t of [a, b]) {
        const refused = await request(t.app.getHttpServer())
          .get('/sse/stream')
          .set('Authorization', `Bearer ${old}`);
        expect(refused.status).toBe(401);
        expect(refused.body).toMatchObject({ code: 'token_revoked' });
      }
      const ttl = await redis.pttl(`${prefix}v:acme\u0000rex`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60_000);

      const fresh = b.token({ sub: 'rex', tid: 'acme' });
      for (const t of [a, b]) (await openStream(t, fresh)).client.close();
    });

    it('refreshes, through A, the token of a stream held by B, which then outlives its first token', async () => {
      const exp = seconds() + 2;
      const { client, clientId } = await openStream(
        b,
        b.token({ sub: 'ray', exp }),
      );
      const before = await a.broker.sendToUser('ray', 'm', 1);
      await client.waitForEvent('m');

      const http = () => request(a.app.getHttpServer());
      const fresh = a.token({ sub: 'ray' }, { expiresIn: 3_600 });
      const res = await http()
        .post(`/sse/clients/${clientId}/token`)
        .set('Authorization', `Bearer ${fresh}`);
      expect(res.status).toBe(204);
      const foreign = await http()
        .post(`/sse/clients/${clientId}/token`)
        .set('Authorization', `Bearer ${a.token({ sub: 'mallory' })}`);
      const unknown = await http()
        .post(`/sse/clients/${b.broker.instanceId}.000000/token`)
        .set('Authorization', `Bearer ${a.token({ sub: 'mallory' })}`);
      expect(foreign.status).toBe(404);
      expect(unknown.status).toBe(404);
      expect(foreign.body.code).toBe('client_not_found');
      expect(unknown.body.code).toBe('client_not_found');

      await sleepUntil(exp * 1_000 + 500);
      const after = await a.broker.sendToUser('ray', 'm', 2);
      await client.waitForCount('m', 2);
      expect(messages(client).map((e) => e.id)).toEqual([before.id, after.id]);
      expect(client.events.map((e) => e.event)).not.toContain('close');
      client.close();
    });

    it('adds and removes, through A, a topic of a stream held by B: its messages arrive in between only', async () => {
      const token = a.token({ sub: 'tia', tid: 'acme' });
      const { client, clientId } = await openStream(b, token);
      const opts = { tenantId: 'acme' };
      const change = (body: object) =>
        request(a.app.getHttpServer())
          .post(`/sse/clients/${clientId}/topics`)
          .set('Authorization', `Bearer ${token}`)
          .send(body);

      await a.broker.sendToTopic('room', 'post', 0, opts);
      expect((await change({ add: ['room'] })).body).toEqual({
        topics: ['room'],
      });
      const live = await a.broker.sendToTopic('room', 'post', 1, opts);
      await client.waitForEvent('post');
      expect((await change({ remove: ['room'] })).body).toEqual({
        topics: [],
      });
      await a.broker.sendToTopic('room', 'post', 2, opts);
      const marker = await a.broker.sendToUser('tia', 'marker', null, opts);
      await client.waitForEvent('marker');
      expect(messages(client).map((e) => e.id)).toEqual([live.id, marker.id]);

      // From the server: every stream of the user, on every instance.
      const onA = await openStream(a, token);
      expect(await a.broker.subscribe('tia', 'room', opts)).toBe(2);
      const both = await b.broker.sendToTopic('room', 'post', 3, opts);
      for (const c of [client, onA.client])
        expect(
          (await c.waitForCount('post', c === client ? 2 : 1)).at(-1)?.id,
        ).toBe(both.id);
      client.close();
      onA.client.close();
    });
  },
);
