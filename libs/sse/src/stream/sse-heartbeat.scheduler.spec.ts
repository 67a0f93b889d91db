import { jest } from '@jest/globals';
import { SseHeartbeatScheduler } from './sse-heartbeat.scheduler.js';

/** A stream that records when it was told to beat (ms since the test started). */
function target(beats: number[], onBeat?: () => void) {
  return {
    heartbeat: () => {
      beats.push(Date.now());
      onBeat?.();
    },
  };
}

describe('SseHeartbeatScheduler', () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  it('beats each stream every interval, the first at most one interval after it joined', () => {
    const scheduler = new SseHeartbeatScheduler(1_600);
    const first: number[] = [];
    const second: number[] = [];
    scheduler.add(target(first));
    jest.advanceTimersByTime(250);
    scheduler.add(target(second));
    jest.advanceTimersByTime(5_000);

    expect(first).toEqual([1_600, 3_200, 4_800]);
    // Joined at 250, between the ticks at 200 and 300: its bucket comes round at 1 800.
    expect(second).toEqual([1_800, 3_400, 5_000]);
    scheduler.stop();
  });

  it('spreads streams that joined at different times over different ticks', () => {
    const scheduler = new SseHeartbeatScheduler(1_600);
    const beats: number[] = [];
    for (let i = 0; i < 16; i++) {
      scheduler.add(target(beats));
      jest.advanceTimersByTime(100);
    }
    beats.length = 0;
    jest.advanceTimersByTime(1_600);
    expect(new Set(beats).size).toBe(16);
    scheduler.stop();
  });

  it('runs a timer only while it has streams, and forgets a removed stream', () => {
    const scheduler = new SseHeartbeatScheduler(1_000);
    const beats: number[] = [];
    const a = target(beats);
    expect(jest.getTimerCount()).toBe(0);
    scheduler.add(a);
    expect(jest.getTimerCount()).toBe(1);
    scheduler.remove(a);
    scheduler.remove(a);
    expect(jest.getTimerCount()).toBe(0);
    jest.advanceTimersByTime(5_000);
    expect(beats).toEqual([]);
  });

  it('lets a stream leave during its own heartbeat without skipping the others', () => {
    const scheduler = new SseHeartbeatScheduler(1_000);
    const beats: number[] = [];
    const leaving = target(beats, () => scheduler.remove(leaving));
    const staying = target(beats);
    scheduler.add(leaving);
    scheduler.add(staying);
    jest.advanceTimersByTime(2_000);
    expect(beats).toEqual([1_000, 1_000, 2_000]);
    scheduler.stop();
  });

  it('catches up on ticks a late timer missed, keeping the beats on the grid', () => {
    const scheduler = new SseHeartbeatScheduler(1_600);
    const beats: number[] = [];
    scheduler.add(target(beats));
    // The clock jumps past the first beat's time (a blocked event loop):
    // the pending timer then fires 100 ms later, at 2 100.
    jest.setSystemTime(2_000);
    jest.advanceTimersByTime(1_200);
    // The overdue beat comes at once; the next one is back on the grid.
    expect(beats).toEqual([2_100, 3_200]);
    scheduler.stop();
  });
});
