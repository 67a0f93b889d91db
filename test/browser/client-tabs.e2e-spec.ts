import { startApp, type TestApp, until } from '../utils/sse-test-app.js';
import {
  ClientPageServer,
  numbers,
  openClientPage,
  record,
  untilPage,
} from './client-harness.js';
import { describeWithBrowser, useChromium } from './chromium.js';

describeWithBrowser(
  'browser client: one connection shared by the tabs of a browser',
  () => {
    let app: TestApp;
    let front: ClientPageServer;

    beforeAll(async () => {
      app = await startApp({ retry: 200, reconnectJitter: 100 });
      front = await ClientPageServer.start(app);
    }, 60_000);
    const chromium = useChromium();
    afterAll(async () => {
      await front?.close();
      await app?.close();
    }, 60_000);

    const open = (query: string) =>
      openClientPage(chromium.context, front, query);

    const clients = async () => (await app.broker.getStats()).totalClients;

    it('three tabs of one user hold one server stream, each tab gets the events it listens to once, and the topics are the union', async () => {
      const tabs = [
        await open('user=alice&events=note'),
        await open('user=alice&events=note'),
        await open('user=alice&events=note,other&topics=room'),
      ];
      // The third tab's topic makes the leader reconnect with the union.
      await until(
        async () =>
          (await clients()) === 1 &&
          app.broker.getClients().some((c) => c.topics.includes('room')),
        { label: 'one stream with the topic room' },
      );
      expect(await clients()).toBe(1);
      const [stream] = app.broker.getClients();
      for (const tab of tabs)
        await untilPage(
          tab,
          (r) => r.clientId === stream.clientId,
          'every tab reports the one stream',
        );

      for (const n of [1, 2])
        await app.broker.sendToUser('alice', 'note', { n });
      await app.broker.sendToUser('alice', 'other', { n: 3 });
      await app.broker.sendToTopic('room', 'note', { n: 4 });
      // Last: a duplicate of anything earlier would have arrived before it.
      await app.broker.sendToUser('alice', 'note', { n: 5 });
      for (const tab of tabs)
        await untilPage(tab, (r) => numbers(r).includes(5), 'the last note');

      for (const tab of tabs.slice(0, 2)) {
        const r = await record(tab);
        // Only what it listens to: no `other`; the topic's note comes through the union.
        expect(r.received.map((e) => [e.event, e.data.n])).toEqual([
          ['note', 1],
          ['note', 2],
          ['note', 4],
          ['note', 5],
        ]);
      }
      expect(
        (await record(tabs[2])).received.map((e) => [e.event, e.data.n]),
      ).toEqual([
        ['note', 1],
        ['note', 2],
        ['other', 3],
        ['note', 4],
        ['note', 5],
      ]);
      expect(await clients()).toBe(1);
    }, 90_000);

    it('closing the leader tab hands the stream to another tab, which resumes from the last id: the remaining tabs get every later event once', async () => {
      const tabs = [
        await open('user=bob'),
        await open('user=bob'),
        await open('user=bob'),
      ];
      await until(async () => (await clients()) === 1, { label: 'one stream' });
      await app.broker.sendToUser('bob', 'note', { n: 1 });
      for (const tab of tabs)
        await untilPage(tab, (r) => numbers(r).length === 1, 'first note');
      const before = (await record(tabs[1])).clientId;

      // The first tab took the lock first: it is the leader.
      await tabs[0].close();
      // Published while no tab holds a stream (or the old one is still closing).
      await app.broker.sendToUser('bob', 'note', { n: 2 });
      const rest = tabs.slice(1);
      for (const tab of rest)
        await untilPage(
          tab,
          (r) =>
            r.state === 'live' &&
            r.clientId !== undefined &&
            r.clientId !== before,
          'a new leader is live',
        );
      await app.broker.sendToUser('bob', 'note', { n: 3 });
      for (const tab of rest)
        await untilPage(tab, (r) => numbers(r).includes(3), 'third note');
      await until(async () => (await clients()) === 1, {
        label: 'one stream again',
      });

      for (const tab of rest)
        expect(numbers(await record(tab))).toEqual([1, 2, 3]);
    }, 90_000);
    it('close() in the leader tab hands over too, and the other tabs never report closed', async () => {
      const tabs = [await open('user=carl'), await open('user=carl')];
      await until(async () => (await clients()) === 1, { label: 'one stream' });
      const before = (await record(tabs[1])).clientId;

      await tabs[0].evaluate(() =>
        (window as unknown as { client: { close(): void } }).client.close(),
      );
      await app.broker.sendToUser('carl', 'note', { n: 1 });
      await untilPage(
        tabs[1],
        (r) => r.state === 'live' && r.clientId !== before,
        'the second tab holds the stream',
      );
      await app.broker.sendToUser('carl', 'note', { n: 2 });
      await untilPage(tabs[1], (r) => numbers(r).includes(2), 'second note');

      const r = await record(tabs[1]);
      expect(numbers(r)).toEqual([1, 2]);
      expect(r.states.map(([s]) => s)).not.toContain('closed');
      expect((await record(tabs[0])).state).toBe('closed');
      await until(async () => (await clients()) === 1, {
        label: 'one stream again',
      });
    }, 90_000);
    it('with shareAcrossTabs: false each tab holds its own stream', async () => {
      const tabs = [
        await open('user=dora&share=off'),
        await open('user=dora&share=off'),
      ];
      await until(async () => (await clients()) === 2, {
        label: 'two streams',
      });
      const [a, b] = await Promise.all(tabs.map(record));
      expect(a.clientId).not.toBe(b.clientId);
      await app.broker.sendToUser('dora', 'note', { n: 1 });
      for (const tab of tabs)
        await untilPage(tab, (r) => numbers(r).length === 1, 'the note');
    }, 90_000);
  },
);
