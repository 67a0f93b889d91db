import type { INestApplication } from '@nestjs/common';
import type { SseAnyEvents, SseEventMap } from '../index.js';
import { type SseTestClient, TestStream } from './sse-test-client.js';
import {
  signerOf,
  signTestToken,
  sseOptionsOf,
  type SseTestIdentity,
  type SseTestSigner,
} from './sse-test-token.js';

/** How long a test client waits for an event unless told otherwise, in ms. @publicApi */
export const SSE_TEST_TIMEOUT = 5_000;

/**
 * How {@link connectSseTestClient} connects. Authenticate with exactly one of
 * `userId` (a token is signed for it), `token` (sent as
 * `Authorization: Bearer`), or only `headers` (a cookie, or what your own
 * authenticator reads).
 * @publicApi
 */
export interface SseTestClientOptions extends Partial<SseTestIdentity> {
  /** A token to send as `Authorization: Bearer <token>`, instead of signing one. */
  token?: string;
  /** Further request headers (sent as given; `token` and `userId` add `authorization`). */
  headers?: Record<string, string>;
  /** Topics to subscribe to (`?topics=`). */
  topics?: readonly string[];
  /** `Last-Event-ID` of the first request: resume after this id. */
  lastEventId?: string;
  /**
   * Path of the stream endpoint. By default `/<path>/stream` with the
   * application's `path` option (`/sse/stream` for a base URL); include a
   * global prefix if the application sets one.
   */
  path?: string;
  /**
   * The secret to sign `userId`'s token with, when connecting to a base
   * URL (with an application, its `auth` options are used).
   */
  secret?: string | Buffer;
  /**
   * Milliseconds each wait (the connection, `next`, `expectEvent`) lasts
   * unless told otherwise. Keep it below your test framework's timeout, so
   * that a missing event fails with this client's message.
   * @default 5_000
   */
  timeoutMs?: number;
}

/**
 * Opens a stream of a running application, as a user, for a test: signs a
 * token for `userId` with the secret the application's `SseModule` verifies
 * (or sends `token`, or only `headers`), reads the stream over `node:http`,
 * and resolves once the `connected` event arrived. Close it in your
 * `afterEach`.
 *
 * @example
 * ```ts
 * const client = await connectSseTestClient<AppEvents>(app, { userId: 'alice', tenantId: 'acme' });
 * await orders.ship('alice', order);
 * const shipped = await client.expectEvent('order.shipped', (o) => o.orderId === order.id);
 * await client.close();
 * ```
 * @param target the application, listening (`await app.listen(0)`), or its base URL
 * @publicApi
 */
export async function connectSseTestClient<
  Events extends SseEventMap = SseAnyEvents,
>(
  target: INestApplication | string | URL,
  options: SseTestClientOptions,
): Promise<SseTestClient<Events>> {
  const given = [options.userId, options.token].filter((v) => v !== undefined);
  if (given.length > 1)
    throw new Error(
      'connectSseTestClient: pass `userId` (a token is signed) or `token`, not both',
    );
  if (given.length === 0 && options.headers === undefined)
    throw new Error(
      'connectSseTestClient: pass `userId`, `token`, or the `headers` your authenticator reads',
    );
  const { base, path, signer } = await locate(target, options);
  const url = new URL(options.path ?? path, base);
  if (options.topics?.length)
    url.searchParams.set('topics', options.topics.join(','));
  const identity =
    options.userId === undefined
      ? undefined
      : { ...options, userId: options.userId };
  const headers = () => {
    const token =
      options.token ??
      (identity &&
        signTestToken(identity, signer ?? { secret: options.secret }));
    return {
      ...options.headers,
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    };
  };
  const client = new TestStream<Events>({
    url,
    headers,
    timeoutMs: options.timeoutMs ?? SSE_TEST_TIMEOUT,
  });
  await client.connect(options.lastEventId);
  return client;
}

async function locate(
  target: INestApplication | string | URL,
  options: SseTestClientOptions,
): Promise<{ base: string; path: string; signer?: SseTestSigner }> {
  if (typeof target === 'string' || target instanceof URL)
    return { base: String(target), path: '/sse/stream' };
  const resolved = sseOptionsOf(target);
  if (!resolved)
    throw new Error(
      'connectSseTestClient: the application has no SseModule (or pass its base URL)',
    );
  let base: string;
  try {
    base = await target.getUrl();
  } catch {
    throw new Error(
      'connectSseTestClient: the application is not listening; call `await app.listen(0)` first',
    );
  }
  const needsSigner =
    options.userId !== undefined && options.secret === undefined;
  return {
    base,
    path: `/${resolved.path}/stream`,
    signer: needsSigner ? signerOf(resolved) : undefined,
  };
}
