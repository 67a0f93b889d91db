import { RedisEpoch } from './redis-epoch.js';

describe('RedisEpoch', () => {
  it('never proposes an epoch again once it was the epoch', () => {
    const epoch = new RedisEpoch();
    const first = epoch.candidate;
    expect(epoch.answered(first)).toBeUndefined();
    expect(epoch.candidate).not.toBe(first);
  });

  it('never proposes a candidate again after a command failed', () => {
    const epoch = new RedisEpoch();
    const first = epoch.candidate;
    epoch.retireCandidate();
    expect(epoch.candidate).not.toBe(first);
  });

  it('reports a new epoch once, with the one it replaces', () => {
    const epoch = new RedisEpoch();
    expect(epoch.answered('aaaa')).toBeUndefined();
    expect(epoch.answered('aaaa')).toBeUndefined();
    expect(epoch.answered('bbbb')).toBe('aaaa');
    expect(epoch.answered('bbbb')).toBeUndefined();
  });

  it('takes a message of another epoch as news once per epoch, and none of the current one', () => {
    const epoch = new RedisEpoch();
    expect(epoch.isNews('aaaa-1')).toBe(false);
    epoch.answered('aaaa');
    expect(epoch.isNews('aaaa-2')).toBe(false);
    expect(epoch.isNews('bbbb-3')).toBe(true);
    expect(epoch.isNews('bbbb-4')).toBe(false);
    expect(epoch.isNews('aaaab-5')).toBe(true);
  });
});
