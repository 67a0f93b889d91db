#!/usr/bin/env node
// `npm run demo:reset`: deletes the embedded database of the demo
// (PGLITE_DATA_DIR, default .data/pglite), so that the next start begins with
// the seeded users only. Stop the demo first.
import { existsSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';

const dir = process.env.PGLITE_DATA_DIR?.trim() || '.data/pglite';
if (dir === 'memory://') {
  console.log('PGLITE_DATA_DIR=memory:// keeps nothing: nothing to reset.');
} else if (!existsSync(resolve(dir))) {
  console.log(`No embedded database at ${resolve(dir)}: nothing to reset.`);
} else {
  rmSync(resolve(dir), { recursive: true, force: true });
  console.log(`Deleted the embedded database at ${resolve(dir)}.`);
}
