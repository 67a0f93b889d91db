import type {
  DynamicModule,
  INestApplication,
  ModuleMetadata,
} from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import {
  SseBroker,
  SseModule,
  type SseRootOptions,
  type SseWriter,
} from 'nestjs-sse-broker';
import { hold, release, starting, waitFor } from './resources.js';
import { StreamClient } from './sse-client.js';

export const TEST_SECRET = 'e2e-test-secret';
export const WRITERS: SseWriter[] = ['direct', 'nest'];
/** The HTTP platforms the library runs on; every library spec runs on both. */
export type TestAdapter = 'express' | 'fastify';
export const ADAPTERS: TestAdapter[] = ['express', 'fastify'];
/** Every writer on every adapter, as `describe.each` rows: `[writer, adapter]`. */
export const RUNS: Array<[SseWriter, TestAdapter]> = ADAPTERS.flatMap(
  (adapter) =>
    WRITERS.map((writer): [SseWriter, TestAdapter] => [writer, adapter]),
);

/** The module's options, plus the HTTP platform to run on (Express by default). */
export interface TestAppOptions extends SseRootOptions {
  adapter?: TestAdapter;
  /** Trust `X-Forwarded-For` from 127.0.0.1 (Express's `trust proxy`, Fastify's `trustProxy`). */
  trustProxy?: boolean;
}

export interface TestClaims {
  sub?: unknown;
  tid?: unknown;
  roles?: unknown;
  [claim: string]: unknown;
}

export interface TestApp {
  app: INestApplication;
  broker: SseBroker;
  baseUrl: string;
  url(path: string): string;
  token(
    claims?: TestClaims,
    options?: {
      expiresIn?: number;
      secret?: string;
      algorithm?: 'HS256' | 'HS512';
    },
  ): string;
  /** Opens the stream as `sub` (a token is minted) with optional topics and extra headers. */
  connect(
    claims?: TestClaims,
    query?: string,
    headers?: Record<string, string>,
  ): Promise<StreamClient>;
  close(): Promise<void>;
}

const jwt = new JwtService();

/**
 * Starts a real listening app with `SseModule.forRoot(options)` on 127.0.0.1,
 * on Express or, with `adapter: 'fastify'`, on Fastify. If anything after the app's creation fails, the app is closed before the
 * error is passed on; a started app is held (resources.ts) until `close()`,
 * or until the end of the file if the spec never closes it (its set-up hook
 * timed out, a test failed before its own clean-up).
 */
export function startApp(
  options: TestAppOptions = {},
  metadata: ModuleMetadata = {},
  module?: DynamicModule,
  setup?: (app: INestApplication) => void,
): Promise<TestApp> {
  return starting('startApp', start(options, metadata, module, setup));
}

async function start(
  { adapter = 'express', trustProxy = false, ...options }: TestAppOptions,
  metadata: ModuleMetadata,
  module: DynamicModule | undefined,
  setup: ((app: INestApplication) => void) | undefined,
): Promise<TestApp> {
  const moduleRef = await Test.createTestingModule({
    ...metadata,
    imports: [
      module ??
        SseModule.forRoot({
          auth: { secret: TEST_SECRET },
          // Every client of the suite is 127.0.0.1, mostly as one user: the
          // limits meant for browsers are off unless a spec sets them.
          rateLimits: false,
          ...options,
        }),
      ...(metadata.imports ?? []),
    ],
  }).compile();
  const app = onceClosable(
    adapter === 'fastify'
      ? moduleRef.createNestApplication(
          // Node's default (Express's), instead of Fastify's 72 s: a
          // connection whose stream the server ended then idles as long.
          new FastifyAdapter({
            keepAliveTimeout: 5_000,
            ...(trustProxy && { trustProxy: '127.0.0.1' }),
          }),
          { logger: ['error'] },
        )
      : moduleRef.createNestApplication({ logger: ['error'] }),
  );
  const clients: StreamClient[] = [];
  hold(app, 'a test app (startApp)', async () => {
    clients.forEach((c) => c.close());
    await app.close();
  });
  let baseUrl: string;
  let broker: SseBroker;
  try {
    if (trustProxy && adapter === 'express')
      (app as NestExpressApplication).set('trust proxy', 'loopback');
    setup?.(app);
    await app.listen(0, '127.0.0.1');
    baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    broker = app.get(SseBroker);
  } catch (err) {
    await release(app).catch(() => undefined);
    throw err;
  }
  const testApp: TestApp = {
    app,
    broker,
    baseUrl,
    url: (path) => `${baseUrl}${path}`,
    token: (claims = {}, opts = {}) =>
      jwt.sign(
        { sub: 'alice', roles: [], ...claims },
        {
          secret: opts.secret ?? TEST_SECRET,
          algorithm: opts.algorithm ?? 'HS256',
          ...(opts.expiresIn !== undefined && { expiresIn: opts.expiresIn }),
        },
      ),
    async connect(claims = {}, query = '', headers = {}) {
      const path =
        `/${options.path ?? 'sse'}/stream${query ? `?${query}` : ''}`.replace(
          '//',
          '/',
        );
      const client = await StreamClient.open(testApp.url(path), {
        authorization: `Bearer ${testApp.token(claims)}`,
        ...headers,
      });
      clients.push(client);
      return client;
    },
    close: () => release(app),
  };
  return testApp;
}

/**
 * Makes `app.close()` idempotent: a second call (the spec closed the app
 * itself, then the file's teardown) waits for the first instead of running
 * Nest's shutdown again.
 */
export function onceClosable<T extends INestApplication>(app: T): T {
  const close = app.close.bind(app);
  let closing: Promise<void> | undefined;
  app.close = () => (closing ??= close());
  return app;
}

/**
 * Waits until `condition` holds, checking every 5 ms; rejects with the
 * condition's source after `timeout` ms (WAIT_TIMEOUT by default), or as soon
 * as the test it belongs to ended.
 */
export function until(
  condition: () => boolean | Promise<boolean>,
  { timeout, label }: { timeout?: number; label?: string } = {},
): Promise<void> {
  return waitFor(
    `until ${label ?? condition.toString()}`,
    timeout,
    async (wait) => {
      while (!(await wait.race(condition())))
        await wait.race(new Promise((resolve) => setTimeout(resolve, 5)));
    },
  );
}

/** Now, in the whole seconds of a JWT's `iat` and `exp`. */
export const seconds = (): number => Math.floor(Date.now() / 1_000);

/** Resolves at `epochMs` (at once when it has passed). */
export const sleepUntil = (epochMs: number): Promise<void> =>
  new Promise((resolve) =>
    setTimeout(resolve, Math.max(0, epochMs - Date.now())),
  );
