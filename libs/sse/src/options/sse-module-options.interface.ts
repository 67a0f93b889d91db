import type { SseMetricsOptions } from './sse-metrics-options.interface.js';
import type { Type } from '@nestjs/common';
import type { SseAuthenticator } from '../auth/sse-authenticator.interface.js';
import type { SseTopicAuthorizer } from '../auth/sse-topic-authorizer.interface.js';
import type { SseAuthOptions } from './sse-auth-options.interface.js';
import type { SseRateLimitOptions } from './sse-rate-limit-options.interface.js';
import type {
  SseHistoryOptions,
  SseTransportOptions,
} from './sse-transport-options.interface.js';

/** Which per-connection writer serves `GET /<path>/stream`. @publicApi */
export type SseWriter = 'nest' | 'direct';

/**
 * Options of one registration that Nest needs before any provider exists
 * (they decide which routes are declared). They are given beside the other
 * options to `forRoot`, and beside `useFactory` to `forRootAsync`, never
 * from the factory.
 *
 * @publicApi
 */
export interface SseModuleExtras {
  /**
   * Register the module globally, so that `SseBroker` can be injected
   * everywhere without importing `SseModule` again.
   * @default false
   */
  isGlobal?: boolean;
  /**
   * Prefix of the built-in routes: the stream is `GET /<path>/stream`.
   * URL path characters; leading and trailing slashes are dropped.
   * @default 'sse'
   */
  path?: string;
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
   * Class decorators of the application applied to every controller of the
   * library (the stream, and the admin routes when mounted), so that the
   * application's own guards, interceptors and filters can tell the
   * library's routes apart. Typical: the `@Public()` that exempts a route
   * from an application-wide JWT guard (the library authenticates its routes
   * itself). They are applied before the library's own, so guards they add
   * run before the library's authentication.
   * @example
   * ```ts
   * export const Public = () => SetMetadata(IS_PUBLIC_KEY, true);
   * SseModule.forRoot({ auth, decorators: [Public()] })
   * ```
   * @default []
   */
  decorators?: readonly ClassDecorator[];
}

/**
 * Options of {@link SseModule}, as passed to `forRoot` (with the
 * {@link SseModuleExtras}) or returned by `forRootAsync`'s factory. Every
 * option has a default; invalid values fail the application's start-up
 * with a message naming the option.
 *
 * @publicApi
 */
export interface SseModuleOptions {
  /**
   * Events that may wait for one client (its socket is not taking more)
   * before the client counts as slow and is disconnected with reason
   * `slow_consumer`. 1 to 1 000 000.
   * @default 256
   */
  clientBufferSize?: number;
  /**
   * Bytes that may wait for one client, counting the frames queued for it and
   * what its socket holds that the kernel has not taken, before it is
   * disconnected with reason `slow_consumer`, however few the events. The
   * kernel's own send buffer for the socket comes on top (on Linux up to the
   * maximum of `net.ipv4.tcp_wmem`, 4 MiB by default). At least
   * `maxPayloadBytes`.
   * @default 1_048_576 (1 MiB)
   */
  clientBufferBytes?: number;
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
   * Open streams allowed on this instance; further ones get `503`. 0 = as
   * many as the process's open-file limit (`ulimit -n`, read at start-up
   * on Linux) allows, less a tenth of it (at least 256 files) kept for the
   * application's own files and sockets; unlimited where the limit cannot
   * be read.
   * @default 0
   */
  maxConnections?: number;
  /**
   * Open streams allowed per user (per tenant), on every instance together
   * with the Redis transport; further ones get `429`. The default leaves
   * room for a browser with several tabs and windows (one stream each) while
   * one token cannot hold the whole instance. 0 = unlimited.
   * @default 16
   */
  maxConnectionsPerUser?: number;
  /**
   * Topics one stream may subscribe to; more get `400`. 1 to 1 024.
   * @default 32
   */
  maxTopicsPerConnection?: number;
  /**
   * Largest serialised `data` of one event, in bytes (UTF-8). Larger
   * publishes throw `PayloadTooLargeError`. 1 to 16 MiB.
   * @default 65_536
   */
  maxPayloadBytes?: number;
  /**
   * Messages retained for Last-Event-ID replay, per target (each user, each
   * topic, each tenant's broadcast): at most `size` messages, none older than
   * `ttl` milliseconds, and at most `maxBytes` for all targets together with
   * the memory transport. `size: 0` turns replay off.
   * @default { size: 1_000, ttl: 86_400_000, maxBytes: 67_108_864 }
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
   * instead of arriving all at once. 0 to 600 000.
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
  /** JWT verification. Required unless `authenticator` is set. */
  auth?: SseAuthOptions;
  /**
   * Your own authentication, replacing JWT. With `forRoot`, an injectable
   * class implementing {@link SseAuthenticator} (registered in the module
   * with `useClass`, so it can inject the providers of the modules the
   * application makes visible to it: global ones, or `imports` of
   * `forRootAsync`); from a `forRootAsync` factory, an instance (build it
   * from the factory's `inject`).
   */
  authenticator?: Type<SseAuthenticator> | SseAuthenticator;
  /**
   * Decides whether a user may subscribe to a topic: a class or an instance
   * implementing {@link SseTopicAuthorizer}, given as for `authenticator`.
   * Without one, every topic is allowed inside the user's tenant (logged
   * once at start-up).
   */
  topicAuthorizer?: Type<SseTopicAuthorizer> | SseTopicAuthorizer;
  /**
   * Role (from the `roles` claim) required by the admin routes.
   * @default 'admin'
   */
  adminRole?: string;
  /**
   * Origins (`'https://app.example.com'`: scheme, host and port, no path)
   * whose pages may open a stream authenticated by a cookie, besides the
   * site's own. A stream request that carries cookies and no
   * `Authorization` header, with an `Origin` header of another origin, is
   * refused with `403 origin_not_allowed` before any stream header. A
   * same-origin `EventSource` sends no `Origin` (or the site's own, or
   * `Sec-Fetch-Site: same-origin`) and is never refused.
   * @default [] (the site's own origin only: the one the `Host` header names)
   */
  allowedOrigins?: string[];
  /**
   * Stream connects per user and per client address, and admin publishes
   * per caller, over sliding windows (shared by every instance with the
   * Redis transport); over a limit, `429 rate_limited` with `Retry-After`.
   * `false` turns every limit off. See {@link SseRateLimitOptions}.
   * @default { connectsPerUser: { limit: 30, window: 60_000 }, connectsPerAddress: { limit: 120, window: 60_000 }, adminPublishes: { limit: 600, window: 60_000 } }
   */
  rateLimits?: SseRateLimitOptions | false;

  /**
   * Prometheus metrics (`sse_…`, listed in docs/API.md) on prom-client's
   * default registry (`true`) or as {@link SseMetricsOptions} say. Needs the
   * `prom-client` package (an optional peer dependency); with metrics on and
   * prom-client missing, start-up fails. Off, nothing is loaded and nothing
   * extra runs per event.
   * @default false
   */
  metrics?: boolean | SseMetricsOptions;
}

/** What `SseModule.forRoot` takes: the options and the registration's extras. @publicApi */
export type SseRootOptions = SseModuleOptions & SseModuleExtras;
