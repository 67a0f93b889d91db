import type { SseIdentity } from 'nestjs-sse-broker';
import { EventSource } from 'eventsource';
import request from 'supertest';
import {
  InterceptorRecord,
  NEST_DOCS_INTERCEPTORS,
} from './utils/nest-docs.interceptors.js';
import {
  startApp,
  until,
  WRITERS,
  type TestApp,
} from './utils/sse-test-app.js';

/** Allows topic `open`; refuses the others, after a lookup that takes a while. */
const slowTopicAuthorizer = {
  canSubscribe: (_: SseIdentity, topic: string) =>
    new Promise<boolean>((resolve) =>
      setTimeout(() => resolve(topic === 'open'), 20),
    ),
};

/** What a real EventSource sees, and the Last-Event-ID of each of its requests. */
function openEventSource(t: TestApp, userId: string) {
  const requests: Array<string | null> = [];
  const source = new EventSource(t.url('/sse/stream'), {
    fetch: (input, init) => {
      const headers = new Headers(init?.headers);
      requests.push(headers.get('last-event-id'));
      headers.set('authorization', `Bearer ${t.token({ sub: userId })}`);
      return fetch(input, { ...init, headers });
    },
  });
  const seen: Array<{ type: string; data: string; lastEventId: string }> = [];
  for (const type of ['connected', 'note', 'heartbeat', 'reset', 'close']) {
    source.addEventListener(type, (e) =>
      seen.push({ type, data: e.data, lastEventId: e.lastEventId }),
    );
  }
  return { source, seen, requests };
}

describe.each(WRITERS)(
  "with the Nest docs' interceptors registered globally (%s writer)",
  (writer) => {
    let t: TestApp;
    let record: InterceptorRecord;
    beforeAll(async () => {
      t = await startApp(
        {
          writer,
          retry: 50,
          heartbeatInterval: 1_000,
          clientTimeout: 2_000,
          topicAuthorizer: slowTopicAuthorizer,
        },
        { providers: NEST_DOCS_INTERCEPTORS },
      );
      record = t.app.get(InterceptorRecord);
    });
    afterAll(() => t.close());

    it('writes every frame with the event, the id and the data, as documented', async () => {
      const client = await t.connect({ sub: 'frames' });
      await client.waitForEvent('connected');
      const sent = await t.broker.sendToUser('frames', 'note', { n: 1 });
      const note = await client.waitForEvent('note');
      client.close();

      expect(note).toMatchObject({ id: sent.id, data: '{"n":1}' });
      const blocks = client.raw.split('\n\n').filter((b) => b.trim() !== '');
      expect(blocks.length).toBeGreaterThanOrEqual(2);
      for (const block of blocks) {
        expect(block.trim()).toMatch(
          /^event: (connected|note|heartbeat)\nid: \S+-\d+\n(retry: 50\n)?data: \{.*\}$/,
        );
      }
    });

    it('outlives the interceptors (a timeout among them) and loses nothing: the client resumes from its true last id', async () => {
      const { source, seen, requests } = openEventSource(t, 'resumer');
      await until(() => seen.some((e) => e.type === 'connected'));
      const first = await t.broker.sendToUser('resumer', 'note', { n: 1 });
      await until(() => seen.some((e) => e.type === 'note'));
      // Idle for a heartbeat interval, past the timeout interceptor's limit.
      await until(() => seen.some((e) => e.type === 'heartbeat'));
      const second = await t.broker.sendToUser('resumer', 'note', { n: 2 });
      await until(() => seen.filter((e) => e.type === 'note').length === 2);

      await t.broker.disconnectUser('resumer');
      await until(
        () => seen.filter((e) => e.type === 'connected').length === 2,
      );
      const third = await t.broker.sendToUser('resumer', 'note', { n: 3 });
      await until(() => seen.filter((e) => e.type === 'note').length === 3);
      source.close();

      expect(requests).toEqual([null, second.id]);
      expect(seen.map((e) => e.type)).toEqual([
        'connected',
        'note',
        'heartbeat',
        'note',
        'close',
        'connected',
        'note',
      ]);
      expect(seen.map((e) => e.lastEventId)).toEqual([
        expect.any(String),
        first.id,
        first.id,
        second.id,
        second.id,
        second.id,
        third.id,
      ]);
      expect(record.timeouts).toEqual([]);
    });

    it('gives each client its own stream, never one cached for another', async () => {
      const alice = await t.connect({ sub: 'alice' });
      await alice.waitForEvent('connected');
      await t.broker.sendToUser('alice', 'note', { for: 'alice' });
      await alice.waitForEvent('note');
      const bob = await t.connect({ sub: 'bob' });
      const connected = await bob.waitForEvent('connected');
      await t.broker.sendToUser('bob', 'note', { for: 'bob' });
      const note = await bob.waitForEvent('note');
      alice.close();
      bob.close();

      expect(JSON.parse(connected.data)).toMatchObject({ userId: 'bob' });
      expect(JSON.parse(note.data)).toEqual({ for: 'bob' });
    });

    it('refuses a stream with its status before any stream header, whatever the interceptors', async () => {
      const refused = await request(t.app.getHttpServer())
        .get('/sse/stream?topics=closed')
        .set('Authorization', `Bearer ${t.token({ sub: 'refused' })}`);
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ code: 'topic_forbidden' });

      const client = await t.connect({ sub: 'allowed' }, 'topics=open');
      expect(client.status).toBe(200);
      expect(client.response.headers.get('content-type')).toBe(
        'text/event-stream',
      );
      client.close();
    });
  },
);
