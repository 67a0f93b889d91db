import { jest } from '@jest/globals';
import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Subscription } from 'rxjs';
import type { SseCloseReason } from '../broker/sse-client-info.interface.js';
import { SseConnection, type SseConnectionHost } from './sse-connection.js';
import { controlEvent, type SseWireEvent } from './sse-frame.util.js';
import type { SseSink } from './sse-sink.interface.js';

class FakeResponse extends EventEmitter {}

class FakeSink implements SseSink {
  written: SseWireEvent[] = [];
  backpressured = false;
  ended = false;
  write(event: SseWireEvent): void {
    this.written.push(event);
  }
  end(): void {
    this.ended = true;
  }
  events(): string[] {
    return this.written.map((e) => e.event);
  }
}

function message(n: number): SseWireEvent {
  return {
    event: 'tick',
    id: `e-${n}`,
    data: String(n),
    frame: '',
    isMessage: true,
  };
}

function setup(
  identity: { expiresAt?: number } = {},
  settings: Partial<SseConnectionHost['settings']> = {},
) {
  const closed: Array<{ reason: SseCloseReason; dropped: number }> = [];
  let delivered = 0;
  const host: SseConnectionHost = {
    settings: {
      clientBufferSize: 3,
      heartbeatInterval: 1_000,
      clientTimeout: 5_000,
      retry: 2_000,
      ...settings,
    },
    subscribeTargets: () => new Subscription(),
    opened: () => undefined,
    closed: (_, reason, dropped) => closed.push({ reason, dropped }),
    delivered: () => delivered++,
  };
  const response = new FakeResponse();
  const request = { socket: {}, headers: {} } as unknown as IncomingMessage;
  const connection = new SseConnection(
    'c1',
    { userId: 'u1', roles: [], ...identity },
    ['t'],
    request,
    response as unknown as ServerResponse,
    host,
  );
  const sink = new FakeSink();
  connection.attach(() => sink);
  return { connection, sink, response, closed, delivered: () => delivered };
}

describe('SseConnection', () => {
  beforeEach(() =>
    jest.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') }),
  );
  afterEach(() => jest.useRealTimers());

  it('opens with retry and connected, then sends a heartbeat every heartbeatInterval', () => {
    const { sink } = setup();
    expect(sink.written[0]).toMatchObject({ event: 'connected', retry: 2_000 });
    expect(JSON.parse(sink.written[0].data)).toEqual({
      clientId: 'c1',
      userId: 'u1',
      tenantId: null,
      topics: ['t'],
    });

    jest.advanceTimersByTime(999);
    expect(sink.events()).toEqual(['connected']);
    jest.advanceTimersByTime(1);
    jest.advanceTimersByTime(1_000);
    expect(sink.events()).toEqual(['connected', 'heartbeat', 'heartbeat']);
  });

  it('gives control events the id of the last delivered message', () => {
    const { connection, sink } = setup();
    connection.deliver(message(7));
    jest.advanceTimersByTime(1_000);
    expect(sink.written.at(-1)).toMatchObject({
      event: 'heartbeat',
      id: 'e-7',
    });
  });

  it('queues while the sink is backpressured and flushes in order on drain', () => {
    const { connection, sink, response, delivered } = setup();
    sink.backpressured = true;
    connection.deliver(message(1));
    connection.deliver(message(2));
    expect(connection.info().pendingEvents).toBe(2);
    expect(sink.events()).toEqual(['connected']);

    sink.backpressured = false;
    response.emit('drain');
    expect(sink.written.slice(1).map((e) => e.id)).toEqual(['e-1', 'e-2']);
    expect(connection.info().pendingEvents).toBe(0);
    expect(delivered()).toBe(2);
  });

  it('disconnects as slow_consumer when more than clientBufferSize events would wait, counting every undelivered one', () => {
    const { connection, sink, closed } = setup();
    sink.backpressured = true;
    [1, 2, 3].forEach((n) => connection.deliver(message(n)));
    expect(closed).toEqual([]);
    connection.deliver(message(4));

    expect(closed).toEqual([{ reason: 'slow_consumer', dropped: 4 }]);
    expect(sink.written.at(-1)).toMatchObject({
      event: 'close',
      data: '{"reason":"slow_consumer"}',
    });
    expect(sink.ended).toBe(true);
    connection.deliver(message(5));
    expect(closed).toHaveLength(1);
  });

  it('closes with timeout when the socket has taken nothing for clientTimeout', () => {
    const { sink, closed } = setup();
    sink.backpressured = true;
    jest.advanceTimersByTime(4_000);
    expect(closed).toEqual([]);
    jest.advanceTimersByTime(1_000);
    expect(closed).toEqual([{ reason: 'timeout', dropped: 0 }]);
  });

  it('skips heartbeats while backpressured and resumes after drain', () => {
    const { sink, response } = setup();
    sink.backpressured = true;
    jest.advanceTimersByTime(2_000);
    expect(sink.events()).toEqual(['connected']);
    sink.backpressured = false;
    response.emit('drain');
    jest.advanceTimersByTime(1_000);
    expect(sink.events()).toEqual(['connected', 'heartbeat']);
  });

  it('closes with token_expired when the identity expires, also beyond the 24.8-day timer limit', () => {
    const expiresAt = Date.now() + 30 * 24 * 3600 * 1000;
    const { sink, closed } = setup(
      { expiresAt },
      { heartbeatInterval: 2_000_000_000, clientTimeout: 2_100_000_000 },
    );
    jest.advanceTimersByTime(30 * 24 * 3600 * 1000 - 1);
    expect(closed).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(closed).toEqual([{ reason: 'token_expired', dropped: 0 }]);
    expect(sink.written.at(-1)).toMatchObject({
      event: 'close',
      data: '{"reason":"token_expired"}',
    });
  });

  it('cleans up without writing when the client closes, and stops its timers', () => {
    const { sink, response, closed } = setup();
    response.emit('close');
    expect(closed).toEqual([{ reason: 'client_closed', dropped: 0 }]);
    expect(sink.ended).toBe(false);
    jest.advanceTimersByTime(10_000);
    expect(sink.events()).toEqual(['connected']);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('never creates a sink for a connection closed before attach', () => {
    const closed: SseCloseReason[] = [];
    const host = {
      settings: {
        clientBufferSize: 1,
        heartbeatInterval: 1_000,
        clientTimeout: 2_000,
        retry: 0,
      },
      subscribeTargets: () => new Subscription(),
      opened: () => undefined,
      closed: (_: unknown, reason: SseCloseReason) => closed.push(reason),
      delivered: () => undefined,
    };
    const response = new FakeResponse();
    const connection = new SseConnection(
      'c2',
      { userId: 'u', roles: [] },
      [],
      { socket: {}, headers: {} } as unknown as IncomingMessage,
      response as unknown as ServerResponse,
      host,
    );
    response.emit('close');
    const createSink = jest.fn<() => SseSink>();
    connection.attach(createSink);
    expect(createSink).not.toHaveBeenCalled();
    expect(closed).toEqual(['client_closed']);
  });
});

describe('controlEvent', () => {
  it('formats the frame in Nest order: event, id, retry, data', () => {
    expect(controlEvent('connected', 'e-1', { a: 1 }, 3000).frame).toBe(
      'event: connected\nid: e-1\nretry: 3000\ndata: {"a":1}\n\n',
    );
  });
});
