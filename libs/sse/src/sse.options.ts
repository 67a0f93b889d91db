import { createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import type { Type } from '@nestjs/common';
import type { RedisOptions } from 'ioredis';
import type { SseAuthenticator } from './auth/sse-authenticator.interface.js';
import type { SseTopicAuthorizer } from './auth/sse-topic-authorizer.interface.js';
import { InvalidSseOptionsError } from './errors/invalid-sse-options.error.js';
import { SSE_MESSAGES } from './sse.messages.js';

/** JWT signature algorithms accepted by `auth.algorithms`. `none` is never accepted. */
export type SseJwtAlgorithm =
  | 'HS256'
  | 'HS384'
  | 'HS512'
  | 'RS256'
  | 'RS384'
  | 'RS512'
  | 'ES256'
  | 'ES384'
  | 'ES512'
  | 'PS256'
  | 'PS384'
  | 'PS512';

/**
 * How stream requests are authenticated with JWTs (verified by `@nestjs/jwt`).
 *
 * The token is read, in this order, from `Authorization: Bearer <token>`, from
 * the cookie `cookieName` (what a browser `EventSource` can send), and from the
 * `access_token` query parameter only when `allowQueryToken` is set.
 *
 * @publicApi
 */
export interface SseAuthOptions {
  /** HMAC secret. Exactly one of `secret` and `publicKey` is required. */
  secret?: string | Buffer;
  /** PEM public key for RSA / ECDSA / RSA-PSS signatures. */
  publicKey?: string | Buffer;
  /**
   * Accepted signature algorithms.
   * @default ['HS256', 'HS384', 'HS512'] with `secret`; the RS, ES and PS families with `publicKey`
   */
  algorithms?: SseJwtAlgorithm[];
  /** Required `iss` claim (one of). */
  issuer?: string | string[];
  /** Required `aud` claim (one of). */
  audience?: string | string[];
  /**
   * Seconds of clock skew tolerated when checking `exp` and `nbf`.
   * @default 0
   */
  clockTolerance?: number;
  /**
   * Cookie that may carry the token, for browsers whose `EventSource` cannot
   * set headers.
   * @default 'sse_token'
   */
  cookieName?: string;
  /**
   * Accept the token from the `access_token` query parameter. Off by default:
   * URLs end up in proxy and access logs (OWASP ASVS V3.1.1). When off, a
   * request carrying `access_token` is refused with `400 query_token_not_allowed`.
   * @default false
   */
  allowQueryToken?: boolean;
}

/** Retention for Last-Event-ID replay. @publicApi */
export interface SseHistoryOptions {
  /** Messages kept per target; 0 turns replay off. 0 to 100 000. @default 1_000 */
  size?: number;
  /** Milliseconds a message is kept; at least 1 000. @default 86_400_000 (24 h) */
  ttl?: number;
}

/** The default: one process, nothing shared. @publicApi */
export interface SseMemoryTransportOptions {
  type: 'memory';
}

/**
 * Many instances sharing one Redis (7 or newer; a single primary, with or
 * without Sentinel, not Redis Cluster): every published message gets one
 * cluster-wide id, is stored in the target's history stream and fanned out
 * to the instances whose clients need it. See docs/SCALING.md.
 * @publicApi
 */
export interface SseRedisTransportOptions {
  type: 'redis';
  /** `redis://[:password@]host:port[/db]` or `rediss://…`. One of `url` and `options` is required. */
  url?: string;
  /** ioredis options (host, port, password, tls, sentinels…); used with `url` as overrides. */
  options?: RedisOptions;
  /**
   * Prefix of every key and channel, so that several deployments can share
   * one Redis. @default 'sse:'
   */
  keyPrefix?: string;
  /**
   * Milliseconds a command (a publish, a history read, a presence update)
   * may take before it fails with `transport_unavailable`. @default 2_000
   */
  commandTimeout?: number;
  /**
   * Milliseconds between canary messages that this instance publishes to
   * itself; a subscriber that misses one is reconnected. @default 5_000
   */
  canaryInterval?: number;
  /**
   * Milliseconds after which presence entries (connections, online users,
   * instance stats) of an instance that stopped refreshing them expire.
   * They are refreshed every third of it. @default 30_000
   */
  presenceTtl?: number;
}

/** Where messages, history and presence live. @publicApi */
export type SseTransportOptions =
  SseMemoryTransportOptions | SseRedisTransportOptions;

/** Redis transport options after defaults. @internal */
export type ResolvedSseRedisTransportOptions = Required<
  Omit<SseRedisTransportOptions, 'url' | 'options'>
> &
  Pick<SseRedisTransportOptions, 'url' | 'options'>;

/** Which per-connection writer serves `GET /<path>/stream`. */
export type SseWriter = 'nest' | 'direct';

/**
 * Options of {@link SseModule}. Every option has a default; invalid values
 * fail the application's start-up with a message naming the option.
 *
 * @publicApi
 */
export interface SseModuleOptions {
  /**
   * Prefix of the built-in routes: the stream is `GET /<path>/stream`.
   * @default 'sse'
   */
  path?: string;
  /**
   * Events that may wait for one client (its socket is not taking more)
   * before the client counts as slow and is disconnected with reason
   * `slow_consumer`. At least 1.
   * @default 256
   */
  clientBufferSize?: number;
  /**
   * Milliseconds between `heartbeat` events, which keep proxies from closing
   * an idle stream and let clients detect a dead one. At least 1 000.
   * @default 30_000
   */
  heartbeatInterval?: number;
  /**
   * Milliseconds a stream may go without the socket accepting data before
   * it is considered dead and closed with reason `timeout`. At least twice
   * `heartbeatInterval`.
   * @default 300_000
   */
  clientTimeout?: number;
  /**
   * Reconnection delay in milliseconds sent to the client in the `retry:`
   * field when the stream opens.
   * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#concept-event-stream-reconnection-time
   * @default 3_000
   */
  retry?: number;
  /**
   * Allow topic subscriptions (`?topics=a,b`) and `sendToTopic`.
   * @default true
   */
  enableTopics?: boolean;
  /**
   * Open streams allowed on this instance; further ones get `503`. 0 = unlimited.
   * @default 0
   */
  maxConnections?: number;
  /**
   * Open streams allowed per user (per tenant) on this instance; further ones
   * get `429`. 0 = unlimited.
   * @default 0
   */
  maxConnectionsPerUser?: number;
  /**
   * Topics one stream may subscribe to; more get `400`. 1 to 1 024.
   * @default 32
   */
  maxTopicsPerConnection?: number;
  /**
   * Largest serialised `data` of one event, in bytes (UTF-8). Larger
   * publishes throw `PayloadTooLargeError`.
   * @default 65_536
   */
  maxPayloadBytes?: number;
  /**
   * Messages retained for Last-Event-ID replay, per target (each user, each
   * topic, each tenant's broadcast): at most `size` messages, none older than
   * `ttl` milliseconds. `size: 0` turns replay off.
   * @default { size: 1_000, ttl: 86_400_000 }
   */
  history?: SseHistoryOptions;
  /**
   * Milliseconds after which the server closes a stream with
   * `close {reason: 'max_age'}` and a jittered `retry:`, so that clients of a
   * long-lived instance move over time (e.g. after a rolling deploy). 0 = off;
   * otherwise at least 1 000.
   * @default 0
   */
  maxConnectionAge?: number;
  /**
   * Upper bound, in milliseconds, of the random delay added to `retry` in the
   * `close` events of `max_age` and `shutdown`, so that reconnects spread out
   * instead of arriving all at once.
   * @default 5_000
   */
  reconnectJitter?: number;
  /**
   * Where messages, history and presence live: `{ type: 'memory' }` (one
   * process) or `{ type: 'redis', url, keyPrefix }` to run several
   * instances behind a load balancer. The broker API, the wire format and
   * the delivery guarantees are the same with both.
   * @default { type: 'memory' }
   */
  transport?: SseTransportOptions;
  /** JWT verification. Required unless `authenticate` is set. */
  auth?: SseAuthOptions;
  /**
   * Your own authentication, replacing JWT: an injectable class implementing
   * {@link SseAuthenticator}. Looked up among the application's providers
   * first, otherwise instantiated with the module's injector.
   */
  authenticate?: Type<SseAuthenticator>;
  /**
   * Decides whether a user may subscribe to a topic: an injectable class
   * implementing {@link SseTopicAuthorizer}. Without one, every topic is
   * allowed inside the user's tenant (logged once at start-up).
   */
  topicAuthorizer?: Type<SseTopicAuthorizer>;
  /**
   * Which writer serves the stream: `'direct'` serialises each event once
   * and writes the same frame to every recipient; `'nest'` returns an
   * Observable from an `@Sse()` route and lets Nest write it.
   * @default 'direct'
   */
  writer?: SseWriter;
  /**
   * Mount `POST /<path>/publish`, `GET /<path>/stats`, `GET /<path>/online`
   * and `DELETE /<path>/clients/:id`, for callers with `adminRole`.
   * @default false
   */
  adminRoutes?: boolean;
  /**
   * Role (from the `roles` claim) required by the admin routes.
   * @default 'admin'
   */
  adminRole?: string;
}

/** Options after defaults are applied and validated. @internal */
export type ResolvedSseOptions = Required<
  Omit<
    SseModuleOptions,
    'auth' | 'authenticate' | 'topicAuthorizer' | 'history' | 'transport'
  >
> & {
  history: Required<SseHistoryOptions>;
  transport: SseMemoryTransportOptions | ResolvedSseRedisTransportOptions;
} & Pick<SseModuleOptions, 'authenticate' | 'topicAuthorizer'> & {
    auth?: SseAuthOptions & {
      cookieName: string;
      allowQueryToken: boolean;
      /** `secret` or `publicKey`, parsed once (jsonwebtoken would parse it on every verify). */
      key: KeyObject;
    };
  };

/**
 * Every default, in one place.
 * @publicApi
 */
export const DEFAULT_SSE_OPTIONS = Object.freeze({
  path: 'sse',
  clientBufferSize: 256,
  heartbeatInterval: 30_000,
  clientTimeout: 300_000,
  retry: 3_000,
  enableTopics: true,
  maxConnections: 0,
  maxConnectionsPerUser: 0,
  maxTopicsPerConnection: 32,
  maxPayloadBytes: 65_536,
  writer: 'direct' as SseWriter,
  history: Object.freeze({ size: 1_000, ttl: 86_400_000 }),
  transport: Object.freeze({ type: 'memory' }) as SseTransportOptions,
  redis: Object.freeze({
    keyPrefix: 'sse:',
    commandTimeout: 2_000,
    canaryInterval: 5_000,
    presenceTtl: 30_000,
  }),
  maxConnectionAge: 0,
  reconnectJitter: 5_000,
  adminRoutes: false,
  adminRole: 'admin',
  cookieName: 'sse_token',
});

const ALGORITHMS: readonly SseJwtAlgorithm[] = [
  'HS256',
  'HS384',
  'HS512',
  'RS256',
  'RS384',
  'RS512',
  'ES256',
  'ES384',
  'ES512',
  'PS256',
  'PS384',
  'PS512',
];

/**
 * Applies defaults and validates. Throws {@link InvalidSseOptionsError}
 * naming the first option out of range.
 * @internal
 */
export function resolveSseOptions(
  options: SseModuleOptions = {},
): ResolvedSseOptions {
  const d = DEFAULT_SSE_OPTIONS;
  const path = options.path ?? d.path;
  check(
    'path',
    typeof path === 'string' && /^[A-Za-z0-9_.~/-]*$/.test(path),
    'a string of URL path characters',
    path,
  );
  const heartbeatInterval = integer(
    'heartbeatInterval',
    options.heartbeatInterval,
    d.heartbeatInterval,
    1_000,
    2_147_483_647,
  );
  const resolved: ResolvedSseOptions = {
    path: path.replace(/^\/+|\/+$/g, ''),
    clientBufferSize: integer(
      'clientBufferSize',
      options.clientBufferSize,
      d.clientBufferSize,
      1,
      1_000_000,
    ),
    heartbeatInterval,
    clientTimeout: integer(
      'clientTimeout',
      options.clientTimeout,
      d.clientTimeout,
      2 * heartbeatInterval,
      2_147_483_647,
      `(2 x heartbeatInterval = ${2 * heartbeatInterval})`,
    ),
    retry: integer('retry', options.retry, d.retry, 0, 2_147_483_647),
    enableTopics: boolean(options, 'enableTopics', d.enableTopics),
    maxConnections: integer(
      'maxConnections',
      options.maxConnections,
      d.maxConnections,
      0,
      Number.MAX_SAFE_INTEGER,
      '(0 = unlimited)',
    ),
    maxConnectionsPerUser: integer(
      'maxConnectionsPerUser',
      options.maxConnectionsPerUser,
      d.maxConnectionsPerUser,
      0,
      Number.MAX_SAFE_INTEGER,
      '(0 = unlimited)',
    ),
    maxTopicsPerConnection: integer(
      'maxTopicsPerConnection',
      options.maxTopicsPerConnection,
      d.maxTopicsPerConnection,
      1,
      1_024,
    ),
    maxPayloadBytes: integer(
      'maxPayloadBytes',
      options.maxPayloadBytes,
      d.maxPayloadBytes,
      1,
      16 * 1024 * 1024,
    ),
    writer: options.writer ?? d.writer,
    history: {
      size: integer(
        'history.size',
        options.history?.size,
        d.history.size,
        0,
        100_000,
      ),
      ttl: integer(
        'history.ttl',
        options.history?.ttl,
        d.history.ttl,
        1_000,
        Number.MAX_SAFE_INTEGER,
      ),
    },
    maxConnectionAge: integer(
      'maxConnectionAge',
      options.maxConnectionAge,
      d.maxConnectionAge,
      0,
      2_147_483_647,
      '(0 = off, otherwise >= 1000)',
    ),
    reconnectJitter: integer(
      'reconnectJitter',
      options.reconnectJitter,
      d.reconnectJitter,
      0,
      600_000,
    ),
    transport: resolveTransport(options.transport ?? d.transport),
    adminRoutes: boolean(options, 'adminRoutes', d.adminRoutes),
    adminRole: options.adminRole ?? d.adminRole,
    authenticate: options.authenticate,
    topicAuthorizer: options.topicAuthorizer,
  };
  check(
    'maxConnectionAge',
    resolved.maxConnectionAge === 0 || resolved.maxConnectionAge >= 1_000,
    'an integer from 0 to 2147483647 (0 = off, otherwise >= 1000)',
    resolved.maxConnectionAge,
  );
  check(
    'writer',
    resolved.writer === 'nest' || resolved.writer === 'direct',
    "'nest' or 'direct'",
    resolved.writer,
  );
  check(
    'adminRole',
    typeof resolved.adminRole === 'string' && resolved.adminRole.length > 0,
    'a non-empty string',
    resolved.adminRole,
  );
  injectableClass('authenticate', options.authenticate, 'SseAuthenticator');
  injectableClass(
    'topicAuthorizer',
    options.topicAuthorizer,
    'SseTopicAuthorizer',
  );
  if (options.auth) {
    resolved.auth = resolveAuth(options.auth);
  } else if (!options.authenticate) {
    throw new InvalidSseOptionsError(SSE_MESSAGES.AUTH_NOT_CONFIGURED());
  }
  return resolved;
}

function resolveAuth(
  auth: SseAuthOptions,
): NonNullable<ResolvedSseOptions['auth']> {
  const hasSecret = auth.secret !== undefined && auth.secret.length > 0;
  const hasKey = auth.publicKey !== undefined && auth.publicKey.length > 0;
  check(
    'auth.secret',
    hasSecret !== hasKey,
    'set, non-empty, exactly when auth.publicKey is not',
    hasSecret ? '<secret>' : auth.secret,
  );
  const algorithms =
    auth.algorithms ??
    ALGORITHMS.filter((a) => a.startsWith('HS') === hasSecret);
  check(
    'auth.algorithms',
    Array.isArray(algorithms) &&
      algorithms.length > 0 &&
      algorithms.every(
        (a) => ALGORITHMS.includes(a) && a.startsWith('HS') === hasSecret,
      ),
    `a non-empty list of ${hasSecret ? 'HS256, HS384, HS512 (auth.secret is an HMAC key)' : 'RS*, ES*, PS* algorithms (auth.publicKey is an asymmetric key)'}`,
    algorithms,
  );
  const clockTolerance = auth.clockTolerance ?? 0;
  check(
    'auth.clockTolerance',
    Number.isInteger(clockTolerance) &&
      clockTolerance >= 0 &&
      clockTolerance <= 300,
    'an integer from 0 to 300 (seconds)',
    clockTolerance,
  );
  const cookieName = auth.cookieName ?? DEFAULT_SSE_OPTIONS.cookieName;
  check(
    'auth.cookieName',
    /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(cookieName),
    'a cookie name (RFC 6265 token)',
    cookieName,
  );
  let key: KeyObject | undefined;
  try {
    key = hasSecret
      ? createSecretKey(Buffer.from(auth.secret!))
      : createPublicKey(auth.publicKey!);
  } catch {
    // The key's text is not echoed: it may be a private key pasted by mistake.
  }
  check(
    'auth.publicKey',
    key !== undefined,
    'a PEM or DER public key or X.509 certificate',
    '<key>',
  );
  return {
    ...auth,
    algorithms,
    clockTolerance,
    cookieName,
    allowQueryToken: auth.allowQueryToken ?? false,
    key: key!,
  };
}

function resolveTransport(
  transport: SseTransportOptions,
): ResolvedSseOptions['transport'] {
  const type = (transport as { type?: unknown })?.type;
  check(
    'transport.type',
    type === 'memory' || type === 'redis',
    "'memory' or 'redis'",
    type,
  );
  if (transport.type === 'memory') return { type: 'memory' };
  const d = DEFAULT_SSE_OPTIONS.redis;
  check(
    'transport.url',
    (typeof transport.url === 'string' &&
      /^rediss?:\/\//.test(transport.url)) ||
      (transport.url === undefined && typeof transport.options === 'object'),
    'a redis:// or rediss:// URL (or set transport.options)',
    transport.url === undefined ? undefined : '<url>',
  );
  const keyPrefix = transport.keyPrefix ?? d.keyPrefix;
  check(
    'transport.keyPrefix',
    typeof keyPrefix === 'string' &&
      /^[A-Za-z0-9_.:{}-]{1,64}$/.test(keyPrefix),
    '1-64 characters of letters, digits and "_ . : - { }"',
    keyPrefix,
  );
  return {
    type: 'redis',
    url: transport.url,
    options: transport.options,
    keyPrefix,
    commandTimeout: integer(
      'transport.commandTimeout',
      transport.commandTimeout,
      d.commandTimeout,
      50,
      60_000,
    ),
    canaryInterval: integer(
      'transport.canaryInterval',
      transport.canaryInterval,
      d.canaryInterval,
      100,
      600_000,
    ),
    presenceTtl: integer(
      'transport.presenceTtl',
      transport.presenceTtl,
      d.presenceTtl,
      1_000,
      3_600_000,
    ),
  };
}

function integer(
  name: string,
  given: unknown,
  fallback: number,
  min: number,
  max: number,
  note = '',
): number {
  const value = given ?? fallback;
  const range =
    max >= Number.MAX_SAFE_INTEGER
      ? `an integer >= ${min}`
      : `an integer from ${min} to ${max}`;
  check(
    name,
    Number.isInteger(value) &&
      (value as number) >= min &&
      (value as number) <= max,
    note ? `${range} ${note}` : range,
    value,
  );
  return value as number;
}

function boolean(
  options: SseModuleOptions,
  name: keyof SseModuleOptions,
  fallback: boolean,
): boolean {
  const value = options[name] ?? fallback;
  check(name, typeof value === 'boolean', 'true or false', value);
  return value as boolean;
}

function injectableClass(
  name: string,
  value: unknown,
  implementing: string,
): void {
  check(
    name,
    value === undefined || typeof value === 'function',
    `an injectable class implementing ${implementing}`,
    value,
  );
}

function check(option: string, ok: boolean, range: string, got: unknown): void {
  if (!ok)
    throw new InvalidSseOptionsError(
      SSE_MESSAGES.OPTION_OUT_OF_RANGE(option, range, got),
    );
}
