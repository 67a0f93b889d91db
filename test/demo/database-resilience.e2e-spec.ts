import { Logger } from '@nestjs/common';
import { jest } from '@jest/globals';
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { TcpProxy } from '../utils/tcp-proxy.js';
import { createSchema, startDemo } from './demo-app.js';
import { START_TIMEOUT_MS } from './start-timeout.js';

const POSTGRES_URL =
  process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Runs one statement on a connection of its own (not the demo's). */
async function admin<T>(sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// PostgreSQL only: PGlite runs in the process and has no connection to lose.
describe('demo on PostgreSQL when connections drop', () => {
  it(
    'survives the termination of its idle connections: requests still succeed and open streams stay open',
    async () => {
      const schema = await createSchema();
      // A name of its own, so that only this demo's connections are terminated.
      const applicationName = `demo_${randomBytes(6).toString('hex')}`;
      const demo = await startDemo('postgres', {
        DATABASE_URL: `${schema.url}&application_name=${applicationName}`,
      });
      try {
        const [alice, bob] = [
          await demo.login('alice'),
          await demo.login('bob'),
        ];
        const stream = await demo.stream(bob);

        const terminated = await admin<{ pid: number }>(
          `SELECT pg_terminate_backend(pid) AS pid FROM pg_stat_activity
         WHERE application_name = $1 AND state = 'idle'`,
          [applicationName],
        );
        expect(terminated.length).toBeGreaterThan(0);
        await sleep(200);

        const sent = await demo
          .http()
          .post('/notifications')
          .set('Authorization', `Bearer ${alice}`)
          .send({ recipientId: 'bob', title: 'Still here', body: '' });
        expect(sent.status).toBe(201);
        expect((await stream.expectEvent('notification')).data).toMatchObject({
          title: 'Still here',
        });
        expect(stream.isOpen).toBe(true);
        expect((await demo.http().get('/health/ready')).body).toMatchObject({
          status: 'ok',
          details: { database: { status: 'up' } },
        });
      } finally {
        await demo.close();
        await schema.drop();
      }
    },
    START_TIMEOUT_MS,
  );

  it(
    'reports the database down on /health/ready while it cannot be reached, and up again once it can',
    async () => {
      const schema = await createSchema();
      const proxy = await TcpProxy.start(POSTGRES_URL);
      const port = new URL(proxy.url).port;
      const url = new URL(schema.url);
      url.host = `127.0.0.1:${port}`;
      const demo = await startDemo('postgres', {
        DATABASE_URL: url.toString(),
      });
      try {
        const token = await demo.login('alice');
        const stream = await demo.stream(token);
        expect((await demo.http().get('/health/ready')).status).toBe(200);

        proxy.cut();
        const down = await demo.http().get('/health/ready');
        expect(down.status).toBe(503);
        expect(down.body).toMatchObject({
          status: 'error',
          error: { database: { status: 'down', message: 'unreachable' } },
          details: { sse: { status: 'up' } },
        });
        expect(JSON.stringify(down.body)).not.toMatch(/127\.0\.0\.1|ECONN/);
        const failed = await demo
          .http()
          .get('/notifications')
          .set('Authorization', `Bearer ${token}`);
        expect(failed.status).toBe(503);
        expect(JSON.stringify(failed.body)).not.toMatch(/127\.0\.0\.1|ECONN/);

        proxy.restore();
        const up = await demo.http().get('/health/ready');
        expect(up.status).toBe(200);
        expect(up.body).toMatchObject({
          details: { database: { status: 'up' } },
        });
        await demo.broker.sendToUser('alice', 'marker', null, {
          tenantId: 'acme',
        });
        await stream.expectEvent('marker');
      } finally {
        await demo.close();
        await proxy.close();
        await schema.drop();
      }
    },
    START_TIMEOUT_MS,
  );

  it(
    'answers 503 database_unavailable with Retry-After while PostgreSQL is unreachable, logging the outage once and no stack trace',
    async () => {
      const schema = await createSchema();
      const proxy = await TcpProxy.start(POSTGRES_URL);
      const url = new URL(schema.url);
      url.host = `127.0.0.1:${new URL(proxy.url).port}`;
      const demo = await startDemo('postgres', {
        DATABASE_URL: url.toString(),
      });
      // Every line the demo logs, whatever the enabled levels.
      const logged: string[] = [];
      const record = (level: string) =>
        jest
          .spyOn(Logger.prototype, level as 'error')
          .mockImplementation(function (this: Logger, message: unknown) {
            logged.push(`${level} ${String(message)}`);
          });
      const spies = ['error', 'warn', 'log'].map(record);
      const staticError = jest
        .spyOn(Logger, 'error')
        .mockImplementation((message: unknown, ...rest: unknown[]) =>
          logged.push(`error ${String(message)} ${rest.join(' ')}`),
        );
      try {
        const alice = await demo.login('alice');
        proxy.cut();
        const requests = [
          demo
            .http()
            .get('/notifications')
            .set('Authorization', `Bearer ${alice}`),
          demo
            .http()
            .post('/notifications')
            .set('Authorization', `Bearer ${alice}`)
            .send({ recipientId: 'bob', title: 'Lost?', body: '' }),
          demo
            .http()
            .post('/auth/login')
            .send({ username: 'bob', password: 'password' }),
          demo.http().get('/approvals').set('Authorization', `Bearer ${alice}`),
        ];
        for (const pending of requests) {
          const res = await pending;
          expect(res.status).toBe(503);
          expect(res.headers['retry-after']).toBe('5');
          expect(res.body).toEqual({
            statusCode: 503,
            code: 'database_unavailable',
            message: 'The database is unavailable; retry in a few seconds.',
          });
        }
        const outage = logged.filter((l) => /unreachable|lost/.test(l));
        expect(outage).toHaveLength(1);
        expect(logged.join('\n')).not.toMatch(/\n\s+at |ExceptionsHandler/);

        proxy.restore();
        const back = await demo
          .http()
          .get('/notifications')
          .set('Authorization', `Bearer ${alice}`);
        expect(back.status).toBe(200);
        expect(logged.filter((l) => /reachable again/.test(l))).toHaveLength(1);
      } finally {
        spies.forEach((spy) => spy.mockRestore());
        staticError.mockRestore();
        await demo.close();
        await proxy.close();
        await schema.drop();
      }
    },
    START_TIMEOUT_MS,
  );
});
