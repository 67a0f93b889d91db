import { jest } from '@jest/globals';
import {
  connectionBound,
  openFileLimit,
  streamCapacity,
} from './open-file-limit.util.js';

const LIMITS = `Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max processes             63448                63448                processes
Max open files            20000                1048576              files
Max locked memory         8388608              8388608              bytes
`;

describe('openFileLimit', () => {
  it('reads the soft limit on open files from /proc/self/limits', () => {
    expect(openFileLimit(() => LIMITS)).toBe(20_000);
  });

  it('is undefined when the limit is unlimited, missing or unreadable (not Linux)', () => {
    expect(
      openFileLimit(() =>
        LIMITS.replace('20000                1048576', 'unlimited unlimited'),
      ),
    ).toBeUndefined();
    expect(openFileLimit(() => 'Limit Soft Limit\n')).toBeUndefined();
    expect(
      openFileLimit(() => {
        throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      }),
    ).toBeUndefined();
  });

  it("reads this process's limit by default", () => {
    const limit = openFileLimit();
    if (process.platform === 'linux') expect(limit).toBeGreaterThan(0);
    else expect(limit).toBeUndefined();
  });
});

describe('streamCapacity', () => {
  it('keeps a tenth of the open-file limit, at least 256 files, for the application', () => {
    expect(streamCapacity(20_000)).toBe(18_000);
    expect(streamCapacity(1_048_576)).toBe(943_718);
    expect(streamCapacity(4_096)).toBe(3_686);
    expect(streamCapacity(1_024)).toBe(768);
  });

  it('keeps at least half of a small limit for the application', () => {
    expect(streamCapacity(512)).toBe(256);
    expect(streamCapacity(300)).toBe(150);
    expect(streamCapacity(1)).toBe(1);
  });

  it('is 0 (no bound) when the limit is unknown', () => {
    expect(streamCapacity(undefined)).toBe(0);
  });
});

describe('connectionBound', () => {
  const logger = () => ({ log: jest.fn(), warn: jest.fn() });

  it('derives the bound from the open-file limit when maxConnections is 0, and says so', () => {
    const log = logger();
    expect(connectionBound(0, 20_000, log)).toBe(18_000);
    expect(log.log).toHaveBeenCalledWith(
      expect.stringContaining('at most 18000 streams'),
    );
    expect(connectionBound(0, undefined, log)).toBe(0);
    expect(log.warn).not.toHaveBeenCalled();
  });

  it('keeps a chosen maxConnections, warning when the open-file limit cannot hold it', () => {
    const log = logger();
    expect(connectionBound(500, 20_000, log)).toBe(500);
    expect(log.warn).not.toHaveBeenCalled();
    expect(connectionBound(19_000, 20_000, log)).toBe(19_000);
    expect(log.warn).toHaveBeenCalledWith(expect.stringContaining('EMFILE'));
  });
});
