import { SlidingWindowLog } from './sliding-window-log.js';

describe('SlidingWindowLog', () => {
  let now: number;
  const clock = () => now;
  beforeEach(() => (now = 10_000));

  it('allows `limit` hits within a window and refuses the next, until the oldest is `window` old', () => {
    const log = new SlidingWindowLog(3, 1_000, clock);
    expect(log.hit('k')).toBe(0);
    now += 100;
    expect(log.hit('k')).toBe(0);
    now += 100;
    expect(log.hit('k')).toBe(0);
    now += 300;
    // The oldest hit (at 10 000) leaves the window at 11 000.
    expect(log.hit('k')).toBe(500);
    now = 10_999;
    expect(log.hit('k')).toBe(1);
    now = 11_000;
    expect(log.hit('k')).toBe(0);
    // Now 10 100, 10 200, 11 000 count: the next leaves at 11 100.
    expect(log.hit('k')).toBe(100);
  });

  it('slides: hits leave one by one, never a whole window at once', () => {
    const log = new SlidingWindowLog(2, 1_000, clock);
    expect(log.hit('k')).toBe(0);
    now += 600;
    expect(log.hit('k')).toBe(0);
    now += 600;
    // A fixed window would have reset at 11 000 and allowed two more.
    expect(log.hit('k')).toBe(0);
    expect(log.hit('k')).toBe(400);
  });

  it('does not count refused hits', () => {
    const log = new SlidingWindowLog(1, 1_000, clock);
    expect(log.hit('k')).toBe(0);
    for (let i = 0; i < 10; i++) {
      now += 90;
      expect(log.hit('k')).toBe(1_000 - (i + 1) * 90);
    }
    now = 11_000;
    expect(log.hit('k')).toBe(0);
  });

  it('counts each key on its own', () => {
    const log = new SlidingWindowLog(1, 1_000, clock);
    expect(log.hit('a')).toBe(0);
    expect(log.hit('b')).toBe(0);
    expect(log.hit('a')).toBe(1_000);
    expect(log.hit('b')).toBe(1_000);
  });

  it('forgets keys with nothing left in the window, as later hits come', () => {
    const log = new SlidingWindowLog(5, 1_000, clock);
    for (let i = 0; i < 100; i++) log.hit(`idle-${i}`);
    now += 500;
    log.hit('busy');
    expect(log.size).toBe(101);
    now += 600;
    log.hit('busy');
    expect(log.size).toBe(1);
    now += 1_000;
    log.hit('late');
    expect(log.size).toBe(1);
  });
});
