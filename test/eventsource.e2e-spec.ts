import { EventSource } from 'eventsource';
import { RUNS, startApp, until, type TestApp } from './utils/sse-test-app.js';

/** Collects what a real EventSource (the `eventsource` package, as a browser behaves) sees. */
function open(t: TestApp, token: string) {
  const requests: Array<string | null> = [];
  const source = new EventSource(t.url('/sse/stream'), {
    fetch: (input, init) => {
      const headers = new Headers(init?.headers);
      requests.push(headers.get('last-event-id'));
      headers.set('authorization', `Bearer ${token}`);
      return fetch(input, { ...init, headers });
    },
  });
  const seen: Array<{ type: string; data: string; lastEventId: string }> = [];
  for (const type of ['connected', 'heartbeat', 'close', 'note']) {
    source.addEventListener(type, (e) =>
      seen.push({ type, data: e.data, lastEventId: e.lastEventId }),
    );
  }
  return { source, seen, requests };
}

describe.each(RUNS)(
  'with a real EventSource client (%s writer, %s)',
  (writer, adapter) => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startApp({
        writer,
        adapter,
        heartbeatInterval: 1_000,
        clientTimeout: 2_000,
        retry: 50,
      });
    });
    afterAll(() => t?.close());

    it('reconnects after a server-side close carrying the last message id, untouched by heartbeats', async () => {
      const { source, seen, requests } = open(t, t.token({ sub: 'browser' }));
      await until(() => seen.some((e) => e.type === 'connected'));
      const first = await t.broker.sendToUser('browser', 'note', { n: 1 });
      await until(() => seen.some((e) => e.type === 'heartbeat'));

      await t.broker.disconnectUser('browser');
      await until(
        () => seen.filter((e) => e.type === 'connected').length === 2,
      );
      const second = await t.broker.sendToUser('browser', 'note', { n: 2 });
      await until(() => seen.filter((e) => e.type === 'note').length === 2);
      source.close();

      expect(requests).toEqual([null, first.id]);
      expect(seen.map((e) => e.type)).toEqual([
        'connected',
        'note',
        'heartbeat',
        'close',
        'connected',
        'note',
      ]);
      expect(seen.find((e) => e.type === 'heartbeat')!.lastEventId).toBe(
        first.id,
      );
      expect(seen[4].lastEventId).toBe(first.id);
      expect(
        seen.filter((e) => e.type === 'note').map((e) => JSON.parse(e.data)),
      ).toEqual([{ n: 1 }, { n: 2 }]);
      expect(seen.at(-1)!.lastEventId).toBe(second.id);
    });
  },
);
