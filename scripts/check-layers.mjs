// Fails when a file of the library imports from a layer it may not use.
//
//   node scripts/check-layers.mjs
//
// The layers of libs/sse/src, and what each may import (besides itself).
// Imports run one way: http -> broker -> {stream, transport} -> core -> errors,
// with options and the auth contracts low. The files at the root (the module,
// its definition, providers, constants and index) wire everything together.
// testing/ (the `nestjs-sse-broker/testing` subpath) uses the public entry
// only, and nothing else imports it, so applications never load it.
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
  // The browser client (subpath `nestjs-sse-broker/client`, built on its own):
  // no Nest, RxJS or Node, so nothing else of the library.
  client: [],
  // The `nestjs-sse-broker/testing` subpath: a user of the public API.
  testing: ['public-api'],
  terminus: ['errors', 'options', 'core', 'broker'],
  '.': ['*'],
};

/** The package's main entry, which only `testing` may import (and nothing imports `testing`). */
const PUBLIC_API = 'index.ts';

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
/** Any import: the browser client ships as ES modules that a page loads without a bundler. */
const ANY_IMPORT =
  /(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)['"]([^'"]+)['"]/g;
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
  if (layer === 'client')
    for (const [, spec] of readFileSync(path, 'utf8').matchAll(ANY_IMPORT))
      if (!/^\.\/[^/]+\.js$/.test(spec))
        violations.push(
          `${file} imports ${spec}: the client imports only its own files, as "./<name>.js"`,
        );
  for (const [, spec] of readFileSync(path, 'utf8').matchAll(IMPORT)) {
    const target = relative(
      ROOT,
      resolve(dirname(path), spec.replace(/\.js$/, '.ts')),
    );
    const to = layerOf(target);
    if (to === 'testing' && layer !== 'testing') {
      violations.push(
        `${file} imports ${target}: only tests may load the testing subpath`,
      );
      continue;
    }
    if (to === layer || allowed.includes('*') || allowed.includes(to)) continue;
    if (allowed.includes('public-api') && target === PUBLIC_API) continue;
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
