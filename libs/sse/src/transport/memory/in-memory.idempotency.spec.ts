import { jest } from '@jest/globals';
import { InMemoryIdempotencyKeys } from './in-memory.idempotency.js';

describe('InMemoryIdempotencyKeys', () => {
  let clock: number;
  let keys: InMemoryIdempotencyKeys;
  const at = (seq: number) => ({ seq, id: `e-${seq}` });

  beforeEach(() => {
    clock = 1_000_000;
    keys = new InMemoryIdempotencyKeys(10_000, () => clock);
  });
  afterEach(() => {
    keys.close();
    jest.useRealTimers();
  });

  it('answers with the first message of a key until ttl has passed', () => {
    keys.remember('a', at(1), 123);
    clock += 9_999;
    expect(keys.find('a')).toEqual({ seq: 1, id: 'e-1', firstCreatedAt: 123 });
    expect(keys.find('b')).toBeUndefined();
    clock += 1;
    expect(keys.find('a')).toBeUndefined();
  });

  it('drops expired keys as new ones come, so it does not grow with keys no longer used', () => {
    for (let i = 0; i < 1_000; i++) keys.remember(`k${i}`, at(i + 1), 0);
    clock += 5_000;
    keys.remember('middle', at(1_001), 0);
    clock += 5_000;
    keys.remember('late', at(1_002), 0);
    expect(keys.size).toBe(2);
    expect(keys.find('middle')).toBeDefined();
  });

  it('keeps a key remembered again until ttl after the last time', () => {
    keys.remember('a', at(1), 0);
    clock += 20_000;
    keys.remember('b', at(2), 0);
    keys.remember('a', at(3), 0);
    clock += 9_000;
    keys.remember('c', at(4), 0);
    expect(keys.find('a')?.seq).toBe(3);
    expect(keys.size).toBe(3);
  });

  it('releases every key after ttl even when no new key comes', () => {
    jest.useFakeTimers({ now: 0 });
    const swept = new InMemoryIdempotencyKeys(10_000);
    for (let i = 0; i < 100; i++) swept.remember(`k${i}`, at(i + 1), 0);
    jest.advanceTimersByTime(20_000);
    expect(swept.size).toBe(0);
    expect(jest.getTimerCount()).toBe(0);
  });
});
