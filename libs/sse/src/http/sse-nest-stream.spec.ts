import { jest } from '@jest/globals';
import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SseConnection } from '../stream/sse-connection.js';
import { SseNestStream } from './sse-nest-stream.js';

function setUp() {
  const response = new EventEmitter() as unknown as ServerResponse;
  const request = { method: 'GET' } as IncomingMessage;
  const connection = { attach: jest.fn(), close: jest.fn() };
  const fallback = jest.fn();
  const stream = new SseNestStream(
    connection as unknown as SseConnection,
    request,
    response,
    fallback,
  );
  return { response, connection, fallback, stream };
}

describe('SseNestStream', () => {
  it('takes the response over from the writer Nest piped into it, and completes at once, empty', () => {
    const { response, connection, fallback, stream } = setUp();
    const writer = { commitHeaders: jest.fn(), unpipe: jest.fn() };
    response.emit('pipe', writer);
    const seen: string[] = [];

    stream.observable().subscribe({
      next: () => seen.push('next'),
      complete: () => seen.push('complete'),
    });
    stream.observable().subscribe({ complete: () => seen.push('complete') });

    expect(writer.commitHeaders).toHaveBeenCalledTimes(1);
    expect(writer.unpipe).toHaveBeenCalledWith(response);
    expect(connection.attach).toHaveBeenCalledTimes(1);
    expect(seen).toEqual(['complete', 'complete']);
    expect(fallback).not.toHaveBeenCalled();
    expect(connection.close).not.toHaveBeenCalled();
  });

  it('without such a writer, hands the events to the Observable and says so', () => {
    const { connection, fallback, stream } = setUp();

    const subscription = stream.observable().subscribe();
    expect(fallback).toHaveBeenCalledTimes(1);
    expect(connection.attach).toHaveBeenCalledTimes(1);
    subscription.unsubscribe();

    expect(connection.close).toHaveBeenCalledWith('client_closed');
  });
});
