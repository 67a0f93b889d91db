import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { SseBroker } from 'nestjs-sse-broker';
import {
  connectSseTestClient,
  type SseTestClient,
  type SseTestClientOptions,
} from 'nestjs-sse-broker/testing';
import { AppModule } from '../../src/app.module.js';
import { configureApp } from '../../src/app.setup.js';
import type { AppEvents } from '../../src/live/app-events.js';
import { hold, release, starting } from '../utils/resources.js';
import { onceClosable } from '../utils/sse-test-app.js';

/** The databases every demo spec runs against. */
export const DATABASES = ['pglite', 'postgres'] as const;
export type DatabaseKind = (typeof DATABASES)[number];

/** How long a stream waits for an event: below Jest's 20 s, so a missing event fails with the kit's message. */
const STREAM_WAIT_MS = 15_000;

const POSTGRES_URL =
  process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * What the demo's streams carry, as its specs read them: the demo's events,
 * and `marker`, which specs publish to know that what was sent before it
 * has arrived.
 */
export interface DemoStreamEvents extends AppEvents {
  marker: null;
}

/** A stream of the demo, read with the package's testing kit. */
export type DemoStream = SseTestClient<DemoStreamEvents>;

export interface DemoApp {
  app: INestApplication;
  broker: SseBroker;
  url(path: string): string;
  http(): ReturnType<typeof request>;
  /** Logs in a seeded user; returns the bearer token. */
  login(username: string): Promise<string>;
  /** Opens the user's stream, as the browser does with its cookie. */
  stream(token: string, topics?: readonly string[]): Promise<DemoStream>;
  /** Opens a stream with the testing kit's options (a route of the demo's own: `path`). */
  connect(options: SseTestClientOptions): Promise<DemoStream>;
  close(): Promise<void>;
}

/**
 * A schema of its own in the local PostgreSQL: its DATABASE_URL, and how to
 * drop it. The schema is held (test/utils/resources.ts): dropped at the end
 * of the file at the latest; `drop()` is idempotent.
 */
export function createSchema(): Promise<{
  url: string;
  drop: () => Promise<void>;
}> {
  return starting('createSchema', makeSchema());
}

async function makeSchema(): Promise<{
  url: string;
  drop: () => Promise<void>;
}> {
  const schema = `demo_${randomBytes(6).toString('hex')}`;
  await admin(`CREATE SCHEMA ${schema}`);
  const key = { schema };
  hold(key, `PostgreSQL schema ${schema}`, () =>
    admin(`DROP SCHEMA IF EXISTS ${schema} CASCADE`),
  );
  return {
    url: `${POSTGRES_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`,
    drop: () => release(key),
  };
}

/** Runs one statement on its own connection, which is closed whatever happens. */
async function admin(sql: string): Promise<void> {
  const client = new pg.Client({
    connectionString: POSTGRES_URL,
    connectionTimeoutMillis: 10_000,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query(sql);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Starts one at a time: each sets process.env for the duration of its start. */
let envLock: Promise<void> = Promise.resolve();

/**
 * Starts the demo application on a real listening port, on a fresh database:
 * an in-memory PGlite (unless `env` names a `PGLITE_DATA_DIR`), or a schema of its own in the local PostgreSQL,
 * on the memory transport (unless `env` names a `REDIS_URL`). With
 * `env`, the application starts with those variables set (e.g. an existing
 * `DATABASE_URL` and `REDIS_URL`, to run several instances of one deployment).
 *
 * If anything fails after something was started, what was started (the app,
 * the schema) is released before the error is passed on. A started demo is
 * held until `close()`, or the end of the file if the spec never closes it
 * (its set-up hook timed out, a test failed before its own clean-up).
 */
export function startDemo(
  kind: DatabaseKind,
  env: Record<string, string> = {},
): Promise<DemoApp> {
  return starting(`startDemo(${kind})`, start(kind, env));
}

async function start(
  kind: DatabaseKind,
  env: Record<string, string>,
): Promise<DemoApp> {
  const key = { kind };
  const streams: DemoStream[] = [];
  let dropSchema: (() => Promise<void>) | undefined;
  let app: INestApplication | undefined;
  const vars: Record<string, string | undefined> = {
    DATABASE_URL: undefined,
    // The memory transport unless the spec names a Redis (and its own
    // prefix): a REDIS_URL of the environment (CI exports one) would make
    // every spec share the deployment's keys: revocations, rate limits.
    REDIS_URL: undefined,
    SSE_REDIS_PREFIX: undefined,
    // A fresh database for each start, never the demo's own directory.
    PGLITE_DATA_DIR: 'memory://',
    ...env,
  };
  if (kind === 'postgres' && !env.DATABASE_URL) {
    const schema = await createSchema();
    vars.DATABASE_URL = schema.url;
    dropSchema = schema.drop;
  }
  // Held after the schema, so released before it (newest first).
  hold(key, `demo app (${kind})`, async () => {
    await Promise.all(streams.map((s) => s.close()));
    await app?.close();
    await dropSchema?.();
  });
  try {
    const before = envLock;
    let unlock!: () => void;
    envLock = new Promise((resolve) => (unlock = resolve));
    await before;
    const previous = Object.fromEntries(
      Object.keys(vars).map((name) => [name, process.env[name]]),
    );
    try {
      setEnv(vars);
      const moduleRef = await Test.createTestingModule({
        imports: [AppModule],
      }).compile();
      app = onceClosable(
        moduleRef.createNestApplication({ logger: ['error'] }),
      );
      configureApp(app);
      await app.listen(0, '127.0.0.1');
    } finally {
      setEnv(previous);
      unlock();
    }
    const started = app;
    const base = (await started.getUrl()).replace('[::1]', '127.0.0.1');

    const demo: DemoApp = {
      app: started,
      broker: started.get(SseBroker),
      url: (path) => `${base}${path}`,
      http: () => request(started.getHttpServer()),
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
      stream: (token, topics) =>
        demo.connect({ headers: { cookie: `sse_token=${token}` }, topics }),
      async connect(options) {
        const client = await connectSseTestClient<DemoStreamEvents>(started, {
          timeoutMs: STREAM_WAIT_MS,
          ...options,
        });
        streams.push(client);
        return client;
      },
      close: () => release(key),
    };
    return demo;
  } catch (err) {
    await release(key).catch(() => undefined);
    throw err;
  }
}

function setEnv(values: Record<string, string | undefined>): void {
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
}
