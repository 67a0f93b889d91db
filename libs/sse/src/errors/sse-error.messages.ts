/**
 * Error-message factories. Each message says what is wrong and what to do.
 * @internal
 */
export const SSE_MESSAGES = {
  OPTION_OUT_OF_RANGE: (option: string, range: string, got: unknown) =>
    `option "${option}" must be ${range}; got ${describe(got)}.`,
  AUTH_NOT_CONFIGURED: () =>
    'no authentication configured: set "auth.secret" (HMAC) or "auth.publicKey" (RSA/ECDSA) to verify JWTs, or "authenticator" to use your own SseAuthenticator.',
  INVALID_USER_ID: (got: unknown) =>
    `user id must be a non-empty string without control characters; got ${describe(got)}.`,
  INVALID_TENANT_ID: (got: unknown) =>
    `tenant id must be a non-empty string without control characters when given; got ${describe(got)}. Leave it undefined for users without a tenant.`,
  INVALID_TOPIC: (got: unknown) =>
    `topic must be 1-128 characters of letters, digits and "_ . : - /"; got ${describe(got)}.`,
  TOPICS_DISABLED: () =>
    'topics are disabled (enableTopics: false): publish with sendToUser or broadcast, or enable topics in SseModule options.',
  INVALID_EVENT_NAME: (got: unknown) =>
    `event name must match [A-Za-z0-9_.:-]{1,64}; got ${describe(got)}.`,
  RESERVED_EVENT_NAME: (name: string, reserved: readonly string[]) =>
    `event name "${name}" is reserved by the stream (${reserved.join(', ')}); choose another name.`,
  PAYLOAD_TOO_LARGE: (bytes: number, max: number) =>
    `event data is ${bytes} bytes once serialised, over maxPayloadBytes (${max}). Send a reference (an id the client fetches) instead of the whole payload, or raise maxPayloadBytes.`,
  INVALID_IDEMPOTENCY_KEY: (got: unknown) =>
    `idempotencyKey must be 1-128 printable ASCII characters without spaces (an order id, a UUID); got ${describe(got)}.`,
  UNSERIALIZABLE_DATA: (reason: string) =>
    `event data must be a string or a JSON-serialisable value: ${reason}.`,
  EXTRA_FROM_FACTORY: (option: string) =>
    `option "${option}" decides which routes are declared, before any factory runs: pass it to forRootAsync({ ${option}, useFactory }) beside the factory, not from it.`,
  CLASS_FROM_FACTORY: (option: string) =>
    `option "${option}" from a forRootAsync factory must be an instance: add the class to "inject" (or build it from what the factory injects) and return the instance. A class is taken as is only by forRoot.`,
  TOPIC_AUTHORIZER_DEFAULT: () =>
    'no topicAuthorizer configured: every authenticated user may subscribe to every topic of its own tenant. Set "topicAuthorizer" to restrict topics.',
  TRANSPORT_UNAVAILABLE: (reason: string) =>
    `the Redis transport is unavailable (${reason}); retry later.`,
  TRANSPORT_START_FAILED: (reason: string) =>
    `could not start the Redis transport (${reason}). Check transport.url / transport.options and that Redis 7 or newer is reachable.`,
  SHUTTING_DOWN: () => 'The server is shutting down; reconnect later.',
  TOO_MANY_CONNECTIONS: () =>
    'This server has reached its connection limit; retry later.',
  USER_CONNECTION_LIMIT: (max: number) =>
    `At most ${max} streams per user are allowed; close another tab or window first.`,
  RATE_LIMITED: (
    what: string,
    limit: number,
    window: number,
    retryAfter: number,
  ) =>
    `Too many ${what} (at most ${limit} per ${window / 1_000} s); retry in ${retryAfter} s.`,
  RATE_LIMITER_UNAVAILABLE: (reason: string) =>
    `rate limits are not enforced while the transport cannot count them (${reason}); requests are let through until it can.`,
  REVOCATIONS_UNAVAILABLE: (reason: string) =>
    `revocations are not checked while the transport cannot be read (${reason}); credentials are accepted until it can.`,
  TOO_MANY_TOPICS: (count: number, max: number) =>
    `at most ${max} topics are allowed per stream (maxTopicsPerConnection); got ${count}.`,
  INVALID_REVOCATION_TTL: (got: unknown) =>
    `revokeUser's ttl must be an integer from 1000 to 31536000000 ms (the longest lifetime of your tokens); got ${describe(got)}.`,
  TOKEN_REVOKED: () =>
    'This token was revoked (the user signed out or was signed out); sign in again.',
  TOPIC_FORBIDDEN: (topic: string) =>
    `Not allowed to subscribe to topic "${topic}".`,
  QUERY_TOKEN_NOT_ALLOWED: () =>
    'Tokens in the URL are not accepted. Send "Authorization: Bearer <token>" or the token cookie.',
  PROM_CLIENT_MISSING: () =>
    'metrics need the "prom-client" package, an optional peer dependency: install it with "npm install prom-client", or turn the "metrics" option off.',
  METRIC_CONFLICT: (name: string) =>
    `the metrics registry already holds a metric named "${name}" of another type or with other labels: give the library's metrics a "metrics.prefix", or a registry of their own ("metrics.registry").`,
  IOREDIS_MISSING: () =>
    'transport { type: "redis" } needs the "ioredis" package, an optional peer dependency: install it with "npm install ioredis".',
  NEST_WRITER_NOT_TAKEN_OVER: (interceptors: readonly string[]) =>
    `writer 'nest': this version of @nestjs/core did not pipe a writer the library can take over, so the stream's events go through the route's Observable, where interceptors can alter or end them${interceptors.length > 0 ? ` (global interceptors: ${interceptors.join(', ')})` : ''}. Use writer 'direct', which interceptors do not reach.`,
  REDIS_TOO_OLD: (version: string) =>
    `Redis ${version} is too old: the transport needs Redis 7 or newer (stream max-deleted-entry-id, XRANGE exclusive ranges).`,
} as const;

function describe(value: unknown): string {
  if (typeof value === 'string') {
    return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
  }
  if (typeof value === 'bigint') return `${value}n`;
  if (value === undefined || typeof value === 'function') return String(value);
  try {
    return JSON.stringify(value) ?? typeof value;
  } catch {
    return Object.prototype.toString.call(value);
  }
}
