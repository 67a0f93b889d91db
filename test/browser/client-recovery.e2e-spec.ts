import {
  describeWithRedis,
  startRedisApp,
  testPrefix,
} from '../utils/redis.js';
import {
  startApp,
  TEST_SECRET,
  type TestApp,
  until,
} from '../utils/sse-test-app.js';
import {
  ClientPageServer,
  numbers,
  openClientPage,
  record,
  untilPage,
} from './client-harness.js';
import { describeWithBrowser, useChromium } from './chromium.js';

/** Quick reconnects after a shutdown, so that the specs do not wait for the defaults. */
const FAST = { retry: 200, reconnectJitter: 100 };

describeWithBrowser('browser client: recovery', () => {
  let front: ClientPageServer | undefined;
  const apps: TestApp[] = [];
  const chromium = useChromium();

  afterEach(async () => {
    await front?.close();
    front = undefined;
    await Promise.all(apps.splice(0).map((a) => a.close()));
  }, 60_000);

  async function serve(app: TestApp): Promise<TestApp> {
    apps.push(app);
    if (front) front.use(app);
    else front = await ClientPageServer.start(app);
    return app;
  }

  const open = (query: string) =>
    openClientPage(chromium.context, front!, query);

  /** Stops `app` (its streams get `close: shutdown`); the front answers 502 meanwhile. */
  async function stop(app: TestApp): Promise<void> {
    front!.use(undefined);
    await app.close();
  }

  describeWithRedis('with the Redis transport', () => {
    it('a server restart resumes from the last id: what was published while it was down arrives once, in order', async () => {
      const prefix = testPrefix();
      const first = await serve(await startRedisApp(prefix, FAST));
      const page = await open('user=carol');
      await first.broker.sendToUser('carol', 'note', { n: 1 });
      await first.broker.sendToUser('carol', 'note', { n: 2 });
      await untilPage(page, (r) => numbers(r).length === 2, 'two notes');
      const before = (await record(page)).clientId;

      await stop(first);
      await untilPage(page, (r) => r.state === 'reconnecting', 'reconnecting');
      const second = await startRedisApp(prefix, FAST);
      apps.push(second);
      // Published before the page can reach the new instance: only the history has them.
      await second.broker.sendToUser('carol', 'note', { n: 3 });
      await second.broker.sendToUser('carol', 'note', { n: 4 });
      front!.use(second);
      await untilPage(
        page,
        (r) => r.state === 'live' && r.clientId !== before,
        'live on the new instance',
      );
      await second.broker.sendToUser('carol', 'note', { n: 5 });
      await untilPage(page, (r) => numbers(r).includes(5), 'the last note');

      const r = await record(page);
      expect(numbers(r)).toEqual([1, 2, 3, 4, 5]);
      expect(r.resets).toEqual([]);
    }, 90_000);
  });

  it('a restart that lost the history calls onReset once, and live events follow', async () => {
    const first = await serve(await startApp(FAST));
    const page = await open('user=dave');
    await first.broker.sendToUser('dave', 'note', { n: 1 });
    await untilPage(page, (r) => numbers(r).length === 1, 'first note');

    await stop(first);
    // A new process: a new epoch, the old cursor is unknown.
    const second = await serve(await startApp(FAST));
    await untilPage(
      page,
      (r) => r.resets.length > 0 && r.state === 'live',
      'reset',
    );
    await second.broker.sendToUser('dave', 'note', { n: 2 });
    await untilPage(page, (r) => numbers(r).includes(2), 'second note');

    const r = await record(page);
    expect(r.resets).toEqual([
      expect.objectContaining({ reason: 'unknown_cursor' }),
    ]);
    expect(numbers(r)).toEqual([1, 2]);
  }, 90_000);

  it('a reload resumes from the stored cursor: what was published meanwhile arrives, nothing twice', async () => {
    const app = await serve(await startApp(FAST));
    const page = await open('user=erin');
    await app.broker.sendToUser('erin', 'note', { n: 1 });
    await untilPage(page, (r) => numbers(r).length === 1, 'first note');
    await page.goto('about:blank');
    await app.broker.sendToUser('erin', 'note', { n: 2 });

    await page.goto(front!.url('/?user=erin'));
    await untilPage(page, (r) => r.state === 'live', 'live again');
    await app.broker.sendToUser('erin', 'note', { n: 3 });
    await untilPage(page, (r) => numbers(r).includes(3), 'third note');
    expect(numbers(await record(page))).toEqual([2, 3]);
  }, 90_000);

  it('an expiring token is replaced without losing an event', async () => {
    const app = await serve(await startApp(FAST));
    const page = await open('user=frank&expiresIn=3');
    await app.broker.sendToUser('frank', 'note', { n: 1 });
    await untilPage(page, (r) => numbers(r).length === 1, 'first note');
    // Published around the first token's expiry, whichever way it is replaced.
    await untilPage(page, (r) => r.tokens >= 2, 'a second token');
    await app.broker.sendToUser('frank', 'note', { n: 2 });
    // The stream has outlived its first token (3 s): refreshed, or reconnected after token_expired.
    await untilPage(
      page,
      (r) => r.tokens >= 3 && r.state === 'live',
      'a third token',
    );
    await app.broker.sendToUser('frank', 'note', { n: 3 });
    await untilPage(page, (r) => numbers(r).includes(3), 'third note');

    const r = await record(page);
    expect(numbers(r)).toEqual([1, 2, 3]);
    expect(r.states.some(([s]) => s === 'closed')).toBe(false);
  }, 90_000);

  it("a token refreshed in place keeps the same stream past the first token's expiry", async () => {
    const app = await serve(await startApp(FAST));
    const page = await open('user=hank&expiresIn=8');
    const { clientId } = await record(page);
    expect(clientId).toBeDefined();
    await app.broker.sendToUser('hank', 'note', { n: 1 });
    await untilPage(page, (r) => numbers(r).length === 1, 'first note');

    // Without the refresh, the server closes this stream with token_expired at `exp`.
    const expiresAt = jwtExp(front!.tokens[0]) * 1000;
    const seen = new Set<string>();
    await until(
      async () => {
        const streams = app.broker.getClients().map((c) => c.clientId);
        const { totalClients } = await app.broker.getStats();
        seen.add(`${totalClients}:${streams.join(',')}`);
        return Date.now() > expiresAt + 1_000;
      },
      { label: "past the first token's exp" },
    );
    await app.broker.sendToUser('hank', 'note', { n: 2 });
    await app.broker.sendToUser('hank', 'note', { n: 3 });
    await untilPage(page, (r) => numbers(r).includes(3), 'third note');

    const r = await record(page);
    expect(numbers(r)).toEqual([1, 2, 3]);
    // One server stream throughout: no close, no second `connected`.
    expect([...seen]).toEqual([`1:${clientId}`]);
    expect(r.clientId).toBe(clientId);
    expect(r.states).toEqual([['live', null]]);
    expect(
      front!.requests.filter((q) => q.path === '/sse/stream'),
    ).toHaveLength(1);
    expect(front!.requests.filter((q) => q.method === 'POST')).toContainEqual({
      method: 'POST',
      path: `/sse/clients/${clientId}/token`,
      status: 204,
    });
    expect(r.tokens).toBeGreaterThanOrEqual(2);
  }, 90_000);
});

/** A JWT's `exp` (seconds), read without verifying. */
function jwtExp(token: string): number {
  const payload = JSON.parse(
    Buffer.from(token.split('.')[1], 'base64url').toString(),
  ) as { exp: number };
  return payload.exp;
}

describeWithBrowser(
  'browser client: cookie authentication (EventSource)',
  () => {
    let app: TestApp;
    let front: ClientPageServer;

    beforeAll(async () => {
      app = await startApp({
        ...FAST,
        auth: { secret: TEST_SECRET, cookieName: 'sse_token' },
      });
      front = await ClientPageServer.start(app);
    }, 60_000);
    const chromium = useChromium();
    afterAll(async () => {
      await front?.close();
      await app?.close();
    }, 60_000);

    it('without a valid cookie it ends closed with the 401 and its code, without retrying', async () => {
      const page = await chromium.context.newPage();
      await page.goto(front.url('/?user=nobody&auth=cookie'));
      await untilPage(page, (r) => r.state === 'closed', 'closed');
      const r = await record(page);
      expect(r.states.at(-1)).toEqual([
        'closed',
        { status: 401, code: 'invalid_token', reason: 'invalid_token' },
      ]);
    }, 90_000);

    it('streams with the cookie; after `disconnected` it stays closed until reconnect(), which resumes from the last id', async () => {
      await chromium.context.addCookies([
        {
          name: 'sse_token',
          value: app.token({ sub: 'gina' }),
          url: front.url('/'),
        },
      ]);
      const page = await chromium.context.newPage();
      await page.goto(front.url('/?user=gina&auth=cookie&events=note,other'));
      await untilPage(page, (r) => r.state === 'live', 'live');
      await app.broker.sendToUser('gina', 'note', { n: 1 });
      await app.broker.sendToUser('gina', 'other', { n: 2 });
      await untilPage(page, (r) => r.received.length === 2, 'two events');

      expect(await app.broker.disconnectUser('gina')).toBe(1);
      await untilPage(page, (r) => r.state === 'closed', 'closed');
      await app.broker.sendToUser('gina', 'note', { n: 3 });
      expect((await app.broker.getStats()).totalClients).toBe(0);

      await page.evaluate(() =>
        (
          window as unknown as { client: { reconnect(): void } }
        ).client.reconnect(),
      );
      await untilPage(page, (r) => r.received.length === 3, 'the missed note');
      await app.broker.sendToUser('gina', 'note', { n: 4 });
      await untilPage(page, (r) => r.received.length === 4, 'a live note');
      const r = await record(page);
      expect(r.received.map((e) => [e.event, e.data.n])).toEqual([
        ['note', 1],
        ['other', 2],
        ['note', 3],
        ['note', 4],
      ]);
      expect(r.tokens).toBe(0);
      expect(r.states.find(([s]) => s === 'closed')?.[1]).toEqual({
        reason: 'disconnected',
      });
    }, 90_000);
  },
);
