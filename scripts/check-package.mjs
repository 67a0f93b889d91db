// Proves the package the way a user meets it: packs libs/sse, installs the
// tarball into a scratch Nest 12 application outside the workspace (with
// npm install, without ioredis), compiles that application under strict,
// exactOptionalPropertyTypes and noUncheckedIndexedAccess, and boots it on
// Express and on Fastify (scripts/consumer/app.ts); the browser client
// (nestjs-sse-broker/client) is compiled with it (client-check.ts). Cleans up
// after itself.
//
//   node scripts/check-package.mjs
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const rootPackage = JSON.parse(
  readFileSync(join(root, 'package.json'), 'utf8'),
);
const versionOf = (name) =>
  rootPackage.dependencies[name] ?? rootPackage.devDependencies[name];
const run = (command, args, cwd) =>
  execFileSync(command, args, { cwd, stdio: 'inherit', timeout: 600_000 });

const scratch = mkdtempSync(join(tmpdir(), 'nestjs-sse-broker-consumer-'));
try {
  const packed = execFileSync(
    'npm',
    [
      'pack',
      '-w',
      'nestjs-sse-broker',
      '--pack-destination',
      scratch,
      '--silent',
    ],
    { cwd: root, encoding: 'utf8' },
  )
    .trim()
    .split('\n')
    .pop();
  const tarball = join(scratch, packed);
  const app = join(scratch, 'app');
  cpSync(join(root, 'scripts/consumer'), app, { recursive: true });
  const dependencies = Object.fromEntries(
    [
      '@nestjs/common',
      '@nestjs/core',
      '@nestjs/platform-express',
      '@nestjs/platform-fastify',
      '@nestjs/jwt',
      'class-transformer',
      'class-validator',
      'reflect-metadata',
      'rxjs',
    ].map((name) => [name, versionOf(name)]),
  );
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify(
      {
        name: 'nestjs-sse-broker-consumer',
        private: true,
        type: 'module',
        dependencies: {
          ...dependencies,
          'nestjs-sse-broker': `file:${tarball}`,
        },
        devDependencies: {
          typescript: versionOf('typescript'),
          '@types/node': versionOf('@types/node'),
        },
      },
      null,
      2,
    ),
  );
  run(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      '--loglevel=error',
    ],
    app,
  );
  run('npx', ['tsc', '-p', 'tsconfig.json'], app);
  run('node', ['dist/app.js'], app);
  console.log(
    'package check: packed, installed, compiled strictly, booted on Express and Fastify, testing subpath used',
  );
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
