import { afterEach, beforeEach, expect, jest } from '@jest/globals';
import { isAfter } from './event-id.js';
import { createSseClient } from './index.js';
import { jwtExpiry } from './jwt-expiry.js';
import type { SseClientState, SseStateDetail } from './sse-client.types.js';

const URL_ = 'http://app.test/sse/stream';

/** A response whose event stream the test writes. */
class FakeStream {
  private controller!: ReadableStreamDefaultController<Uint8Array>;
  readonly response: Response;
  constructor() {
    const body = new ReadableStream<Uint8Array>({
      start: (c) => (this.controller = c),
    });
    this.response = new Response(body, {
      status: 200,
      headers: { 'content-type': 'text/event-stream' },
    });
  }
  write(text: string): void {
    this.controller.enqueue(new TextEncoder().encode(text));
  }
  end(): void {
    this.controller.close();
  }
}

interface Call {
  url: string;
  init: RequestInit;
  headers: Record<string, string>;
}

/** fetch that answers each call with the next scripted answer (a stream by default). */
function fakeFetch() {
  const calls: Call[] = [];
  const streams: FakeStream[] = [];
  const answers: Array<() => Response> = [];
  const fn = (async (input: string | URL | Request, init: RequestInit = {}) => {
    calls.push({
      url: String(input),
      init,
      headers: { ...(init.headers as Record<string, string>) },
    });
    const answer = answers.shift();
    if (answer) return answer();
    const stream = new FakeStream();
    streams.push(stream);
    return stream.response;
  }) as typeof fetch;
  return {
    fn,
    calls,
    streams,
    answer: (r: () => Response) => answers.push(r),
  };
}

const frame = (event: string, id: string, data: unknown, retry?: number) =>
  `event: ${event}\nid: ${id}\n${retry === undefined ? '' : `retry: ${retry}\n`}data: ${JSON.stringify(data)}\n\n`;
const connected = (id = 'e1-0', clientId = 'c1') =>
  frame(
    'connected',
    id,
    { clientId, userId: 'alice', tenantId: null, topics: [] },
    1000,
  );
const jsonError = (status: number, code: string) => () =>
  new Response(JSON.stringify({ statusCode: status, code, message: 'x' }), {
    status,
    headers: { 'content-type': 'application/json' },
  });

/** Lets the client's promises run, advancing fake time by `ms`. */
const tick = (ms = 0) => jest.advanceTimersByTimeAsync(ms);

function memoryStorage() {
  const map = new Map<string, string>();
  return {
    map,
    getItem: (k: string) => map.get(k) ?? null,
    setItem: (k: string, v: string) => void map.set(k, v),
    removeItem: (k: string) => void map.delete(k),
  };
}

function start(
  options: Partial<Parameters<typeof createSseClient>[0]> = {},
  f = fakeFetch(),
) {
  const storage = memoryStorage();
  const tokens: string[] = [];
  let n = 0;
  const client = createSseClient<{ note: { n: number } }>({
    url: URL_,
    topics: ['news'],
    token: () => {
      const t = `token-${++n}`;
      tokens.push(t);
      return t;
    },
    storage,
    fetch: f.fn,
    reconnectJitter: 0,
    // One tab: where Node has Web Locks, the specs would otherwise share a connection.
    shareAcrossTabs: false,
    ...options,
  });
  const seen: Array<[number, string]> = [];
  client.on('note', (data, { id }) => seen.push([data.n, id]));
  const states: Array<[SseClientState, SseStateDetail | undefined]> = [];
  client.onStateChange((s, d) => states.push([s, d]));
  const resets: unknown[] = [];
  client.onReset((info) => resets.push(info));
  return { client, f, seen, states, resets, tokens, storage };
}

beforeEach(() => {
  jest.useFakeTimers({ now: 1_000_000 });
  jest.spyOn(Math, 'random').mockReturnValue(0);
});
afterEach(() => {
  jest.useRealTimers();
  jest.restoreAllMocks();
});

describe('createSseClient (one tab)', () => {
  it('connects with the token and topics, delivers each event once, in order, and resumes with Last-Event-ID after the stream drops', async () => {
    const { client, f, seen, states } = start();
    await tick();
    expect(f.calls[0].url).toBe(`${URL_}?topics=news`);
    expect(f.calls[0].headers.Authorization).toBe('Bearer token-1');
    expect(f.calls[0].headers['Last-Event-ID']).toBeUndefined();
    f.streams[0].write(connected());
    f.streams[0].write(
      frame('note', 'e1-1', { n: 1 }) + frame('note', 'e1-2', { n: 2 }),
    );
    await tick();
    expect(client.state).toBe('live');
    expect(client.clientId).toBe('c1');

    f.streams[0].end();
    await tick();
    expect(client.state).toBe('reconnecting');
    expect(f.calls).toHaveLength(1);
    await tick(1000); // the server's retry
    expect(f.calls).toHaveLength(2);
    expect(f.calls[1].headers['Last-Event-ID']).toBe('e1-2');
    // A replay that overlaps what was delivered: only the new one is.
    f.streams[1].write(connected('e1-2', 'c2'));
    f.streams[1].write(
      frame('note', 'e1-2', { n: 2 }) + frame('note', 'e1-1', { n: 1 }),
    );
    f.streams[1].write(frame('note', 'e1-3', { n: 3 }));
    await tick();
    expect(seen).toEqual([
      [1, 'e1-1'],
      [2, 'e1-2'],
      [3, 'e1-3'],
    ]);
    expect(states.map(([s]) => s)).toEqual(['live', 'reconnecting', 'live']);
    client.close();
  });

  it('keeps the cursor across a reload: a new client on the same storage resumes from it', async () => {
    const { client, f, storage } = start();
    await tick();
    f.streams[0].write(connected() + frame('note', 'e1-5', { n: 5 }));
    await tick();
    client.close();

    const f2 = fakeFetch();
    const again = createSseClient({
      shareAcrossTabs: false,
      url: URL_,
      token: () => 't',
      storage,
      fetch: f2.fn,
    });
    await tick();
    expect(f2.calls[0].headers['Last-Event-ID']).toBe('e1-5');
    again.close();
  });

  it('token_expired: asks token() for a new token and reconnects at once from the last id', async () => {
    const { client, f, tokens } = start();
    await tick();
    f.streams[0].write(connected() + frame('note', 'e1-1', { n: 1 }));
    f.streams[0].write(frame('close', 'e1-1', { reason: 'token_expired' }));
    await tick();
    expect(tokens).toEqual(['token-1', 'token-2']);
    expect(f.calls).toHaveLength(2);
    expect(f.calls[1].headers.Authorization).toBe('Bearer token-2');
    expect(f.calls[1].headers['Last-Event-ID']).toBe('e1-1');
    client.close();
  });

  it.each(['slow_consumer', 'timeout'])(
    '%s: reconnects at once from the last id',
    async (reason) => {
      const { client, f, tokens } = start();
      await tick();
      f.streams[0].write(connected() + frame('note', 'e1-4', { n: 4 }));
      f.streams[0].write(frame('close', 'e1-4', { reason }));
      await tick();
      expect(f.calls).toHaveLength(2);
      expect(f.calls[1].headers['Last-Event-ID']).toBe('e1-4');
      expect(tokens).toHaveLength(1);
      client.close();
    },
  );

  it.each(['shutdown', 'max_age'])(
    '%s: waits for the retry the close event carries, then reconnects',
    async (reason) => {
      const { client, f, states } = start({ reconnectJitter: 500 });
      jest.spyOn(Math, 'random').mockReturnValue(0.5);
      await tick();
      f.streams[0].write(connected());
      f.streams[0].write(frame('close', 'e1-0', { reason }, 4000));
      await tick();
      expect(states.at(-1)).toEqual(['reconnecting', { reason }]);
      await tick(4000 + 249);
      expect(f.calls).toHaveLength(1);
      await tick(1); // retry + half of the 500 ms jitter
      expect(f.calls).toHaveLength(2);
      client.close();
    },
  );

  it('disconnected: stays closed until the application calls reconnect()', async () => {
    const { client, f, states } = start();
    await tick();
    f.streams[0].write(connected());
    f.streams[0].write(frame('close', 'e1-0', { reason: 'disconnected' }));
    await tick(60_000);
    expect(f.calls).toHaveLength(1);
    expect(client.state).toBe('closed');
    expect(states.at(-1)).toEqual(['closed', { reason: 'disconnected' }]);
    client.reconnect();
    await tick();
    expect(f.calls).toHaveLength(2);
    client.close();
  });

  it('a 401 asks for a new token once; a second 401 closes with the error code', async () => {
    const f = fakeFetch();
    f.answer(jsonError(401, 'invalid_token'));
    f.answer(jsonError(401, 'invalid_token'));
    const { client, tokens, states } = start({}, f);
    await tick(60_000);
    expect(tokens).toEqual(['token-1', 'token-2']);
    expect(f.calls).toHaveLength(2);
    expect(client.state).toBe('closed');
    expect(states.at(-1)).toEqual([
      'closed',
      { status: 401, code: 'invalid_token', reason: 'invalid_token' },
    ]);
  });

  it('a 401 followed by a good token connects', async () => {
    const f = fakeFetch();
    f.answer(jsonError(401, 'invalid_token'));
    const { client } = start({}, f);
    await tick();
    f.streams[0].write(connected());
    await tick();
    expect(client.state).toBe('live');
    client.close();
  });

  it('a 200 that is not an event stream closes instead of reconnecting forever', async () => {
    const f = fakeFetch();
    f.answer(
      () =>
        new Response('<!doctype html>', {
          status: 200,
          headers: { 'content-type': 'text/html' },
        }),
    );
    const { client, states } = start({}, f);
    await tick(60_000);
    expect(f.calls).toHaveLength(1);
    expect(states.at(-1)).toEqual([
      'closed',
      { status: 200, reason: 'not_an_event_stream' },
    ]);
    client.close();
  });

  it('a 503 or a network error retries with growing delays instead of closing', async () => {
    const f = fakeFetch();
    f.answer(() => new Response('', { status: 503 }));
    f.answer(() => {
      throw new TypeError('network');
    });
    const { client } = start({}, f);
    await tick();
    expect(client.state).toBe('reconnecting');
    await tick(3000); // default retry before the server sent one
    expect(f.calls).toHaveLength(2);
    await tick(5999);
    expect(f.calls).toHaveLength(2);
    await tick(1); // twice the retry after the second failure
    expect(f.calls).toHaveLength(3);
    client.close();
  });

  it('hands a reset to onReset once and moves the cursor to its id', async () => {
    const { client, f, resets } = start();
    await tick();
    f.streams[0].write(connected('old-3'));
    f.streams[0].write(
      frame('reset', 'e2-9', {
        recovered: false,
        reason: 'unknown_cursor',
        cursor: 'old-3',
      }),
    );
    f.streams[0].end();
    await tick(1000);
    expect(resets).toEqual([
      { recovered: false, reason: 'unknown_cursor', cursor: 'old-3' },
    ]);
    expect(f.calls[1].headers['Last-Event-ID']).toBe('e2-9');
    client.close();
  });

  it('refreshes a JWT before it expires on the open stream, without reconnecting', async () => {
    const exp = Math.floor(Date.now() / 1000) + 60;
    const jwt = (n: number) =>
      `h.${Buffer.from(JSON.stringify({ sub: 'alice', exp: exp + n })).toString('base64url')}.s`;
    let n = 0;
    const f = fakeFetch();
    const { client } = start({ token: () => jwt(n++) }, f);
    await tick();
    f.streams[0].write(connected());
    await tick();
    f.answer(() => new Response(null, { status: 204 }));
    await tick(45_000); // 60 s left: refreshed 15 s before exp
    expect(f.calls).toHaveLength(2);
    expect(f.calls[1].url).toBe('http://app.test/sse/clients/c1/token');
    expect(f.calls[1].init.method).toBe('POST');
    expect(f.calls[1].headers.Authorization).toBe(`Bearer ${jwt(1)}`);
    expect(client.state).toBe('live');
    client.close();
  });

  it('does not refresh a token that expires in 60 days before its time (beyond the largest timer delay)', async () => {
    const exp = Math.floor(Date.now() / 1000) + 60 * 86_400;
    const jwt = `h.${Buffer.from(JSON.stringify({ exp })).toString('base64url')}.s`;
    const f = fakeFetch();
    const { client } = start({ token: () => jwt }, f);
    await tick();
    f.streams[0].write(connected());
    await tick(86_400_000);
    expect(f.calls).toHaveLength(1);
    client.close();
  });

  it('close() ends the stream and stays closed', async () => {
    const { client, f, states } = start();
    await tick();
    client.close();
    await tick(60_000);
    expect(client.state).toBe('closed');
    expect(states).toEqual([['closed', { reason: 'closed' }]]);
    expect(f.calls).toHaveLength(1);
  });
});

/** An EventSource the test drives: it records its URL and dispatches named events to their listeners only, as browsers do. */
class FakeEventSource {
  static all: FakeEventSource[] = [];
  readyState = 0;
  onerror: ((e: Event) => void) | null = null;
  onopen: ((e: Event) => void) | null = null;
  closed = false;
  private readonly listeners = new Map<
    string,
    Array<(e: MessageEvent<string>) => void>
  >();
  constructor(
    readonly url: string,
    readonly init?: { withCredentials?: boolean },
  ) {
    FakeEventSource.all.push(this);
  }
  addEventListener(
    type: string,
    listener: (e: MessageEvent<string>) => void,
  ): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  close(): void {
    this.closed = true;
    this.readyState = 2;
  }
  emit(type: string, id: string, data: unknown): void {
    const event = {
      data: JSON.stringify(data),
      lastEventId: id,
    } as MessageEvent<string>;
    this.listeners.get(type)?.forEach((l) => l(event));
  }
}

describe('createSseClient with a cookie (EventSource)', () => {
  beforeEach(() => {
    FakeEventSource.all = [];
  });

  it('listens to the events handlers ask for, and after a close reconnects itself with the cursor in ?lastEventId', async () => {
    const storage = memoryStorage();
    const client = createSseClient<{ note: { n: number } }>({
      shareAcrossTabs: false,
      url: URL_,
      topics: ['a', 'b'],
      storage,
      reconnectJitter: 0,
      EventSource: FakeEventSource,
      fetch: fakeFetch().fn,
    });
    const seen: number[] = [];
    client.on('note', (d) => seen.push(d.n));
    const [first] = FakeEventSource.all;
    expect(first.url).toBe(`${URL_}?topics=a%2Cb`);
    expect(first.init).toEqual({ withCredentials: true });
    first.emit('connected', 'e1-0', {
      clientId: 'c1',
      userId: 'u',
      tenantId: null,
      topics: [],
    });
    first.emit('note', 'e1-1', { n: 1 });
    first.emit('close', 'e1-1', { reason: 'slow_consumer' });
    expect(first.closed).toBe(true);
    await tick();

    const second = FakeEventSource.all[1];
    expect(second.url).toBe(`${URL_}?topics=a%2Cb&lastEventId=e1-1`);
    second.emit('connected', 'e1-1', {
      clientId: 'c2',
      userId: 'u',
      tenantId: null,
      topics: [],
    });
    second.emit('note', 'e1-1', { n: 1 });
    second.emit('note', 'e1-2', { n: 2 });
    expect(seen).toEqual([1, 2]);
    expect(client.state).toBe('live');
    client.close();
    expect(second.closed).toBe(true);
  });

  it('a refused EventSource asks fetch why: a 401 closes with its code', async () => {
    const f = fakeFetch();
    f.answer(jsonError(401, 'invalid_token'));
    const client = createSseClient({
      shareAcrossTabs: false,
      url: URL_,
      storage: null,
      EventSource: FakeEventSource,
      fetch: f.fn,
    });
    const states: unknown[] = [];
    client.onStateChange((state, detail) => states.push([state, detail]));
    const [source] = FakeEventSource.all;
    source.readyState = 2;
    source.onerror?.(new Event('error'));
    await tick(60_000);
    expect(f.calls).toHaveLength(1);
    expect(f.calls[0].init.credentials).toBe('include');
    expect(states).toEqual([
      [
        'closed',
        { status: 401, code: 'invalid_token', reason: 'invalid_token' },
      ],
    ]);
    expect(FakeEventSource.all).toHaveLength(1);
  });
});

describe('ids and tokens', () => {
  it('orders ids of one epoch by sequence and takes another epoch as new', () => {
    expect(isAfter('a1-10', 'a1-9')).toBe(true);
    expect(isAfter('a1-9', 'a1-10')).toBe(false);
    expect(isAfter('a1-9', 'a1-9')).toBe(false);
    expect(isAfter('b2-1', 'a1-9')).toBe(true);
    expect(isAfter('a1-1', undefined)).toBe(true);
  });

  it('reads a JWT exp without verifying; anything else has none', () => {
    const payload = Buffer.from(JSON.stringify({ exp: 1700000000 })).toString(
      'base64url',
    );
    expect(jwtExpiry(`x.${payload}.y`)).toBe(1700000000_000);
    expect(jwtExpiry('opaque-token')).toBeUndefined();
    expect(jwtExpiry('a.!!!.c')).toBeUndefined();
  });
});
