import { resolve } from 'node:path';
import { pgliteDataDir } from './pglite-data-dir.js';

describe('pgliteDataDir', () => {
  it('keeps the data under the project by default, so that a restart finds it', () => {
    expect(pgliteDataDir({})).toBe(resolve('.data/pglite'));
    expect(pgliteDataDir({ PGLITE_DATA_DIR: ' ' })).toBe(
      resolve('.data/pglite'),
    );
  });

  it('uses PGLITE_DATA_DIR, and memory:// for no directory at all', () => {
    expect(pgliteDataDir({ PGLITE_DATA_DIR: '/var/lib/demo' })).toBe(
      '/var/lib/demo',
    );
    expect(pgliteDataDir({ PGLITE_DATA_DIR: 'memory://' })).toBe('memory://');
  });
});
