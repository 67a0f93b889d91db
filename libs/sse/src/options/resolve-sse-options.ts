import { createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import { InvalidSseOptionsError } from '../errors/invalid-sse-options.error.js';
import { SSE_MESSAGES } from '../errors/sse-error.messages.js';
import type {
  ResolvedSseAuthOptions,
  ResolvedSseOptions,
  ResolvedSseRateLimits,
  ResolvedSseRedisTransportOptions,
} from './resolved-sse-options.interface.js';
import type {
  SseAuthOptions,
  SseJwtAlgorithm,
} from './sse-auth-options.interface.js';
import type {
  ResolvedSseMetricsOptions,
  SseMetricsOptions,
} from './sse-metrics-options.interface.js';
import type { SseRootOptions } from './sse-module-options.interface.js';
import {
  DEFAULT_SSE_METRICS_OPTIONS,
  DEFAULT_SSE_OPTIONS,
  DEFAULT_SSE_REDIS_TRANSPORT_OPTIONS,
} from './sse-options.defaults.js';
import {
  applyRules,
  boolean,
  buckets,
  check,
  integer,
  matching,
  MAX_TIMER_MS,
  oneOf,
  type OptionRule,
  origins,
  pluggable,
} from './sse-option.rules.js';
import type { SseTransportOptions } from './sse-transport-options.interface.js';
import type { SseRateLimitOptions } from './sse-rate-limit-options.interface.js';

const UNBOUNDED = Number.MAX_SAFE_INTEGER;

/** The top-level options, in the order they are checked. */
const MODULE_RULES: Record<string, OptionRule> = {
  path: matching(
    /^[A-Za-z0-9_.~/-]*$/,
    'a string of URL path characters',
    (path) => path.replace(/^\/+|\/+$/g, ''),
  ),
  writer: oneOf('nest', 'direct'),
  adminRoutes: boolean,
  heartbeatInterval: integer(1_000, MAX_TIMER_MS),
  clientBufferSize: integer(1, 1_000_000),
  clientTimeout: integer(
    (r) => 2 * (r.heartbeatInterval as number),
    MAX_TIMER_MS,
    (r) => `(2 x heartbeatInterval = ${2 * (r.heartbeatInterval as number)})`,
  ),
  retry: integer(0, MAX_TIMER_MS),
  enableTopics: boolean,
  maxConnections: integer(
    0,
    UNBOUNDED,
    () => '(0 = bounded by the open-file limit)',
  ),
  maxConnectionsPerUser: integer(0, UNBOUNDED, () => '(0 = unlimited)'),
  maxTopicsPerConnection: integer(1, 1_024),
  maxPayloadBytes: integer(1, 16 * 1024 * 1024),
  clientBufferBytes: integer(
    (r) => r.maxPayloadBytes as number,
    UNBOUNDED,
    (r) => `(maxPayloadBytes = ${r.maxPayloadBytes as number})`,
  ),
  maxConnectionAge: integer(
    0,
    MAX_TIMER_MS,
    () => '(0 = off, otherwise >= 1000)',
    (age) => age === 0 || age >= 1_000,
  ),
  reconnectJitter: integer(0, 600_000),
  adminRole: matching(/^.+$/s, 'a non-empty string'),
  allowedOrigins: origins,
  authenticator: pluggable('authenticate', 'SseAuthenticator'),
  topicAuthorizer: pluggable('canSubscribe', 'SseTopicAuthorizer'),
};

const HISTORY_RULES: Record<string, OptionRule> = {
  size: integer(0, 100_000),
  ttl: integer(1_000, UNBOUNDED),
  maxBytes: integer(1_048_576, UNBOUNDED, () => '(bytes, 1 MiB)'),
};

const REDIS_RULES: Record<string, OptionRule> = {
  keyPrefix: matching(
    /^[A-Za-z0-9_.:{}-]{1,64}$/,
    '1-64 characters of letters, digits and "_ . : - { }"',
  ),
  commandTimeout: integer(50, 60_000),
  canaryInterval: integer(100, 600_000),
  presenceTtl: integer(1_000, 3_600_000),
};

const RATE_LIMIT_RULES: Record<string, OptionRule> = {
  limit: integer(0, 1_000_000, () => '(0 = off)'),
  window: integer(1_000, 86_400_000, () => '(milliseconds)'),
};

const METRICS_RULES: Record<string, OptionRule> = {
  prefix: matching(
    /^(?:[A-Za-z_:][A-Za-z0-9_:]{0,63})?$/,
    'up to 64 letters, digits, "_" and ":", not starting with a digit',
  ),
  tenantLabel: boolean,
};

const BUCKET_RULES: Record<string, OptionRule> = {
  publishDuration: buckets,
  publishToWrite: buckets,
};

const AUTH_RULES: Record<string, OptionRule> = {
  clockTolerance: integer(0, 300, () => '(seconds)'),
  cookieName: matching(
    /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/,
    'a cookie name (RFC 6265 token)',
  ),
  allowQueryToken: boolean,
};

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
 * naming the first option out of range; secrets, keys and URLs are never
 * echoed.
 * @internal
 */
export function resolveSseOptions(
  options: SseRootOptions = {},
): ResolvedSseOptions {
  const resolved = applyRules<ResolvedSseOptions>(
    '',
    options,
    DEFAULT_SSE_OPTIONS,
    MODULE_RULES,
  );
  resolved.history = applyRules(
    'history.',
    options.history,
    DEFAULT_SSE_OPTIONS.history,
    HISTORY_RULES,
  );
  resolved.transport = resolveTransport(
    options.transport ?? DEFAULT_SSE_OPTIONS.transport,
  );
  resolved.rateLimits = resolveRateLimits(options.rateLimits);
  resolved.metrics = resolveMetrics(options.metrics ?? false);
  if (options.auth) {
    resolved.auth = resolveAuth(options.auth);
  } else if (!options.authenticator) {
    throw new InvalidSseOptionsError(SSE_MESSAGES.AUTH_NOT_CONFIGURED());
  }
  return resolved;
}

function resolveTransport(
  transport: SseTransportOptions,
): ResolvedSseOptions['transport'] {
  const type = (transport as { type?: unknown } | undefined)?.type;
  check(
    'transport.type',
    type === 'memory' || type === 'redis',
    "'memory' or 'redis'",
    type,
  );
  if (transport.type === 'memory') return { type: 'memory' };
  check(
    'transport.url',
    (typeof transport.url === 'string' &&
      /^rediss?:\/\//.test(transport.url)) ||
      (transport.url === undefined && typeof transport.options === 'object'),
    'a redis:// or rediss:// URL (or set transport.options)',
    transport.url === undefined ? undefined : '<url>',
  );
  return {
    type: 'redis',
    url: transport.url,
    options: transport.options,
    ...applyRules<Omit<ResolvedSseRedisTransportOptions, 'type'>>(
      'transport.',
      transport,
      DEFAULT_SSE_REDIS_TRANSPORT_OPTIONS,
      REDIS_RULES,
    ),
  };
}

function resolveRateLimits(
  given: SseRateLimitOptions | false | undefined,
): ResolvedSseRateLimits {
  check(
    'rateLimits',
    given === undefined ||
      given === false ||
      (typeof given === 'object' && given !== null),
    'an object of limits, or false',
    given,
  );
  const defaults = DEFAULT_SSE_OPTIONS.rateLimits;
  const resolved = {} as ResolvedSseRateLimits;
  for (const name of Object.keys(defaults) as (keyof typeof defaults)[]) {
    const limit = given === false ? false : given?.[name];
    check(
      `rateLimits.${name}`,
      limit === undefined ||
        limit === false ||
        (typeof limit === 'object' && limit !== null),
      '{ limit, window }, or false',
      limit,
    );
    const checked =
      limit === false
        ? false
        : applyRules<{ limit: number; window: number }>(
            `rateLimits.${name}.`,
            limit,
            defaults[name],
            RATE_LIMIT_RULES,
          );
    resolved[name] = checked && checked.limit > 0 ? checked : false;
  }
  return resolved;
}

function resolveMetrics(
  metrics: boolean | SseMetricsOptions,
): ResolvedSseMetricsOptions | false {
  check(
    'metrics',
    typeof metrics === 'boolean' ||
      (typeof metrics === 'object' && metrics !== null),
    'true, false or an object of metrics options',
    typeof metrics === 'object' ? '<object>' : metrics,
  );
  if (metrics === false) return false;
  const given = metrics === true ? {} : metrics;
  const { registry } = given;
  check(
    'metrics.registry',
    registry === undefined ||
      (typeof registry === 'object' &&
        registry !== null &&
        typeof registry.registerMetric === 'function' &&
        typeof registry.getSingleMetric === 'function'),
    "a prom-client Registry (or omit it for prom-client's default one)",
    '<object>',
  );
  const resolved = applyRules<Omit<ResolvedSseMetricsOptions, 'buckets'>>(
    'metrics.',
    given,
    DEFAULT_SSE_METRICS_OPTIONS,
    METRICS_RULES,
  );
  const defaults = DEFAULT_SSE_METRICS_OPTIONS.buckets;
  return {
    registry,
    ...resolved,
    buckets: applyRules<ResolvedSseMetricsOptions['buckets']>(
      'metrics.buckets.',
      given.buckets,
      {
        publishDuration: [...defaults.publishDuration],
        publishToWrite: [...defaults.publishToWrite],
      },
      BUCKET_RULES,
    ),
  };
}

function resolveAuth(auth: SseAuthOptions): ResolvedSseAuthOptions {
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
  const checked = applyRules<
    Pick<
      ResolvedSseAuthOptions,
      'clockTolerance' | 'cookieName' | 'allowQueryToken'
    >
  >('auth.', auth, DEFAULT_SSE_OPTIONS.auth, AUTH_RULES);
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
  return { ...auth, algorithms, ...checked, key: key! };
}
