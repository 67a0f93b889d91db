import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { SseBroker } from '@app/sse';
import { AppModule } from '../../src/app.module.js';
import { configureApp } from '../../src/app.setup.js';
import { StreamClient } from '../utils/sse-client.js';

/** The databases every demo spec runs against. */
export const DATABASES = ['pglite', 'postgres'] as const;
export type DatabaseKind = (typeof DATABASES)[number];

const POSTGRES_URL =
  process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface DemoApp {
  app: INestApplication;
  broker: SseBroker;
  url(path: string): string;
  http(): ReturnType<typeof request>;
  /** Logs in a seeded user; returns the bearer token. */
  login(username: string): Promise<string>;
  /** Opens the user's stream, as the browser does with its cookie. */
  stream(token: string, query?: string): Promise<StreamClient>;
  close(): Promise<void>;
}

/** A schema of its own in the local PostgreSQL: its DATABASE_URL, and how to drop it. */
export async function createSchema(): Promise<{
  url: string;
  drop: () => Promise<void>;
}> {
  const schema = `demo_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  return {
    url: `${POSTGRES_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`,
    drop: async () => {
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      await client.query(`DROP SCHEMA ${schema} CASCADE`);
      await client.end();
    },
  };
}

/**
 * Starts the demo application on a real listening port, on a fresh database:
 * an in-memory PGlite, or a schema of its own in the local PostgreSQL. With
 * `env`, the application starts with those variables set (e.g. an existing
 * `DATABASE_URL` and `REDIS_URL`, to run several instances of one deployment).
 */
export async function startDemo(
  kind: DatabaseKind,
  env: Record<string, string> = {},
): Promise<DemoApp> {
  let dropSchema: (() => Promise<void>) | undefined;
  const vars: Record<string, string | undefined> = {
    DATABASE_URL: undefined,
    ...env,
  };
  if (kind === 'postgres' && !env.DATABASE_URL) {
    const schema = await createSchema();
    vars.DATABASE_URL = schema.url;
    dropSchema = schema.drop;
  }
  const previous = Object.fromEntries(
    Object.keys(vars).map((name) => [name, process.env[name]]),
  );
  const setEnv = (values: Record<string, string | undefined>) => {
    for (const [name, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
  setEnv(vars);
  const moduleRef = await Test.createTestingModule({
    imports: [AppModule],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: ['error'] });
  configureApp(app);
  try {
    await app.listen(0, '127.0.0.1');
  } finally {
    setEnv(previous);
  }
  const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const streams: StreamClient[] = [];

  const demo: DemoApp = {
    app,
    broker: app.get(SseBroker),
    url: (path) => `${base}${path}`,
    http: () => request(app.getHttpServer()),
    async login(username) {
      const res = await demo
        .http()
        .post('/auth/login')
        .send({ username, password: 'password' });
      if (res.status !== 200)
        throw new Error(
          `login ${username}: ${res.status} ${JSON.stringify(res.body)}`,
        );
      return (res.body as { access_token: string }).access_token;
    },
    async stream(token, query = '') {
      const client = await StreamClient.open(
        demo.url(`/sse/stream${query ? `?${query}` : ''}`),
        { cookie: `sse_token=${token}` },
      );
      streams.push(client);
      await client.waitForEvent('connected');
      return client;
    },
    async close() {
      streams.forEach((s) => s.close());
      await app.close();
      await dropSchema?.();
    },
  };
  return demo;
}
