import type {
  DynamicModule,
  INestApplication,
  ModuleMetadata,
} from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import {
  SseBroker,
  SseModule,
  type SseRootOptions,
  type SseWriter,
} from '@app/sse';
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
 * on Express or, with `adapter: 'fastify'`, on Fastify.
 */
export async function startApp(
  { adapter = 'express', ...options }: TestAppOptions = {},
  metadata: ModuleMetadata = {},
  module?: DynamicModule,
  setup?: (app: INestApplication) => void,
): Promise<TestApp> {
  const moduleRef = await Test.createTestingModule({
    ...metadata,
    imports: [
      module ??
        SseModule.forRoot({ auth: { secret: TEST_SECRET }, ...options }),
      ...(metadata.imports ?? []),
    ],
  }).compile();
  const app =
    adapter === 'fastify'
      ? moduleRef.createNestApplication(
          // Node's default (Express's), instead of Fastify's 72 s: a
          // connection whose stream the server ended then idles as long.
          new FastifyAdapter({ keepAliveTimeout: 5_000 }),
          { logger: ['error'] },
        )
      : moduleRef.createNestApplication({ logger: ['error'] });
  setup?.(app);
  await app.listen(0, '127.0.0.1');
  const baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const clients: StreamClient[] = [];
  const testApp: TestApp = {
    app,
    broker: app.get(SseBroker),
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
    async close() {
      clients.forEach((c) => c.close());
      await app.close();
    },
  };
  return testApp;
}

/** Waits until `condition` holds, checking once per event-loop turn (bounded by Jest's timeout). */
export async function until(
  condition: () => boolean | Promise<boolean>,
): Promise<void> {
  while (!(await condition()))
    await new Promise((resolve) => setTimeout(resolve, 5));
}
