import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { TransportUnavailableError } from '../errors/transport-unavailable.error.js';
import type { SseIdentity } from '../auth/sse-identity.interface.js';
import type { SseTransport } from '../transport/sse-transport.interface.js';
import { SseRevocations } from './sse-revocations.js';

/** A transport whose revocation list answers with `answers`, one per lookup. */
function transport(answers: Array<number | undefined | Error>): SseTransport {
  return {
    revokedBefore: () => {
      const next = answers.shift();
      return next instanceof Error
        ? Promise.reject(next)
        : Promise.resolve(next);
    },
  } as unknown as SseTransport;
}

const down = () => new TransportUnavailableError('Redis: connection refused');
const identity: SseIdentity = { userId: 'ann', roles: [], issuedAt: 1_000_000 };

describe('SseRevocations', () => {
  let warn: ReturnType<typeof jest.spyOn>;
  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => {});
  });
  afterEach(() => warn.mockRestore());

  it('refuses credentials issued before the revocation, and accepts later ones', async () => {
    const revocations = new SseRevocations(transport([2_000_000, 2_000_000]));
    await expect(revocations.isRevoked(identity)).resolves.toBe(true);
    await expect(
      revocations.isRevoked({ ...identity, issuedAt: 2_000_000 }),
    ).resolves.toBe(false);
  });

  it('accepts credentials while the list cannot be read, warning once per outage', async () => {
    const revocations = new SseRevocations(
      transport([down(), down(), undefined, down()]),
    );
    await expect(revocations.isRevoked(identity)).resolves.toBe(false);
    await expect(revocations.isRevoked(identity)).resolves.toBe(false);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toContain('connection refused');

    await expect(revocations.isRevoked(identity)).resolves.toBe(false);
    await expect(revocations.isRevoked(identity)).resolves.toBe(false);
    expect(warn).toHaveBeenCalledTimes(2);
  });

  it('passes on a failure that is not the transport being unavailable', async () => {
    const revocations = new SseRevocations(transport([new TypeError('bug')]));
    await expect(revocations.isRevoked(identity)).rejects.toThrow('bug');
    expect(warn).not.toHaveBeenCalled();
  });
});
