/**
 * At most `limit` requests in any `window` milliseconds (a sliding window:
 * each accepted request counts until `window` has passed since it).
 * @publicApi
 */
export interface SseRateLimit {
  /** Requests allowed per window; 0 turns the limit off. 0 to 1 000 000. @default each limit's own (see {@link SseRateLimitOptions}) */
  limit?: number;
  /** The window in milliseconds. 1 000 (1 s) to 86 400 000 (24 h). @default 60_000 */
  window?: number;
}

/**
 * Rate limits of the library's routes, per caller, over a sliding window:
 * in this process with the memory transport, shared by every instance with
 * the Redis transport. A request over a limit gets
 * `429 { code: 'rate_limited' }` with `Retry-After` (the seconds until the
 * oldest counted request leaves the window, rounded up); refused requests do
 * not count. The defaults are far above what a browser does (an
 * `EventSource` reconnects every few seconds at most, and only after its
 * stream ended). Each limit is a {@link SseRateLimit}, or `false` to turn it
 * off.
 * @publicApi
 */
export interface SseRateLimitOptions {
  /**
   * Stream connects (`GET /<path>/stream`, and `SseStreams.open`) per user
   * (per tenant), checked after authentication.
   * @default { limit: 30, window: 60_000 }
   */
  connectsPerUser?: SseRateLimit | false;
  /**
   * Stream connects (`GET /<path>/stream`) per client address, checked
   * before authentication, so that requests with bad tokens count too. The
   * address is the platform's `request.ip`: the socket's remote address, or
   * with Express's `trust proxy` setting (`app.set('trust proxy', …)`) or
   * Fastify's `trustProxy` the client named by `X-Forwarded-For`. Behind a
   * proxy, set those, or every client shares the proxy's address.
   * @default { limit: 120, window: 60_000 }
   */
  connectsPerAddress?: SseRateLimit | false;
  /**
   * Admin publishes (`POST /<path>/publish`) per caller (the admin's user
   * id, per tenant). `SseBroker`'s own methods are never limited.
   * @default { limit: 600, window: 60_000 }
   */
  adminPublishes?: SseRateLimit | false;
}
