import { SseBroker, SseModule } from 'nestjs-sse-broker';
import {
  connectSseTestClient,
  SseTestConnectionError,
  sseTestingOptions,
  type SseTestClient,
  type SseTestClientOptions,
} from 'nestjs-sse-broker/testing';
import { acquire } from './utils/resources.js';
import {
  RUNS,
  startApp,
  TEST_SECRET,
  type TestApp,
  until,
} from './utils/sse-test-app.js';

interface KitEvents {
  'order.shipped': { orderId: string };
  'stock.level': number;
}

/** Long enough for a busy machine; the waits that must time out say so. */
const WAIT_MS = 15_000;

/**
 * `nestjs-sse-broker/testing` as an application's test uses it: against a
 * listening app whose SseModule has the testing options, with the issuer
 * and audience the app requires, so a token signed without them would fail.
 */
describe.each(RUNS)('the testing kit (%s, %s)', (writer, adapter) => {
  let t: TestApp;
  let broker: SseBroker<KitEvents>;
  beforeAll(async () => {
    t = await startApp(
      { adapter },
      {},
      SseModule.forRoot(
        sseTestingOptions({
          auth: { secret: TEST_SECRET, issuer: 'kit', audience: 'kit-tests' },
          writer,
          history: { size: 10 },
        }),
      ),
    );
    broker = t.app.get<SseBroker, SseBroker<KitEvents>>(SseBroker);
  });
  afterAll(() => t?.close());

  const connect = (
    options: SseTestClientOptions,
    target: TestApp['app'] | string = t.app,
  ): Promise<SseTestClient<KitEvents>> =>
    acquire(
      'test client',
      connectSseTestClient<KitEvents>(target, {
        timeoutMs: WAIT_MS,
        ...options,
      }),
      (client) => client.close(),
    );

  it('connects as a user with a token signed with the module secret, issuer and audience', async () => {
    const client = await connect({
      userId: 'alice',
      tenantId: 'acme',
      roles: ['buyer'],
      topics: ['orders'],
    });
    expect(client.isOpen).toBe(true);
    expect(broker.getClient(client.clientId)).toMatchObject({
      userId: 'alice',
      tenantId: 'acme',
      topics: ['orders'],
    });
    expect(client.events[0]).toMatchObject({
      event: 'connected',
      data: { clientId: client.clientId, userId: 'alice', tenantId: 'acme' },
    });
    await client.close();
    expect(client.isOpen).toBe(false);
  });

  it('reads events in order: next() takes the next one, expectEvent() the next match, with typed data', async () => {
    const client = await connect({ userId: 'bob', tenantId: 'acme' });
    const first = await broker.sendToUser('bob', 'stock.level', 1, {
      tenantId: 'acme',
    });
    await broker.sendToUser(
      'bob',
      'order.shipped',
      { orderId: 'a' },
      {
        tenantId: 'acme',
      },
    );
    await broker.sendToUser(
      'bob',
      'order.shipped',
      { orderId: 'b' },
      {
        tenantId: 'acme',
      },
    );
    const level = await client.next();
    expect(level).toMatchObject({
      event: 'stock.level',
      id: first.id,
      data: 1,
    });
    const shipped = await client.expectEvent(
      'order.shipped',
      (order) => order.orderId === 'b',
    );
    expect(shipped.data.orderId).toBe('b');
    expect(client.lastId).toBe(shipped.id);
    expect(
      client.events
        .filter((e) => e.event !== 'heartbeat')
        .map((e) => e.rawData),
    ).toEqual([
      expect.stringContaining('clientId'),
      '1',
      '{"orderId":"a"}',
      '{"orderId":"b"}',
    ]);
    await client.close();
  });

  it('fails a wait with the event it waited for and what it received instead', async () => {
    const client = await connect({ userId: 'carol' });
    await broker.sendToUser('carol', 'order.shipped', { orderId: 'x' });
    await broker.sendToUser('carol', 'stock.level', 7);
    await until(() => client.events.some((e) => e.event === 'stock.level'));
    // Nothing will ever match: the wait ends by its timeout, whatever the machine's load.
    await expect(
      client.expectEvent('order.shipped', (o) => o.orderId === 'never', 200),
    ).rejects.toThrow(
      /timed out after 200 ms waiting for "order.shipped" matching the predicate; received order.shipped \{"orderId":"x"\}, stock.level 7 since the last read/,
    );
    await client.close();
  });

  it('fails the wait, not the process, when a predicate throws', async () => {
    const client = await connect({ userId: 'hal' });
    await broker.sendToUser('hal', 'stock.level', 1);
    await expect(
      client.expectEvent('stock.level', () => {
        throw new Error('predicate broke');
      }),
    ).rejects.toThrow('predicate broke');
    await client.close();
  });

  it('reconnects with Last-Event-ID and is replayed what it missed', async () => {
    const client = await connect({ userId: 'dave' });
    const seen = await broker.sendToUser('dave', 'stock.level', 1);
    await client.expectEvent('stock.level');
    await client.close();
    const missed = await broker.sendToUser('dave', 'order.shipped', {
      orderId: 'while-away',
    });
    expect(client.lastId).toBe(seen.id);
    await client.reconnect();
    const replayed = await client.next();
    expect(replayed).toMatchObject({
      id: missed.id,
      data: { orderId: 'while-away' },
    });
    expect(broker.getClient(client.clientId)?.userId).toBe('dave');
    await client.close();
  });

  it("rejects with the server's status and body when the stream is refused", async () => {
    const refused = connect({ token: 'not-a-jwt' });
    await expect(refused).rejects.toBeInstanceOf(SseTestConnectionError);
    await expect(refused).rejects.toMatchObject({
      status: 401,
      body: { code: 'invalid_token' },
    });
  });

  it('connects to a base URL with a given token, or a secret to sign with', async () => {
    const token = t.token({ sub: 'erin', iss: 'kit', aud: 'kit-tests' });
    const withToken = await connect({ token }, t.baseUrl);
    expect(broker.getClient(withToken.clientId)?.userId).toBe('erin');
    await withToken.close();
    await expect(connect({ userId: 'erin' }, t.baseUrl)).rejects.toThrow(
      /pass the `secret`/,
    );
  });

  it('sees the server end the stream: the close event, then waits fail at once', async () => {
    const client = await connect({ userId: 'fay' });
    await broker.disconnect(client.clientId);
    const close = await client.expectEvent('close');
    expect(close.data).toEqual({ reason: 'disconnected' });
    await expect(client.next('stock.level')).rejects.toThrow(
      /the stream ended before "stock.level"/,
    );
    expect(client.isOpen).toBe(false);
  });

  it('gets heartbeats every second with the testing options', async () => {
    const client = await connect({ userId: 'gus' });
    const beat = await client.next('heartbeat');
    expect(beat.data).toEqual({});
    await client.close();
  });
});
