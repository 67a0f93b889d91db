import { InvalidSseOptionsError } from './errors/invalid-sse-options.error.js';
import { SSE_MESSAGES } from './sse.messages.js';
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
    writer: 'direct',
    history: Object.freeze({ size: 1_000, ttl: 86_400_000 }),
    transport: Object.freeze({ type: 'memory' }),
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
const ALGORITHMS = [
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
export function resolveSseOptions(options = {}) {
    const d = DEFAULT_SSE_OPTIONS;
    const path = options.path ?? d.path;
    check('path', typeof path === 'string' && /^[A-Za-z0-9_.~/-]*$/.test(path), 'a string of URL path characters', path);
    const heartbeatInterval = integer('heartbeatInterval', options.heartbeatInterval, d.heartbeatInterval, 1_000, 2_147_483_647);
    const resolved = {
        path: path.replace(/^\/+|\/+$/g, ''),
        clientBufferSize: integer('clientBufferSize', options.clientBufferSize, d.clientBufferSize, 1, 1_000_000),
        heartbeatInterval,
        clientTimeout: integer('clientTimeout', options.clientTimeout, d.clientTimeout, 2 * heartbeatInterval, 2_147_483_647, `(2 x heartbeatInterval = ${2 * heartbeatInterval})`),
        retry: integer('retry', options.retry, d.retry, 0, 2_147_483_647),
        enableTopics: boolean(options, 'enableTopics', d.enableTopics),
        maxConnections: integer('maxConnections', options.maxConnections, d.maxConnections, 0, Number.MAX_SAFE_INTEGER, '(0 = unlimited)'),
        maxConnectionsPerUser: integer('maxConnectionsPerUser', options.maxConnectionsPerUser, d.maxConnectionsPerUser, 0, Number.MAX_SAFE_INTEGER, '(0 = unlimited)'),
        maxTopicsPerConnection: integer('maxTopicsPerConnection', options.maxTopicsPerConnection, d.maxTopicsPerConnection, 1, 1_024),
        maxPayloadBytes: integer('maxPayloadBytes', options.maxPayloadBytes, d.maxPayloadBytes, 1, 16 * 1024 * 1024),
        writer: options.writer ?? d.writer,
        history: {
            size: integer('history.size', options.history?.size, d.history.size, 0, 100_000),
            ttl: integer('history.ttl', options.history?.ttl, d.history.ttl, 1_000, Number.MAX_SAFE_INTEGER),
        },
        maxConnectionAge: integer('maxConnectionAge', options.maxConnectionAge, d.maxConnectionAge, 0, 2_147_483_647, '(0 = off, otherwise >= 1000)'),
        reconnectJitter: integer('reconnectJitter', options.reconnectJitter, d.reconnectJitter, 0, 600_000),
        transport: resolveTransport(options.transport ?? d.transport),
        adminRoutes: boolean(options, 'adminRoutes', d.adminRoutes),
        adminRole: options.adminRole ?? d.adminRole,
        authenticate: options.authenticate,
        topicAuthorizer: options.topicAuthorizer,
    };
    check('maxConnectionAge', resolved.maxConnectionAge === 0 || resolved.maxConnectionAge >= 1_000, 'an integer from 0 to 2147483647 (0 = off, otherwise >= 1000)', resolved.maxConnectionAge);
    check('writer', resolved.writer === 'nest' || resolved.writer === 'direct', "'nest' or 'direct'", resolved.writer);
    check('adminRole', typeof resolved.adminRole === 'string' && resolved.adminRole.length > 0, 'a non-empty string', resolved.adminRole);
    check('authenticate', options.authenticate === undefined ||
        typeof options.authenticate === 'function', 'an injectable class implementing SseAuthenticator', options.authenticate);
    check('topicAuthorizer', options.topicAuthorizer === undefined ||
        typeof options.topicAuthorizer === 'function', 'an injectable class implementing SseTopicAuthorizer', options.topicAuthorizer);
    if (options.auth) {
        resolved.auth = resolveAuth(options.auth);
    }
    else if (!options.authenticate) {
        throw new InvalidSseOptionsError(SSE_MESSAGES.AUTH_NOT_CONFIGURED());
    }
    return resolved;
}
function resolveAuth(auth) {
    const hasSecret = auth.secret !== undefined && auth.secret.length > 0;
    const hasKey = auth.publicKey !== undefined && auth.publicKey.length > 0;
    check('auth.secret', hasSecret !== hasKey, 'set, non-empty, exactly when auth.publicKey is not', hasSecret ? '<secret>' : auth.secret);
    const algorithms = auth.algorithms ??
        ALGORITHMS.filter((a) => a.startsWith('HS') === hasSecret);
    check('auth.algorithms', Array.isArray(algorithms) &&
        algorithms.length > 0 &&
        algorithms.every((a) => ALGORITHMS.includes(a) && a.startsWith('HS') === hasSecret), `a non-empty list of ${hasSecret ? 'HS256, HS384, HS512 (auth.secret is an HMAC key)' : 'RS*, ES*, PS* algorithms (auth.publicKey is an asymmetric key)'}`, algorithms);
    const clockTolerance = auth.clockTolerance ?? 0;
    check('auth.clockTolerance', Number.isInteger(clockTolerance) &&
        clockTolerance >= 0 &&
        clockTolerance <= 300, 'an integer from 0 to 300 (seconds)', clockTolerance);
    const cookieName = auth.cookieName ?? DEFAULT_SSE_OPTIONS.cookieName;
    check('auth.cookieName', /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(cookieName), 'a cookie name (RFC 6265 token)', cookieName);
    return {
        ...auth,
        algorithms,
        clockTolerance,
        cookieName,
        allowQueryToken: auth.allowQueryToken ?? false,
    };
}
function resolveTransport(transport) {
    const type = transport?.type;
    check('transport.type', type === 'memory' || type === 'redis', "'memory' or 'redis'", type);
    if (transport.type === 'memory')
        return { type: 'memory' };
    const d = DEFAULT_SSE_OPTIONS.redis;
    check('transport.url', (typeof transport.url === 'string' &&
        /^rediss?:\/\//.test(transport.url)) ||
        (transport.url === undefined && typeof transport.options === 'object'), 'a redis:// or rediss:// URL (or set transport.options)', transport.url === undefined ? undefined : '<url>');
    const keyPrefix = transport.keyPrefix ?? d.keyPrefix;
    check('transport.keyPrefix', typeof keyPrefix === 'string' &&
        /^[A-Za-z0-9_.:{}-]{1,64}$/.test(keyPrefix), '1-64 characters of letters, digits and "_ . : - { }"', keyPrefix);
    return {
        type: 'redis',
        url: transport.url,
        options: transport.options,
        keyPrefix,
        commandTimeout: integer('transport.commandTimeout', transport.commandTimeout, d.commandTimeout, 50, 60_000),
        canaryInterval: integer('transport.canaryInterval', transport.canaryInterval, d.canaryInterval, 100, 600_000),
        presenceTtl: integer('transport.presenceTtl', transport.presenceTtl, d.presenceTtl, 1_000, 3_600_000),
    };
}
function integer(name, given, fallback, min, max, note = '') {
    const value = given ?? fallback;
    const range = max >= Number.MAX_SAFE_INTEGER
        ? `an integer >= ${min}`
        : `an integer from ${min} to ${max}`;
    check(name, Number.isInteger(value) &&
        value >= min &&
        value <= max, note ? `${range} ${note}` : range, value);
    return value;
}
function boolean(options, name, fallback) {
    const value = options[name] ?? fallback;
    check(name, typeof value === 'boolean', 'true or false', value);
    return value;
}
function check(option, ok, range, got) {
    if (!ok)
        throw new InvalidSseOptionsError(SSE_MESSAGES.OPTION_OUT_OF_RANGE(option, range, got));
}
