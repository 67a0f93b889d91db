import { isUnavailable } from './database-unavailable.error.js';

const withCode = (code: string, message = 'failed') =>
  Object.assign(new Error(message), { code });

describe('isUnavailable', () => {
  it('recognises an unreachable or departing server', () => {
    expect(isUnavailable(withCode('ECONNREFUSED'))).toBe(true);
    expect(isUnavailable(withCode('08006'))).toBe(true);
    expect(isUnavailable(withCode('57P01'))).toBe(true);
    expect(isUnavailable(new Error('Connection terminated unexpectedly'))).toBe(
      true,
    );
    expect(
      isUnavailable(new Error('timeout exceeded when trying to connect')),
    ).toBe(true);
  });

  it('leaves a failed query to its request: constraint, syntax, anything else', () => {
    expect(isUnavailable(withCode('23505'))).toBe(false);
    expect(isUnavailable(withCode('42601'))).toBe(false);
    expect(isUnavailable(new Error('boom'))).toBe(false);
    expect(isUnavailable('ECONNREFUSED')).toBe(false);
  });
});
