import { Injectable } from '@nestjs/common';
import type { SseIdentity, SseTopicAuthorizer } from 'nestjs-sse-broker';
import { RawStreamClient } from './utils/raw-client.js';
import { StreamClient } from './utils/sse-client.js';
import { RUNS, startApp, until, type TestApp } from './utils/sse-test-app.js';

/** Topics a user may read right now; tests revoke access by editing the set. */
@Injectable()
class RevocableTopics implements SseTopicAuthorizer {
  static readonly revoked = new Set<string>();
  canSubscribe(_: SseIdentity, topic: string): boolean {
    return !RevocableTopics.revoked.has(topic);
  }
}

const events = (c: StreamClient) =>
  c.events.filter((e) => !['connected', 'heartbeat'].includes(e.event));

describe.each(RUNS)('Last-Event-ID replay (%s, %s)', (writer, adapter) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({
      writer,
      adapter,
      topicAuthorizer: RevocableTopics,
      history: { size: 5, ttl: 60_000 },
      clientBufferSize: 16,
    });
  });
  afterAll(() => t?.close());

  async function reconnect(
    sub: string,
    query: string,
    lastEventId?: string,
    tid?: string,
  ) {
    const client = await t.connect(
      { sub, ...(tid && { tid }) },
      query,
      lastEventId === undefined ? {} : { 'last-event-id': lastEventId },
    );
    await client.waitForEvent('connected');
    return client;
  }

  it('replays what the user, its topics and its tenant broadcast missed, in order, before live events', async () => {
    const first = await t.connect({ sub: 'ana', tid: 'acme' }, 'topics=room:1');
    await first.waitForEvent('connected');
    const seen = await t.broker.sendToUser('ana', 'before', 0, {
      tenantId: 'acme',
    });
    await first.waitForEvent('before');
    first.close();

    const missed = [
      await t.broker.sendToTopic('room:1', 'm1', 1, { tenantId: 'acme' }),
      await t.broker.broadcast('m2', 2, { tenantId: 'acme' }),
      await t.broker.sendToUser('ana', 'm3', 3, { tenantId: 'acme' }),
    ];
    await t.broker.sendToUser('ana', 'not-mine', 0, { tenantId: 'globex' });
    await t.broker.sendToUser('bert', 'not-mine', 0, { tenantId: 'acme' });
    await t.broker.sendToTopic('room:2', 'not-mine', 0, { tenantId: 'acme' });

    const again = await reconnect('ana', 'topics=room:1', seen.id, 'acme');
    const live = await t.broker.sendToUser('ana', 'live', 4, {
      tenantId: 'acme',
    });
    await again.waitForEvent('live');

    expect(events(again).map((e) => e.id)).toEqual([
      ...missed.map((m) => m.id),
      live.id,
    ]);
    expect(events(again).map((e) => e.event)).toEqual([
      'm1',
      'm2',
      'm3',
      'live',
    ]);
    again.close();
  });

  it('gives a fresh client a cursor, so a reconnect before its first message still replays what it missed', async () => {
    const first = await t.connect({ sub: 'bea' });
    const cursor = (await first.waitForEvent('connected')).lastEventId;
    await t.broker.disconnectUser('bea');
    await first.ended;
    const missed = await t.broker.sendToUser('bea', 'while-away', 1);

    expect(cursor).toMatch(/^[0-9a-f]+-\d+$/);
    const again = await reconnect('bea', '', cursor);
    expect((await again.waitForEvent('while-away')).id).toBe(missed.id);
    again.close();
  });

  it('takes the cursor from ?lastEventId= on a first connect after a page load', async () => {
    const seen = await t.broker.sendToUser('cleo', 'rendered', 1);
    const missed = await t.broker.sendToUser('cleo', 'after-render', 2);
    const client = await t.connect(
      { sub: 'cleo' },
      `lastEventId=${encodeURIComponent(seen.id)}`,
    );
    expect((await client.waitForEvent('after-render')).id).toBe(missed.id);
    expect(events(client).map((e) => e.event)).toEqual(['after-render']);
    client.close();
  });

  it('re-applies authorization: a topic the user may no longer read is not replayed', async () => {
    const seen = await t.broker.sendToUser('dina', 'start', 0);
    await t.broker.sendToTopic('secret', 's', 1);
    await t.broker.sendToTopic('open', 'o', 2);
    RevocableTopics.revoked.add('secret');
    try {
      const refused = await StreamClient.open(
        t.url('/sse/stream?topics=secret,open'),
        {
          authorization: `Bearer ${t.token({ sub: 'dina' })}`,
          'last-event-id': seen.id,
        },
      );
      expect(refused.status).toBe(403);
      const client = await reconnect('dina', 'topics=open', seen.id);
      await client.waitForEvent('o');
      expect(events(client).map((e) => e.event)).toEqual(['o']);
      client.close();
    } finally {
      RevocableTopics.revoked.clear();
    }
  });

  it.each(['garbage', 'another process', 'the future'])(
    'sends reset unknown_cursor for a cursor from %s, then continues live',
    async (kind) => {
      const head = await t.broker.broadcast('head', null);
      const epoch = head.id.split('-')[0];
      const cursor = {
        garbage: 'not an id',
        'another process': 'ffffffffff-1',
        'the future': `${epoch}-999999999`,
      }[kind]!;
      const client = await reconnect('eli', '', cursor);
      const reset = await client.waitForEvent('reset');
      const live = await t.broker.sendToUser('eli', 'live', 1);
      await client.waitForEvent('live');

      expect(JSON.parse(reset.data)).toEqual({
        recovered: false,
        reason: 'unknown_cursor',
        cursor,
      });
      expect(reset.lastEventId).toBe(head.id);
      expect(events(client).map((e) => e.event)).toEqual(['reset', 'live']);
      expect(events(client).at(-1)!.id).toBe(live.id);
      client.close();
    },
  );

  it('sends reset history_gap when the cursor is older than what is retained, never a partial replay', async () => {
    const seen = await t.broker.sendToUser('finn', 'seen', 0);
    for (let i = 1; i <= 6; i++) await t.broker.sendToUser('finn', 'missed', i);
    const client = await reconnect('finn', '', seen.id);
    const reset = await client.waitForEvent('reset');
    await t.broker.sendToUser('finn', 'live', 7);
    await client.waitForEvent('live');

    expect(JSON.parse(reset.data)).toEqual({
      recovered: false,
      reason: 'history_gap',
      cursor: seen.id,
    });
    expect(events(client).map((e) => e.event)).toEqual(['reset', 'live']);
    client.close();
  });
});

describe.each(RUNS)(
  'slow consumers catch up from history (%s writer, %s)',
  (writer, adapter) => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startApp({
        writer,
        adapter,
        history: { size: 20_000, ttl: 60_000 },
        clientBufferSize: 16,
      });
    });
    afterAll(() => t?.close());

    it('a client that stalls, is dropped and reconnects with its last id ends with the complete sequence', async () => {
      const stalled = await RawStreamClient.open(
        t.baseUrl,
        '/sse/stream',
        t.token({ sub: 'gus' }),
        { paused: true },
      );
      await until(async () => await t.broker.isUserOnline('gus'));
      const pad = 'p'.repeat(8 * 1_024);
      let published = 0;
      while ((await t.broker.isUserOnline('gus')) && published < 15_000) {
        await t.broker.sendToUser('gus', 'n', { i: published++, pad });
        if (published % 10 === 0)
          await new Promise((resolve) => setImmediate(resolve));
      }
      expect(await t.broker.isUserOnline('gus')).toBe(false);
      for (let i = 0; i < 20; i++)
        await t.broker.sendToUser('gus', 'n', { i: published++, pad });

      // Its socket is cut shortly after the drop if it cannot take the final
      // frame; it keeps what reached it, as a browser would.
      stalled.resume();
      await stalled.closed;
      const received = stalled.events().filter((e) => e.event === 'n');

      const after = await t.connect({ sub: 'gus' }, '', {
        'last-event-id': received.at(-1)!.id!,
      });
      await after.waitForCount('n', published - received.length);
      const sequence = [
        ...received,
        ...after.events.filter((e) => e.event === 'n'),
      ].map((e) => (JSON.parse(e.data) as { i: number }).i);

      expect(after.events.map((e) => e.event)).not.toContain('reset');
      expect(sequence).toEqual([...Array(published).keys()]);
      after.close();
    }, 60_000);
  },
);
