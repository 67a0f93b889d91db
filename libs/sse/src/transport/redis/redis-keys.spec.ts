import { scopedKey } from '../../core/sse-target.js';
import { RedisKeys } from './redis-keys.js';

describe('RedisKeys', () => {
  const keys = new RedisKeys('sse:');

  it("never names a user's revocation as a rate-limit counter, whatever the tenant id holds", () => {
    // A tenant id may hold ':', so "u:acme" + user must not meet the
    // per-user counter of the same user in tenant "acme".
    for (const rule of ['u', 'a', 'p'])
      expect(keys.revocation(scopedKey(`${rule}:acme`, 'bob'))).not.toBe(
        keys.rate(rule, scopedKey('acme', 'bob')),
      );
  });

  it('gives every kind of per-name key its own leading letter', () => {
    const name = scopedKey('acme', 'bob');
    const families = [
      keys.history(name),
      keys.idempotency(name, 'x'),
      keys.channel(name),
      keys.instanceChannel(name),
      keys.revocation(name),
      keys.userStreams('acme', 'bob'),
      keys.onlineUsers('acme'),
      keys.rate('u', name),
    ].map((key) => key.slice('sse:'.length, 'sse:'.length + 2));
    expect(new Set(families).size).toBe(families.length);
  });
});
