import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Notification } from '../../src/notifications/notification.js';
import { type DemoApp, startDemo } from './demo-app.js';
import { START_TIMEOUT_MS } from './start-timeout.js';

const run = promisify(execFile);

async function titles(demo: DemoApp, user: string): Promise<string[]> {
  const res = await demo
    .http()
    .get('/notifications')
    .set('Authorization', `Bearer ${await demo.login(user)}`);
  expect(res.status).toBe(200);
  return (res.body as Notification[]).map((n) => n.title);
}

describe('demo on the embedded database kept in a directory', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'demo-pglite-'));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it(
    'lists after a restart what was stored before it, and starts empty after npm run demo:reset',
    async () => {
      const env = { PGLITE_DATA_DIR: join(dataDir, 'pglite') };
      const first = await startDemo('pglite', env);
      try {
        const sent = await first
          .http()
          .post('/notifications')
          .set('Authorization', `Bearer ${await first.login('alice')}`)
          .send({
            recipientId: 'bob',
            title: 'Kept across restarts',
            body: '',
          });
        expect(sent.status).toBe(201);
      } finally {
        await first.close();
      }

      const second = await startDemo('pglite', env);
      try {
        expect(await titles(second, 'bob')).toEqual(['Kept across restarts']);
      } finally {
        await second.close();
      }

      await run(process.execPath, ['scripts/demo-reset.mjs'], {
        env: { ...process.env, ...env },
      });
      const third = await startDemo('pglite', env);
      try {
        expect(await titles(third, 'bob')).toEqual([]);
      } finally {
        await third.close();
      }
    },
    START_TIMEOUT_MS * 3,
  );
});
