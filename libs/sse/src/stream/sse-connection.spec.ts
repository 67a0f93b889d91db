import { jest } from '@jest/globals';
import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SseEnvelope } from '../core/sse-envelope.js';
import type { SsePosition, SseReadOutcome } from '../core/sse-position.js';
import type { SseCloseReason } from '../core/sse-reasons.js';
import { SseConnection, type SseConnectionHost } from './sse-connection.js';
import { controlEvent, type SseWireEvent } from '../core/sse-frame.js';
import { SseHeartbeatScheduler } from './sse-heartbeat.scheduler.js';
import type { SseSink } from './sse-sink.interface.js';

class FakeResponse extends EventEmitter {
  writableFinished = false;
  destroyed = false;
  destroy(): void {
    this.destroyed = true;
  }
}

class FakeSink implements SseSink {
  written: SseWireEvent[] = [];
  backpressured = false;
  /** Bytes the socket has not handed to the kernel yet. */
  pendingBytes = 0;
  ended = false;
  private readonly drainListeners: Array<() => void> = [];
  write(event: SseWireEvent): void {
    this.written.push(event);
  }
  onDrain(listener: () => void): void {
    this.drainListeners.push(listener);
  }
  /** The socket takes data again. */
  drain(): void {
    this.backpressured = false;
    this.drainListeners.forEach((listener) => listener());
  }
  end(): void {
    this.ended = true;
  }
  released = false;
  release(): void {
    this.released = true;
  }
  events(): string[] {
    return this.written.map((e) => e.event);
  }
  messageSeqs(): number[] {
    return this.written.filter((e) => e.isMessage).map((e) => e.seq!);
  }
}

function position(seq: number): SsePosition {
  return { seq, id: `ep-${seq}` };
}

function message(seq: number, json = String(seq)): SseEnvelope {
  return new SseEnvelope(
    {
      id: `ep-${seq}`,
      event: 'tick',
      data: seq,
      target: { type: 'broadcast' },
      createdAt: new Date(),
    },
    json,
    seq,
  );
}

/** The size of message(seq, json)'s frame on the wire. */
const wireBytes = (seq: number, json: string) =>
  Buffer.byteLength(message(seq, json).frame);

class FakeHost implements SseConnectionHost {
  settings = {
    clientBufferSize: 3,
    clientBufferBytes: 1_000_000,
    heartbeatInterval: 1_000,
    clientTimeout: 5_000,
    retry: 2_000,
    maxConnectionAge: 0,
    reconnectJitter: 0,
  };
  closes: Array<{ reason: SseCloseReason; dropped: number }> = [];
  deliveredCount = 0;
  replayOutcome?: Promise<SseReadOutcome>;
  replayCursors: string[] = [];
  replay(_: SseConnection, cursor: string): Promise<SseReadOutcome> {
    this.replayCursors.push(cursor);
    return this.replayOutcome!;
  }
  opened(): void {}
  closed(_: SseConnection, reason: SseCloseReason, dropped: number): void {
    this.closes.push({ reason, dropped });
  }
  heartbeats!: SseHeartbeatScheduler;
  delivered(): void {
    this.deliveredCount++;
  }
}

function setup(
  options: {
    expiresAt?: number;
    cursor?: string;
    settings?: Partial<FakeHost['settings']>;
    replay?: Promise<SseReadOutcome>;
    /** Head at which the subscription was confirmed. */
    head?: number;
  } = {},
) {
  const host = new FakeHost();
  Object.assign(host.settings, options.settings);
  host.heartbeats = new SseHeartbeatScheduler(host.settings.heartbeatInterval);
  host.replayOutcome = options.replay;
  const response = new FakeResponse();
  const request = { socket: {}, headers: {} } as unknown as IncomingMessage;
  const connection = new SseConnection(
    'c1',
    { userId: 'u1', roles: [], expiresAt: options.expiresAt },
    ['t'],
    request,
    response as unknown as ServerResponse,
    host,
    options.cursor,
  );
  const sink = new FakeSink();
  return {
    connection,
    sink,
    response,
    host,
    attach: () => {
      connection.prepare(position(options.head ?? 0));
      connection.attach(() => sink);
    },
  };
}

function opened(options: Parameters<typeof setup>[0] = {}) {
  const context = setup(options);
  context.attach();
  return context;
}

describe('SseConnection', () => {
  beforeEach(() =>
    jest.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') }),
  );
  afterEach(() => jest.useRealTimers());

  it('opens with retry and connected, then sends a heartbeat every heartbeatInterval', () => {
    const { sink } = opened();
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

  it('starts a client without a cursor at the head its subscription was confirmed at', () => {
    const { sink, attach } = setup({ head: 41 });
    attach();
    expect(sink.written[0]).toMatchObject({ event: 'connected', id: 'ep-41' });
  });

  it('holds messages that arrive before the stream opens, then sends those after its head', () => {
    const { connection, sink, attach } = setup({
      head: 5,
      settings: { clientBufferSize: 10 },
    });
    // In flight while the subscription was being confirmed: 4 and 5 are
    // older than the head, 6 is not.
    [4, 5, 6].forEach((n) => connection.deliver(message(n)));
    expect(sink.written).toEqual([]);
    attach();
    connection.deliver(message(7));
    expect(sink.events()[0]).toBe('connected');
    expect(sink.messageSeqs()).toEqual([6, 7]);
  });

  it('drops a connection that held more than clientBufferSize before opening, without a sink', () => {
    const { connection, response, host } = setup();
    [1, 2, 3, 4].forEach((n) => connection.deliver(message(n)));
    expect(host.closes).toEqual([{ reason: 'slow_consumer', dropped: 4 }]);
    const createSink = jest.fn<() => SseSink>();
    connection.attach(createSink);
    expect(createSink).not.toHaveBeenCalled();
    expect(response.destroyed).toBe(true);
  });

  it('gives control events the id of the last delivered message', () => {
    const { connection, sink } = opened();
    connection.deliver(message(7));
    jest.advanceTimersByTime(1_000);
    expect(sink.written.at(-1)).toMatchObject({
      event: 'heartbeat',
      id: 'ep-7',
    });
  });

  it('queues while the sink is backpressured and flushes in order on drain', () => {
    const { connection, sink, host } = opened();
    sink.backpressured = true;
    connection.deliver(message(1));
    connection.deliver(message(2));
    expect(connection.info().pendingEvents).toBe(2);
    expect(sink.events()).toEqual(['connected']);

    sink.drain();
    expect(sink.messageSeqs()).toEqual([1, 2]);
    expect(connection.info().pendingEvents).toBe(0);
    expect(host.deliveredCount).toBe(2);
  });

  it('disconnects as slow_consumer when more than clientBufferSize events would wait, counting every undelivered one', () => {
    const { connection, sink, host } = opened();
    sink.backpressured = true;
    [1, 2, 3].forEach((n) => connection.deliver(message(n)));
    expect(host.closes).toEqual([]);
    connection.deliver(message(4));

    expect(host.closes).toEqual([{ reason: 'slow_consumer', dropped: 4 }]);
    expect(sink.written.at(-1)).toMatchObject({
      event: 'close',
      data: '{"reason":"slow_consumer"}',
    });
    expect(sink.ended).toBe(true);
    expect(sink.released).toBe(true);
    connection.deliver(message(5));
    expect(host.closes).toHaveLength(1);
  });

  describe('clientBufferBytes', () => {
    const json = JSON.stringify('x'.repeat(200));

    it("disconnects as slow_consumer once the queued frames and the socket's unsent bytes would exceed it, however few the events", () => {
      const frame = wireBytes(1, json);
      const { connection, sink, host } = opened({
        settings: { clientBufferSize: 100, clientBufferBytes: 500 + 2 * frame },
      });
      sink.backpressured = true;
      sink.pendingBytes = 500;
      connection.deliver(message(1, json));
      connection.deliver(message(2, json));
      expect(host.closes).toEqual([]);
      connection.deliver(message(3, json));

      expect(host.closes).toEqual([{ reason: 'slow_consumer', dropped: 3 }]);
      expect(sink.written.at(-1)).toMatchObject({
        event: 'close',
        data: '{"reason":"slow_consumer"}',
      });
    });

    it('counts what the socket holds: a stream whose socket holds more is dropped at the next event that must wait', () => {
      const { connection, sink, host } = opened({
        settings: { clientBufferSize: 100, clientBufferBytes: 10_000 },
      });
      sink.backpressured = true;
      sink.pendingBytes = 10_001;
      connection.deliver(message(1));
      expect(host.closes).toEqual([{ reason: 'slow_consumer', dropped: 1 }]);
    });

    it('counts frames in bytes on the wire, not characters', () => {
      const accents = JSON.stringify('é'.repeat(200));
      const { connection, sink, host } = opened({
        settings: {
          clientBufferSize: 100,
          clientBufferBytes: 2 * message(1, accents).frame.length,
        },
      });
      sink.backpressured = true;
      connection.deliver(message(1, accents));
      connection.deliver(message(2, accents));
      expect(host.closes).toEqual([{ reason: 'slow_consumer', dropped: 2 }]);
    });

    it('frees what the socket took, so a client that reads again may fall behind again', () => {
      const frame = wireBytes(10, json);
      const { connection, sink, host } = opened({
        settings: { clientBufferSize: 100, clientBufferBytes: 3 * frame },
      });
      for (let round = 0; round < 5; round++) {
        sink.backpressured = true;
        [1, 2, 3].forEach((n) =>
          connection.deliver(message(round * 3 + n, json)),
        );
        sink.drain();
      }
      expect(host.closes).toEqual([]);
      expect(sink.messageSeqs()).toHaveLength(15);
    });

    it('bounds what is held before the stream opens the same way', () => {
      const frame = wireBytes(1, json);
      const { connection, host } = setup({
        settings: { clientBufferSize: 100, clientBufferBytes: 2 * frame },
      });
      connection.deliver(message(1, json));
      connection.deliver(message(2, json));
      expect(host.closes).toEqual([]);
      connection.deliver(message(3, json));
      expect(host.closes).toEqual([{ reason: 'slow_consumer', dropped: 3 }]);
    });
  });

  it('cuts the socket of a dropped slow consumer that cannot take its final frame', () => {
    const { connection, sink, response } = opened();
    sink.backpressured = true;
    [1, 2, 3, 4].forEach((n) => connection.deliver(message(n)));
    jest.advanceTimersByTime(1_999);
    expect(response.destroyed).toBe(false);
    jest.advanceTimersByTime(1);
    expect(response.destroyed).toBe(true);
  });

  it('leaves the socket of a dropped client that read its final frame', () => {
    const { connection, sink, response } = opened();
    sink.backpressured = true;
    [1, 2, 3, 4].forEach((n) => connection.deliver(message(n)));
    response.emit('finish');
    jest.advanceTimersByTime(5_000);
    expect(response.destroyed).toBe(false);
  });

  it('closes with timeout when the socket has taken nothing for clientTimeout', () => {
    const { sink, host } = opened();
    sink.backpressured = true;
    jest.advanceTimersByTime(4_000);
    expect(host.closes).toEqual([]);
    jest.advanceTimersByTime(1_000);
    expect(host.closes).toEqual([{ reason: 'timeout', dropped: 0 }]);
  });

  it('skips heartbeats while backpressured and resumes after drain', () => {
    const { sink } = opened();
    sink.backpressured = true;
    jest.advanceTimersByTime(2_000);
    expect(sink.events()).toEqual(['connected']);
    sink.drain();
    jest.advanceTimersByTime(1_000);
    expect(sink.events()).toEqual(['connected', 'heartbeat']);
  });

  it('closes with token_expired when the identity expires, also beyond the 24.8-day timer limit', () => {
    const expiresAt = Date.now() + 30 * 24 * 3600 * 1000;
    const { sink, host } = opened({
      expiresAt,
      settings: {
        heartbeatInterval: 2_000_000_000,
        clientTimeout: 2_100_000_000,
      },
    });
    jest.advanceTimersByTime(30 * 24 * 3600 * 1000 - 1);
    expect(host.closes).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(host.closes).toEqual([{ reason: 'token_expired', dropped: 0 }]);
    expect(sink.written.at(-1)).toMatchObject({
      event: 'close',
      data: '{"reason":"token_expired"}',
    });
  });

  it('moves its expiry to renewed credentials, and stays open without any when they have none', () => {
    const { connection, host } = opened({ expiresAt: Date.now() + 1_000 });
    connection.renew(Date.now() + 5_000);
    jest.advanceTimersByTime(4_999);
    expect(host.closes).toEqual([]);
    connection.renew(undefined);
    jest.advanceTimersByTime(60_000);
    expect(host.closes).toEqual([]);
    connection.renew(Date.now() + 10);
    jest.advanceTimersByTime(10);
    expect(host.closes).toEqual([{ reason: 'token_expired', dropped: 0 }]);
  });

  it('closes with reason revoked without a retry', () => {
    const { connection, sink, host } = opened();
    connection.close('revoked');
    expect(host.closes).toEqual([{ reason: 'revoked', dropped: 0 }]);
    expect(sink.written.at(-1)).toMatchObject({
      event: 'close',
      data: '{"reason":"revoked"}',
    });
    expect(sink.written.at(-1)?.frame.toString()).not.toContain('retry:');
  });

  it('closes with max_age and a retry between retry and retry + reconnectJitter', () => {
    const retries = new Set<number>();
    for (let i = 0; i < 40; i++) {
      const { sink, host } = opened({
        settings: { maxConnectionAge: 10_000, reconnectJitter: 5_000 },
      });
      jest.advanceTimersByTime(10_000);
      expect(host.closes).toEqual([{ reason: 'max_age', dropped: 0 }]);
      const close = sink.written.at(-1)!;
      expect(close).toMatchObject({
        event: 'close',
        data: '{"reason":"max_age"}',
      });
      expect(close.retry).toBeGreaterThanOrEqual(2_000);
      expect(close.retry).toBeLessThanOrEqual(7_000);
      retries.add(close.retry!);
    }
    expect(retries.size).toBeGreaterThan(1);
  });

  it('cleans up without writing when the client closes, and stops its timers', () => {
    const { sink, response, host } = opened({
      settings: { maxConnectionAge: 60_000 },
    });
    response.emit('close');
    expect(host.closes).toEqual([{ reason: 'client_closed', dropped: 0 }]);
    expect(sink.ended).toBe(false);
    expect(sink.released).toBe(true);
    jest.advanceTimersByTime(100_000);
    expect(sink.events()).toEqual(['connected']);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('never creates a sink for a connection closed before attach', () => {
    const { connection, response, host } = setup();
    response.emit('close');
    const createSink = jest.fn<() => SseSink>();
    connection.attach(createSink);
    expect(createSink).not.toHaveBeenCalled();
    expect(host.closes).toEqual([{ reason: 'client_closed', dropped: 0 }]);
  });
});

describe('SseConnection replay', () => {
  function deferred() {
    let resolve!: (outcome: SseReadOutcome) => void;
    const promise = new Promise<SseReadOutcome>((r) => (resolve = r));
    return { promise, resolve };
  }

  it('sends the replay, then what was published while it was read, each message once and in order', async () => {
    const replay = deferred();
    const { connection, sink, attach } = setup({
      cursor: 'ep-2',
      replay: replay.promise,
      settings: { clientBufferSize: 10 },
      head: 4,
    });
    attach();
    // Published while the history is being read: 5 is new; 4 also made it into the read.
    connection.deliver(message(4));
    connection.deliver(message(5));
    expect(sink.messageSeqs()).toEqual([]);

    replay.resolve({ envelopes: [message(3), message(4)], head: position(4) });
    await replay.promise;
    await Promise.resolve();
    connection.deliver(message(6));

    expect(sink.messageSeqs()).toEqual([3, 4, 5, 6]);
    expect(sink.written[0]).toMatchObject({ event: 'connected', id: 'ep-2' });
  });

  it('sends reset with the cursor and moves the client to the head the read saw', async () => {
    const replay = deferred();
    const { connection, sink, attach } = setup({
      cursor: 'garbage\nid',
      replay: replay.promise,
      settings: { clientBufferSize: 10 },
      head: 8,
    });
    attach();
    connection.deliver(message(9));
    connection.deliver(message(10));
    replay.resolve({ reset: 'unknown_cursor', head: position(9) });
    await replay.promise;
    await Promise.resolve();

    expect(sink.events()).toEqual(['connected', 'reset', 'tick']);
    const reset = sink.written[1];
    expect(reset.id).toBe('ep-9');
    expect(JSON.parse(reset.data)).toEqual({
      recovered: false,
      reason: 'unknown_cursor',
      cursor: 'garbage\nid',
    });
    expect(sink.written[0].id).toBe('');
    expect(sink.messageSeqs()).toEqual([10]);
  });

  it('treats a failing history as a gap, never as a complete replay', async () => {
    const { sink, attach } = setup({
      cursor: 'ep-1',
      replay: Promise.reject(new Error('redis down')),
      head: 3,
    });
    attach();
    await new Promise((resolve) => setImmediate(resolve));
    expect(sink.events()).toEqual(['connected', 'reset']);
    expect(sink.written[1].id).toBe('ep-3');
    expect(JSON.parse(sink.written[1].data)).toMatchObject({
      reason: 'history_gap',
    });
  });

  it('resumes from its last accepted message, behind what is still queued, without duplicates', async () => {
    const replay = deferred();
    const { connection, sink, host } = opened({
      replay: replay.promise,
      settings: { clientBufferSize: 10 },
    });
    connection.deliver(message(1));
    sink.backpressured = true;
    connection.deliver(message(2));
    connection.resume();
    expect(host.replayCursors).toEqual(['ep-2']);
    // Live while the history is read: 5 is also in the read, 6 is not.
    connection.deliver(message(5));
    connection.deliver(message(6));
    replay.resolve({
      envelopes: [message(3), message(4), message(5)],
      head: position(5),
    });
    await replay.promise;
    await Promise.resolve();
    expect(sink.messageSeqs()).toEqual([1]);
    sink.drain();
    expect(sink.messageSeqs()).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('runs a resume asked during its first replay once that replay is done', async () => {
    const first = deferred();
    const { connection, sink, attach, host } = setup({
      cursor: 'ep-2',
      replay: first.promise,
      settings: { clientBufferSize: 10 },
      head: 3,
    });
    attach();
    connection.resume();
    expect(host.replayCursors).toEqual(['ep-2']);
    const second = deferred();
    host.replayOutcome = second.promise;
    first.resolve({ envelopes: [message(3)], head: position(3) });
    await first.promise;
    await Promise.resolve();
    expect(host.replayCursors).toEqual(['ep-2', 'ep-3']);
    second.resolve({ envelopes: [message(4)], head: position(4) });
    await second.promise;
    await Promise.resolve();
    expect(sink.messageSeqs()).toEqual([3, 4]);
  });

  it('on a resume it cannot complete, sends reset in place of what was queued', async () => {
    const { connection, sink } = opened({
      replay: Promise.resolve({ reset: 'history_gap', head: position(9) }),
      settings: { clientBufferSize: 10 },
    });
    sink.backpressured = true;
    connection.deliver(message(1));
    connection.resume();
    await new Promise((resolve) => setImmediate(resolve));
    connection.deliver(message(10));
    sink.drain();
    expect(sink.events()).toEqual(['connected', 'reset', 'tick']);
    expect(sink.written[1].id).toBe('ep-9');
    expect(sink.messageSeqs()).toEqual([10]);
  });
});

describe('controlEvent', () => {
  it('formats the frame in Nest order: event, id, retry, data', () => {
    expect(controlEvent('connected', 'e-1', { a: 1 }, 3000).frame).toBe(
      'event: connected\nid: e-1\nretry: 3000\ndata: {"a":1}\n\n',
    );
  });
});
