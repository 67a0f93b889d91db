import { jest } from '@jest/globals';
import type { Approval } from '../../src/approvals/approval.js';
import { DATABASES, type DemoApp, startDemo } from './demo-app.js';
import { START_TIMEOUT_MS } from './start-timeout.js';

const NUL = '\u0000';

describe.each(DATABASES)(
  'demo refuses text PostgreSQL cannot store (%s)',
  (kind) => {
    let demo: DemoApp;
    const tokens: Record<string, string> = {};
    beforeAll(async () => {
      demo = await startDemo(kind);
      for (const user of ['alice', 'bob', 'admin'])
        tokens[user] = await demo.login(user);
    }, START_TIMEOUT_MS);
    afterAll(() => demo?.close());

    const as = (user: string) => ({ Authorization: `Bearer ${tokens[user]}` });

    /** What the process writes to stdout and stderr while `work` runs. */
    async function output(work: () => Promise<void>): Promise<string> {
      const written: string[] = [];
      const capture = (chunk: unknown) => {
        written.push(String(chunk));
        return true;
      };
      const out = jest
        .spyOn(process.stdout, 'write')
        .mockImplementation(capture);
      const err = jest
        .spyOn(process.stderr, 'write')
        .mockImplementation(capture);
      try {
        await work();
      } finally {
        out.mockRestore();
        err.mockRestore();
      }
      return written.join('');
    }

    it('answers 400 to a NUL character in the login body, and logs nothing', async () => {
      const logged = await output(async () => {
        for (const body of [
          { username: `ali${NUL}ce`, password: 'password' },
          { username: 'alice', password: `pass${NUL}word` },
        ]) {
          const res = await demo.http().post('/auth/login').send(body);
          expect(res.status).toBe(400);
          expect(JSON.stringify(res.body)).not.toMatch(/at |error:|22021/);
        }
      });
      expect(logged).toBe('');
    });

    it('answers 400 to a NUL character in any text of notifications, approvals, decisions and announcements', async () => {
      const pending = (
        await demo
          .http()
          .post('/approvals')
          .set(as('alice'))
          .send({ title: 'ok', approverIds: ['bob'] })
      ).body as Approval;
      const attempts: Array<[string, string, string, object]> = [
        ['alice', '/notifications', 'title', { recipientId: 'bob', body: '' }],
        ['alice', '/notifications', 'body', { recipientId: 'bob', title: 't' }],
        ['alice', '/notifications', 'recipientId', { title: 't', body: '' }],
        ['alice', '/approvals', 'title', { approverIds: ['bob'] }],
        [
          'alice',
          '/approvals',
          'description',
          { title: 't', approverIds: ['bob'] },
        ],
        ['bob', `/approvals/${pending.id}/approve`, 'comment', {}],
        ['admin', '/announcements', 'title', { body: '' }],
        ['admin', '/announcements', 'body', { title: 't' }],
      ];
      const logged = await output(async () => {
        for (const [user, path, field, rest] of attempts) {
          const res = await demo
            .http()
            .post(path)
            .set(as(user))
            .send({ ...rest, [field]: `bad${NUL}text` });
          expect({ path, field, status: res.status }).toEqual({
            path,
            field,
            status: 400,
          });
        }
        const approvers = await demo
          .http()
          .post('/approvals')
          .set(as('alice'))
          .send({ title: 't', approverIds: [`bob${NUL}`] });
        expect(approvers.status).toBe(400);
      });
      expect(logged).toBe('');
      expect(
        (await demo.http().get(`/approvals/${pending.id}`).set(as('bob'))).body,
      ).toMatchObject({ status: 'pending' });
    });
  },
);
