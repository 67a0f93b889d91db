// What the results were measured on, recorded with every run.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { CAN_PIN, childFdLimit } from './children.mjs';
import { placement } from './config.mjs';
import { ROOT_DIR } from './paths.mjs';

const readProc = (path) => {
  try {
    return readFileSync(path, 'utf8').trim().replace(/\s+/g, ' ');
  } catch {
    return null;
  }
};

const git = (...args) => {
  try {
    return execFileSync('git', args, {
      cwd: ROOT_DIR,
      encoding: 'utf8',
    }).trim();
  } catch {
    return null;
  }
};

/** Read from node_modules directly: some packages do not export their package.json. */
const versionOf = (name) => {
  try {
    return JSON.parse(
      readFileSync(
        join(ROOT_DIR, 'node_modules', name, 'package.json'),
        'utf8',
      ),
    ).version;
  } catch {
    return null;
  }
};

/** os.cpus() reports 0 MHz in some VMs; /proc/cpuinfo still knows. */
const cpuMHz = (cpus) =>
  cpus[0]?.speed ||
  Number(/cpu MHz\s*:\s*([\d.]+)/.exec(readProc('/proc/cpuinfo') ?? '')?.[1]) ||
  null;

export function environment() {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    cpuMHz: cpuMHz(cpus),
    memoryGB: Number((os.totalmem() / 2 ** 30).toFixed(1)),
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    /** Open files per child: WANTED_FD_LIMIT, or the hard limit when it is lower. */
    fdLimitPerProcess: childFdLimit(),
    kernel: {
      tcp_wmem: readProc('/proc/sys/net/ipv4/tcp_wmem'),
      tcp_rmem: readProc('/proc/sys/net/ipv4/tcp_rmem'),
      somaxconn: readProc('/proc/sys/net/core/somaxconn'),
      ip_local_port_range: readProc('/proc/sys/net/ipv4/ip_local_port_range'),
    },
    packages: {
      '@nestjs/core': versionOf('@nestjs/core'),
      rxjs: versionOf('rxjs'),
      'better-sse': versionOf('better-sse'),
      typescript: versionOf('typescript'),
    },
    git: {
      commit: git('rev-parse', 'HEAD'),
      /** The library as measured may include uncommitted changes. */
      libraryDirty: (git('status', '--porcelain', '--', 'libs') ?? '') !== '',
    },
    pinning: CAN_PIN ? placement(cpus.length) : null,
    topology:
      CAN_PIN && cpus.length >= 2
        ? `server pinned to core ${placement(cpus.length).server}, load generator(s) to core ${placement(cpus.length).load} (taskset); loopback 127.0.0.1 from source addresses 127.0.0.2 and up`
        : 'server and load generator(s) as separate processes on the same host, loopback (127.0.0.1), sharing its cores',
  };
}
