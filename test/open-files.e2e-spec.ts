import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { startApp, WRITERS, type TestApp } from './utils/sse-test-app.js';

/** The soft and hard limits on open files of this process. */
function nofile(): [string, string] {
  const line = readFileSync('/proc/self/limits', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('Max open files'))!;
  const [soft, hard] = line.slice('Max open files'.length).trim().split(/\s+/);
  return [soft, hard];
}

function setNofile(soft: string, hard: string): void {
  execFileSync('prlimit', [`--pid=${process.pid}`, `--nofile=${soft}:${hard}`]);
}

const canLower =
  process.platform === 'linux' &&
  (() => {
    try {
      execFileSync('prlimit', ['--version']);
      return true;
    } catch {
      return false;
    }
  })();

/**
 * Stream clients in a process of their own (their sockets must not count
 * against the server's limit): opens `count` streams, prints one JSON line
 * describing every answer, and holds the streams until its stdin closes.
 */
const CLIENTS = `
const net = require('node:net');
const [port, token, count] = process.argv.slice(1);
const held = [];
function open() {
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), '127.0.0.1');
    let text = '';
    socket.setEncoding('latin1');
    socket.on('error', (err) => resolve({ error: err.code }));
    socket.on('close', () => resolve({ error: 'closed' }));
    socket.on('data', (chunk) => {
      text += chunk;
      const end = text.indexOf('\\r\\n\\r\\n');
      if (end < 0) return;
      const status = Number(text.slice(9, 12));
      if (status === 200) {
        held.push(socket);
        return resolve({ status });
      }
      const length = Number(/content-length: *(\\d+)/i.exec(text)?.[1]);
      if (text.length - end - 4 < length) return;
      resolve({
        status,
        retryAfter: /retry-after: *(\\S+)/i.exec(text)?.[1],
        body: JSON.parse(text.slice(end + 4)),
      });
      socket.destroy();
    });
    socket.write('GET /sse/stream HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\nAuthorization: Bearer ' + token + '\\r\\n\\r\\n');
  });
}
(async () => {
  const answers = [];
  for (let i = 0; i < Number(count); i += 50) {
    const batch = Math.min(50, Number(count) - i);
    answers.push(...(await Promise.all(Array.from({ length: batch }, open))));
  }
  process.stdout.write(JSON.stringify(answers) + '\\n');
  process.stdin.resume();
  process.stdin.on('end', () => process.exit(0));
})();
`;

interface Answer {
  status?: number;
  error?: string;
  retryAfter?: string;
  body?: { statusCode: number; code: string; message: string };
}

(canLower ? describe.each(WRITERS) : describe.skip.each(WRITERS))(
  'with maxConnections 0, under a low open-file limit (%s writer)',
  (writer) => {
    const original = nofile();
    let t: TestApp | undefined;
    let clients: ChildProcess | undefined;

    beforeAll(async () => {
      // The limit is read when the application starts.
      setNofile('512', original[1]);
      t = await startApp({ writer, maxConnectionsPerUser: 0 });
    });
    afterAll(async () => {
      clients?.stdin?.end();
      clients?.kill();
      await t?.close();
      setNofile(...original);
    });

    it('refuses streams beyond the limit less the headroom with 503 too_many_connections, and keeps answering other requests', async () => {
      clients = spawn(
        process.execPath,
        [
          '-e',
          CLIENTS,
          new URL(t!.baseUrl).port,
          t!.token({ sub: 'f' }),
          '300',
        ],
        { stdio: ['pipe', 'pipe', 'inherit'] },
      );
      const [line] = await createInterface({ input: clients.stdout! })
        [Symbol.asyncIterator]()
        .next()
        .then((r) => [r.value as string]);
      const answers = JSON.parse(line) as Answer[];

      // 512 files: 256 kept for the application, 256 for streams.
      const opened = answers.filter((a) => a.status === 200);
      const refused = answers.filter((a) => a.status !== 200);
      expect(opened).toHaveLength(256);
      expect(refused).toHaveLength(44);
      for (const answer of refused) {
        expect(answer.status).toBe(503);
        expect(answer.retryAfter).toBe('3');
        expect(answer.body).toMatchObject({
          statusCode: 503,
          code: 'too_many_connections',
        });
      }
      expect((await t!.broker.getStats()).totalClients).toBe(256);
      // The process still has files for everything else.
      expect((await fetch(t!.url('/elsewhere'))).status).toBe(404);
    });
  },
);
