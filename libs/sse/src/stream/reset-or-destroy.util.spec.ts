import { jest } from '@jest/globals';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { resetOrDestroy } from './reset-or-destroy.util.js';

function stream(httpVersionMajor: number, resetAndDestroy: () => void) {
  const socket = {
    destroyed: false,
    resetAndDestroy: jest.fn(resetAndDestroy),
  };
  const response = { destroy: jest.fn() };
  resetOrDestroy(
    { httpVersionMajor, socket } as unknown as IncomingMessage,
    response as unknown as ServerResponse,
  );
  return { socket, response };
}

describe('resetOrDestroy', () => {
  it('resets the TCP socket of an HTTP/1 stream', () => {
    const { socket, response } = stream(1, () => undefined);
    expect(socket.resetAndDestroy).toHaveBeenCalled();
    expect(response.destroy).not.toHaveBeenCalled();
  });

  it('destroys the response when the socket cannot be reset (TLS)', () => {
    const { response } = stream(1, () => {
      throw new Error('ERR_INVALID_HANDLE_TYPE');
    });
    expect(response.destroy).toHaveBeenCalled();
  });

  it('never resets the socket of an HTTP/2 session, which other streams share', () => {
    const { socket, response } = stream(2, () => undefined);
    expect(socket.resetAndDestroy).not.toHaveBeenCalled();
    expect(response.destroy).toHaveBeenCalled();
  });
});
