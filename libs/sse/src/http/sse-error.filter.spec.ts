import type { ArgumentsHost } from '@nestjs/common';
import type { HttpAdapterHost } from '@nestjs/core';
import { PayloadTooLargeError } from '../errors/payload-too-large.error.js';
import { ShuttingDownError } from '../errors/shutting-down.error.js';
import type { SseError } from '../errors/sse.error.js';
import { TooManyConnectionsError } from '../errors/too-many-connections.error.js';
import { TransportUnavailableError } from '../errors/transport-unavailable.error.js';
import { UserConnectionLimitError } from '../errors/user-connection-limit.error.js';
import { resolveSseOptions } from '../options/resolve-sse-options.js';
import { SseErrorFilter } from './sse-error.filter.js';

/** What the filter answers for `error`: status, headers and body. */
function answer(error: SseError, retry?: number) {
  const sent = {
    status: 0,
    body: undefined as unknown,
    headers: {} as Record<string, string>,
  };
  const adapter = {
    reply: (_: unknown, body: unknown, status: number) => {
      sent.body = body;
      sent.status = status;
    },
    setHeader: (_: unknown, name: string, value: string) => {
      sent.headers[name.toLowerCase()] = value;
    },
  };
  const host = {
    switchToHttp: () => ({ getResponse: () => ({}) }),
  } as unknown as ArgumentsHost;
  const options =
    retry === undefined
      ? undefined
      : resolveSseOptions({ auth: { secret: 's' }, retry });
  new SseErrorFilter(
    { httpAdapter: adapter } as unknown as HttpAdapterHost,
    options,
  ).catch(error, host);
  return sent;
}

describe('SseErrorFilter', () => {
  it.each([
    [new UserConnectionLimitError('x'), 429],
    [new TooManyConnectionsError('x'), 503],
    [new ShuttingDownError('x'), 503],
    [new TransportUnavailableError('x'), 503],
  ])(
    'tells a refused client when to retry: %p gets %i with Retry-After, the retry option in seconds rounded up',
    (error, status) => {
      expect(answer(error, 2_500)).toMatchObject({
        status,
        headers: { 'retry-after': '3' },
        body: { statusCode: status, code: error.code },
      });
      expect(answer(error, 0).headers['retry-after']).toBe('1');
      // Constructed by hand (app.useGlobalFilters): the default retry, 3 s.
      expect(answer(error).headers['retry-after']).toBe('3');
    },
  );

  it('sends no Retry-After where retrying the same request cannot help', () => {
    const sent = answer(new PayloadTooLargeError('x'), 3_000);
    expect(sent.status).toBe(413);
    expect(sent.headers).toEqual({});
  });
});
