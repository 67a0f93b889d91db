import { InMemoryRevocations } from './in-memory.revocations.js';

describe('InMemoryRevocations', () => {
  let now = 0;
  const revocations = () => new InMemoryRevocations(() => now);
  beforeEach(() => (now = 1_000_000));

  it('answers the notBefore of a revocation until its ttl has passed, then forgets it', () => {
    const list = revocations();
    list.revoke('u', 5_000, 60_000);
    expect(list.revokedBefore('u')).toBe(5_000);
    expect(list.revokedBefore('other')).toBeUndefined();
    now += 59_999;
    expect(list.revokedBefore('u')).toBe(5_000);
    now += 1;
    expect(list.revokedBefore('u')).toBeUndefined();
    expect(list.size).toBe(0);
  });

  it('keeps the later notBefore and the longer lifetime when a user is revoked again', () => {
    const list = revocations();
    list.revoke('u', 5_000, 60_000);
    list.revoke('u', 7_000, 1_000);
    expect(list.revokedBefore('u')).toBe(7_000);
    now += 30_000;
    expect(list.revokedBefore('u')).toBe(7_000);
  });

  it('drops the expired revocations when a new one is made', () => {
    const list = revocations();
    list.revoke('a', 1, 1_000);
    list.revoke('b', 1, 1_000);
    now += 1_000;
    list.revoke('c', 1, 1_000);
    expect(list.size).toBe(1);
  });
});
