// Fails when a file of the library imports from a layer it may not use.
//
//   node scripts/check-layers.mjs
//
// The layers of libs/sse/src, and what each may import (besides itself).
// Imports run one way: http -> broker -> {stream, transport} -> core -> errors,
// with options and the auth contracts low. The files at the root (the module,
// its definition, providers, constants and index) wire everything together.
// Unit specs are test code and may import what they test from anywhere below
// the root. See docs/ARCHITECTURE.md.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../libs/sse/src');

const MAY_IMPORT = {
  errors: [],
  options: ['errors', 'auth-contracts'],
  core: ['errors'],
  auth: ['errors', 'options', 'core'],
  transport: ['errors', 'options', 'core'],
  stream: ['errors', 'options', 'core', 'auth'],
  metrics: ['errors', 'options', 'core'],
  broker: [
    'errors',
    'options',
    'core',
    'auth',
    'stream',
    'transport',
    'metrics',
  ],
  http: ['errors', 'options', 'core', 'auth', 'stream', 'broker'],
  terminus: ['errors', 'options', 'core', 'broker'],
  '.': ['*'],
};

/** The auth contracts that options may name: interfaces only. */
const isAuthContract = (file) =>
  file.startsWith(`auth${sep}`) && file.endsWith('.interface.ts');

function layerOf(file) {
  const first = file.split(sep)[0];
  return file.includes(sep) ? first : '.';
}

function* sources(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(path);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts'))
      yield path;
  }
}

const IMPORT =
  /(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)['"](\.{1,2}\/[^'"]+)['"]/g;
const violations = [];
let files = 0;
for (const path of sources(ROOT)) {
  files++;
  const file = relative(ROOT, path);
  const layer = layerOf(file);
  if (!(layer in MAY_IMPORT)) {
    violations.push(`${file}: folder "${layer}" is not a known layer`);
    continue;
  }
  const allowed = MAY_IMPORT[layer];
  for (const [, spec] of readFileSync(path, 'utf8').matchAll(IMPORT)) {
    const target = relative(
      ROOT,
      resolve(dirname(path), spec.replace(/\.js$/, '.ts')),
    );
    const to = layerOf(target);
    if (to === layer || allowed.includes('*') || allowed.includes(to)) continue;
    if (allowed.includes('auth-contracts') && isAuthContract(target)) continue;
    violations.push(`${file} imports ${target}: ${layer} may not import ${to}`);
  }
}

if (violations.length > 0) {
  console.error(`Imports that run against the layers (${violations.length}):`);
  for (const v of violations) console.error(`  ${v}`);
  process.exit(1);
}
console.log(`layers: ${files} files of libs/sse/src import only downwards`);
