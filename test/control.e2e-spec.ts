import request from 'supertest';
import type { SseIdentity } from 'nestjs-sse-broker';
import { messages, openStream, StreamClient } from './utils/sse-client.js';
import {
  RUNS,
  seconds,
  sleepUntil,
  startApp,
  type TestApp,
} from './utils/sse-test-app.js';

describe.each(RUNS)(
  'changing and closing streams (%s writer, %s)',
  (writer, adapter) => {
    let t: TestApp;
    /** Holds a stream request inside the topic authorizer (topic `gate`), after its authentication. */
    let gate: { entered(): void; open: Promise<void> } | undefined;

    beforeAll(async () => {
      t = await startApp({
        writer,
        adapter,
        adminRoutes: true,
        maxTopicsPerConnection: 3,
        topicAuthorizer: {
          canSubscribe: async (_: SseIdentity, topic: string) => {
            if (topic === 'gate' && gate) {
              gate.entered();
              await gate.open;
            }
            return !topic.startsWith('secret');
          },
        },
      });
    });
    afterAll(() => t?.close());

    const http = () => request(t.app.getHttpServer());

    const open = (token: string, query = '') => openStream(t, token, query);

    it('revokes a user: its streams close with reason revoked and no retry, its older tokens get 401 token_revoked, a new token is accepted', async () => {
      const old = t.token({ sub: 'rita', tid: 'acme', iat: seconds() - 60 });
      const tabs = [await open(old), await open(old)];
      const otherTenant = await open(
        t.token({ sub: 'rita', tid: 'globex', iat: seconds() - 60 }),
      );

      expect(
        await t.broker.revokeUser('rita', { tenantId: 'acme', ttl: 60_000 }),
      ).toBe(2);

      for (const { client } of tabs) {
        const close = await client.waitForEvent('close');
        expect(JSON.parse(close.data)).toEqual({ reason: 'revoked' });
        expect(close.retry).toBeUndefined();
        await client.ended;
      }
      const refused = await http()
        .get('/sse/stream')
        .set('Authorization', `Bearer ${old}`);
      expect(refused.status).toBe(401);
      expect(refused.body).toMatchObject({ code: 'token_revoked' });
      expect(refused.headers['www-authenticate']).toBe(
        'Bearer error="invalid_token"',
      );
      const refresh = await http()
        .post(`/sse/clients/${otherTenant.clientId}/token`)
        .set('Authorization', `Bearer ${old}`);
      expect(refresh.status).toBe(401);
      expect(refresh.body).toMatchObject({ code: 'token_revoked' });

      // The same user id in another tenant is someone else.
      await t.broker.sendToUser('rita', 'still', 1, { tenantId: 'globex' });
      await otherTenant.client.waitForEvent('still');
      const again = await open(t.token({ sub: 'rita', tid: 'acme' }));
      again.client.close();
      otherTenant.client.close();
    });

    it('refuses a stream authenticated just before a revocation and admitted after it', async () => {
      const old = t.token({ sub: 'gail', iat: seconds() - 60 });
      let release!: () => void;
      const entered = new Promise<void>((resolve) => {
        gate = {
          entered: resolve,
          open: new Promise<void>((open) => (release = open)),
        };
      });
      const opening = StreamClient.open(t.url('/sse/stream?topics=gate'), {
        authorization: `Bearer ${old}`,
      });
      opening.catch(() => undefined);
      await entered;
      expect(await t.broker.revokeUser('gail', { ttl: 60_000 })).toBe(0);
      release();
      gate = undefined;
      const client = await opening;
      await client.ended;
      expect(client.status).toBe(401);
      expect(JSON.parse(client.raw)).toMatchObject({ code: 'token_revoked' });
      expect(client.response.headers.get('www-authenticate')).toBe(
        'Bearer error="invalid_token"',
      );
    });

    it('keeps a stream open past its first token with a refreshed one, its events keeping their ids', async () => {
      const exp = seconds() + 2;
      const { client, clientId } = await open(t.token({ sub: 'ron', exp }));
      const before = await t.broker.sendToUser('ron', 'm', 1);
      await client.waitForEvent('m');

      const res = await http()
        .post(`/sse/clients/${clientId}/token`)
        .set(
          'Authorization',
          `Bearer ${t.token({ sub: 'ron' }, { expiresIn: 3_600 })}`,
        );
      expect(res.status).toBe(204);

      await sleepUntil(exp * 1_000 + 500);
      const after = await t.broker.sendToUser('ron', 'm', 2);
      await client.waitForCount('m', 2);
      expect(messages(client).map((e) => [e.id, e.data])).toEqual([
        [before.id, '1'],
        [after.id, '2'],
      ]);
      expect(client.events.map((e) => e.event)).not.toContain('close');
      client.close();
    });

    it("refuses a refresh for another user's stream exactly as for an unknown one, and an invalid token with 401", async () => {
      const { client, clientId } = await open(t.token({ sub: 'owner' }));
      const intruder = t.token({ sub: 'intruder' }, { expiresIn: 3_600 });

      const foreign = await http()
        .post(`/sse/clients/${clientId}/token`)
        .set('Authorization', `Bearer ${intruder}`);
      const unknown = await http()
        .post(`/sse/clients/no-such-client/token`)
        .set('Authorization', `Bearer ${intruder}`);
      expect(foreign.status).toBe(404);
      expect(unknown.status).toBe(404);
      expect(foreign.body.code).toBe('client_not_found');
      expect(foreign.body).toEqual({
        ...unknown.body,
        message: foreign.body.message,
      });
      expect(foreign.body.message.replace(clientId, 'X')).toBe(
        unknown.body.message.replace('no-such-client', 'X'),
      );

      const expired = await http()
        .post(`/sse/clients/${clientId}/token`)
        .set(
          'Authorization',
          `Bearer ${t.token({ sub: 'owner', exp: seconds() - 10 })}`,
        );
      expect(expired.status).toBe(401);
      expect(expired.body).toMatchObject({ code: 'invalid_token' });
      client.close();
    });

    it('adds and removes topics on a stream: messages arrive while the topic is on, not after', async () => {
      const token = t.token({ sub: 'tom', tid: 'acme' });
      const { client, clientId } = await open(token, 'topics=news');
      const opts = { tenantId: 'acme' };
      const change = (body: object) =>
        http()
          .post(`/sse/clients/${clientId}/topics`)
          .set('Authorization', `Bearer ${token}`)
          .send(body);

      const added = await change({ add: ['room:1'] });
      expect(added.status).toBe(200);
      expect(added.body).toEqual({ topics: ['news', 'room:1'] });
      expect(t.broker.getClient(clientId)?.topics).toEqual(['news', 'room:1']);
      const live = await t.broker.sendToTopic('room:1', 'post', 1, opts);
      await client.waitForEvent('post');

      const removed = await change({ remove: ['room:1', 'news'] });
      expect(removed.body).toEqual({ topics: [] });
      await t.broker.sendToTopic('room:1', 'post', 2, opts);
      await t.broker.sendToTopic('news', 'post', 3, opts);
      await t.broker.sendToUser('tom', 'marker', null, opts);
      await client.waitForEvent('marker');
      expect(messages(client).map((e) => e.id)).toEqual([
        live.id,
        expect.any(String),
      ]);

      const forbidden = await change({ add: ['secret:1'] });
      expect(forbidden.status).toBe(403);
      expect(forbidden.body).toMatchObject({ code: 'topic_forbidden' });
      expect((await change({ add: ['a', 'b'] })).body).toEqual({
        topics: ['a', 'b'],
      });
      const tooMany = await change({ add: ['c', 'd'] });
      expect(tooMany.status).toBe(400);
      expect(tooMany.body).toMatchObject({ code: 'invalid_topics' });
      expect(t.broker.getClient(clientId)?.topics).toEqual(['a', 'b']);
      const invalid = await change({ add: ['bad topic'] });
      expect(invalid.status).toBe(400);
      expect(invalid.body).toMatchObject({ code: 'invalid_body' });
      const stranger = await http()
        .post(`/sse/clients/${clientId}/topics`)
        .set('Authorization', `Bearer ${t.token({ sub: 'sam', tid: 'acme' })}`)
        .send({ add: ['x'] });
      expect(stranger.status).toBe(404);
      expect(stranger.body).toMatchObject({ code: 'client_not_found' });
      client.close();
    });

    it("subscribes and unsubscribes all of a user's streams from the server, counting them", async () => {
      const a = await open(t.token({ sub: 'uma' }));
      const b = await open(t.token({ sub: 'uma' }), 'topics=x');
      expect(await t.broker.subscribe('uma', 'x')).toBe(1);
      expect(await t.broker.subscribe('uma', 'x')).toBe(0);
      const first = await t.broker.sendToTopic('x', 'post', 1);
      await a.client.waitForEvent('post');
      await b.client.waitForEvent('post');
      expect(await t.broker.unsubscribe('uma', 'x')).toBe(2);
      await t.broker.sendToTopic('x', 'post', 2);
      await t.broker.sendToUser('uma', 'marker', null);
      await a.client.waitForEvent('marker');
      await b.client.waitForEvent('marker');
      for (const { client } of [a, b]) {
        expect(
          messages(client)
            .filter((e) => e.event === 'post')
            .map((e) => e.id),
        ).toEqual([first.id]);
        client.close();
      }
    });

    it('disconnects through the admin route, and answers 404 once the stream is gone', async () => {
      const admin = t.token({ sub: 'root', roles: ['admin'] });
      const { client, clientId } = await open(t.token({ sub: 'dan' }));
      const res = await http()
        .delete(`/sse/clients/${clientId}`)
        .set('Authorization', `Bearer ${admin}`);
      expect(res.status).toBe(204);
      const close = await client.waitForEvent('close');
      expect(JSON.parse(close.data)).toEqual({ reason: 'disconnected' });
      const again = await http()
        .delete(`/sse/clients/${clientId}`)
        .set('Authorization', `Bearer ${admin}`);
      expect(again.status).toBe(404);
    });
  },
);
