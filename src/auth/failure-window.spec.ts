import { FailureWindow } from './failure-window.js';

describe('FailureWindow', () => {
  let now = 0;
  const clock = () => now;
  beforeEach(() => (now = 1_000_000));

  it('refuses a key after `limit` failures within the window, until the oldest leaves it', () => {
    const window = new FailureWindow(3, 10_000, 100, clock);
    window.fail('bob');
    now += 4_000;
    window.fail('bob');
    expect(window.blockedFor('bob')).toBe(0);
    window.fail('bob');
    expect(window.blockedFor('bob')).toBe(6_000);
    now += 5_999;
    expect(window.blockedFor('bob')).toBe(1);
    now += 1;
    expect(window.blockedFor('bob')).toBe(0);
    expect(window.blockedFor('carol')).toBe(0);
  });

  it('slides: failures older than the window no longer count', () => {
    const window = new FailureWindow(2, 1_000, 100, clock);
    window.fail('bob');
    now += 1_000;
    window.fail('bob');
    expect(window.blockedFor('bob')).toBe(0);
  });

  it('forgets a key on clear', () => {
    const window = new FailureWindow(1, 1_000, 100, clock);
    window.fail('bob');
    expect(window.blockedFor('bob')).toBeGreaterThan(0);
    window.clear('bob');
    expect(window.blockedFor('bob')).toBe(0);
  });

  it('takes back the latest failure on forgiveLatest', () => {
    const window = new FailureWindow(2, 1_000, 100, clock);
    window.fail('bob');
    window.fail('bob');
    window.forgiveLatest('bob');
    expect(window.blockedFor('bob')).toBe(0);
    window.forgiveLatest('carol');
    expect(window.blockedFor('carol')).toBe(0);
  });

  it('keeps at most maxKeys keys, forgetting the least recently failed', () => {
    const window = new FailureWindow(1, 60_000, 2, clock);
    window.fail('a');
    window.fail('b');
    window.fail('a');
    window.fail('c');
    expect(window.blockedFor('b')).toBe(0);
    expect(window.blockedFor('a')).toBeGreaterThan(0);
    expect(window.blockedFor('c')).toBeGreaterThan(0);
  });
});
