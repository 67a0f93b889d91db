import { generateKeyPairSync } from 'node:crypto';
import { InvalidSseOptionsError } from '../errors/invalid-sse-options.error.js';
import { resolveSseOptions } from './resolve-sse-options.js';
import type { SseRootOptions as SseModuleOptions } from './sse-module-options.interface.js';
import {
  DEFAULT_SSE_METRICS_OPTIONS,
  DEFAULT_SSE_OPTIONS,
} from './sse-options.defaults.js';

const auth = { secret: 'k' };
const { publicKey, privateKey } = generateKeyPairSync('ec', {
  namedCurve: 'P-256',
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});

describe('resolveSseOptions', () => {
  it('applies the documented defaults', () => {
    expect(resolveSseOptions({ auth })).toMatchObject({
      path: 'sse',
      clientBufferSize: 256,
      heartbeatInterval: 30_000,
      clientTimeout: 300_000,
      retry: 3_000,
      enableTopics: true,
      maxConnections: 0,
      maxConnectionsPerUser: 16,
      maxTopicsPerConnection: 32,
      maxPayloadBytes: 65_536,
      allowedOrigins: [],
      writer: DEFAULT_SSE_OPTIONS.writer,
      adminRoutes: false,
      adminRole: 'admin',
      auth: {
        secret: 'k',
        algorithms: ['HS256', 'HS384', 'HS512'],
        cookieName: 'sse_token',
        allowQueryToken: false,
        clockTolerance: 0,
      },
    });
  });

  it('leaves metrics off by default and fills in their defaults when turned on', () => {
    expect(resolveSseOptions({ auth }).metrics).toBe(false);
    expect(resolveSseOptions({ auth, metrics: true }).metrics).toEqual({
      registry: undefined,
      prefix: '',
      tenantLabel: false,
      buckets: {
        publishDuration: [
          ...DEFAULT_SSE_METRICS_OPTIONS.buckets.publishDuration,
        ],
        publishToWrite: [...DEFAULT_SSE_METRICS_OPTIONS.buckets.publishToWrite],
      },
    });
    const registry = {
      registerMetric: () => undefined,
      getSingleMetric: () => undefined,
    };
    expect(
      resolveSseOptions({
        auth,
        metrics: {
          registry,
          prefix: 'app_',
          tenantLabel: true,
          buckets: { publishToWrite: [0.1, 1] },
        },
      }).metrics,
    ).toMatchObject({
      registry,
      prefix: 'app_',
      tenantLabel: true,
      buckets: { publishToWrite: [0.1, 1] },
    });
  });

  it.each<[SseModuleOptions['metrics'], string]>([
    [
      'yes' as never,
      'option "metrics" must be true, false or an object of metrics options; got "yes".',
    ],
    [
      { registry: {} as never },
      'option "metrics.registry" must be a prom-client Registry',
    ],
    [
      { prefix: '9app_' },
      'option "metrics.prefix" must be up to 64 letters, digits, "_" and ":", not starting with a digit; got "9app_".',
    ],
    [
      { tenantLabel: 'yes' as never },
      'option "metrics.tenantLabel" must be true or false',
    ],
    [
      { buckets: { publishDuration: [1, 0.5] } },
      'option "metrics.buckets.publishDuration" must be 1 to 30 positive numbers (seconds) in ascending order; got [1,0.5].',
    ],
    [
      { buckets: { publishToWrite: [] } },
      'option "metrics.buckets.publishToWrite" must be 1 to 30 positive numbers',
    ],
  ])('refuses metrics %j naming the option', (metrics, message) => {
    expect(() => resolveSseOptions({ auth, metrics })).toThrow(message);
  });

  it('bounds what may wait for one client to 1 MiB by default', () => {
    expect(resolveSseOptions({ auth }).clientBufferBytes).toBe(1_048_576);
    expect(
      resolveSseOptions({
        auth,
        maxPayloadBytes: 4_194_304,
        clientBufferBytes: 4_194_304,
      }).clientBufferBytes,
    ).toBe(4_194_304);
  });

  it('bounds the in-memory history to 64 MiB by default', () => {
    expect(resolveSseOptions({ auth }).history).toEqual({
      size: 1_000,
      ttl: 86_400_000,
      maxBytes: 67_108_864,
    });
    expect(
      resolveSseOptions({ auth, history: { size: 10 } }).history.maxBytes,
    ).toBe(67_108_864);
  });

  it('defaults to asymmetric algorithms with a public key', () => {
    expect(resolveSseOptions({ auth: { publicKey } }).auth!.algorithms).toEqual(
      [
        'RS256',
        'RS384',
        'RS512',
        'ES256',
        'ES384',
        'ES512',
        'PS256',
        'PS384',
        'PS512',
      ],
    );
  });

  it('normalises the path', () => {
    expect(resolveSseOptions({ auth, path: '/api/events/' }).path).toBe(
      'api/events',
    );
  });

  it.each<[SseModuleOptions, string]>([
    [
      { clientBufferSize: 0 },
      'option "clientBufferSize" must be an integer from 1 to 1000000; got 0.',
    ],
    [{ clientBufferSize: 1.5 }, 'option "clientBufferSize"'],
    [
      { heartbeatInterval: 999 },
      'option "heartbeatInterval" must be an integer from 1000',
    ],
    [
      { heartbeatInterval: 5_000, clientTimeout: 9_999 },
      'option "clientTimeout" must be an integer from 10000 to 2147483647 (2 x heartbeatInterval = 10000); got 9999.',
    ],
    [{ retry: -1 }, 'option "retry"'],
    [
      { maxConnections: -1 },
      'option "maxConnections" must be an integer >= 0 (0 = bounded by the open-file limit); got -1.',
    ],
    [{ maxConnectionsPerUser: Number.NaN }, 'option "maxConnectionsPerUser"'],
    [
      { maxTopicsPerConnection: 0 },
      'option "maxTopicsPerConnection" must be an integer from 1 to 1024',
    ],
    [{ maxPayloadBytes: 0 }, 'option "maxPayloadBytes"'],
    [
      { clientBufferBytes: 1_000 },
      'option "clientBufferBytes" must be an integer >= 65536 (maxPayloadBytes = 65536); got 1000.',
    ],
    [
      { maxPayloadBytes: 2_097_152 },
      'option "clientBufferBytes" must be an integer >= 2097152 (maxPayloadBytes = 2097152); got 1048576.',
    ],
    [
      { enableTopics: 'yes' as unknown as boolean },
      'option "enableTopics" must be true or false',
    ],
    [{ path: 'has space' }, 'option "path"'],
    [
      { writer: 'fast' as 'nest' },
      `option "writer" must be 'nest' or 'direct'; got "fast".`,
    ],
    [{ adminRole: '' }, 'option "adminRole"'],
    [
      { history: { maxBytes: 65_536 } },
      'option "history.maxBytes" must be an integer >= 1048576 (bytes, 1 MiB); got 65536.',
    ],
    [
      { allowedOrigins: ['https://app.example.com/'] },
      `option "allowedOrigins" must be a list of origins, each a scheme, host and optional port such as 'https://app.example.com' (no path, no trailing slash, lower case); got ["https://app.example.com/"].`,
    ],
    [{ allowedOrigins: ['*'] }, 'option "allowedOrigins"'],
    [{ allowedOrigins: ['null'] }, 'option "allowedOrigins"'],
    [
      { allowedOrigins: 'https://a.example' as never },
      'option "allowedOrigins"',
    ],
    [{ auth: { secret: 'k', publicKey: 'p' } }, 'option "auth.secret"'],
    [{ auth: {} }, 'option "auth.secret"'],
    [
      { auth: { secret: 'k', algorithms: ['RS256'] } },
      'option "auth.algorithms"',
    ],
    [
      { auth: { secret: 'k', algorithms: ['none' as 'HS256'] } },
      'option "auth.algorithms"',
    ],
    [{ auth: { secret: 'k', cookieName: 'a b' } }, 'option "auth.cookieName"'],
    [
      { auth: { secret: 'k', clockTolerance: 3_600 } },
      'option "auth.clockTolerance"',
    ],
    [
      { authenticator: 'MyAuth' as never },
      'option "authenticator" must be an injectable class implementing SseAuthenticator, or an instance of one (with its authenticate() method)',
    ],
    [
      { transport: { type: 'kafka' } as never },
      `option "transport.type" must be 'memory' or 'redis'; got "kafka".`,
    ],
    [
      { transport: { type: 'redis', url: 'http://cache:6379' } },
      'option "transport.url" must be a redis:// or rediss:// URL (or set transport.options); got "<url>".',
    ],
    [{ transport: { type: 'redis' } }, 'option "transport.url"'],
    [
      { transport: { type: 'redis', url: 'redis://h', keyPrefix: 'a b' } },
      'option "transport.keyPrefix"',
    ],
    [
      { transport: { type: 'redis', url: 'redis://h', commandTimeout: 10 } },
      'option "transport.commandTimeout" must be an integer from 50 to 60000',
    ],
    [
      { transport: { type: 'redis', url: 'redis://h', presenceTtl: 500 } },
      'option "transport.presenceTtl"',
    ],
  ])(
    'refuses %j with a message naming the option and its range',
    (options, message) => {
      const run = () => resolveSseOptions({ auth, ...options });
      expect(run).toThrow(InvalidSseOptionsError);
      expect(run).toThrow(message);
    },
  );

  it('defaults to the memory transport and fills in the Redis defaults', () => {
    expect(resolveSseOptions({ auth }).transport).toEqual({ type: 'memory' });
    expect(
      resolveSseOptions({
        auth,
        transport: { type: 'redis', url: 'redis://:pw@cache:6379/2' },
      }).transport,
    ).toEqual({
      type: 'redis',
      url: 'redis://:pw@cache:6379/2',
      options: undefined,
      keyPrefix: 'sse:',
      commandTimeout: 2_000,
      canaryInterval: 5_000,
      presenceTtl: 30_000,
    });
  });

  it('never echoes a Redis URL (it may hold a password) in a message', () => {
    expect(() =>
      resolveSseOptions({
        auth,
        transport: { type: 'redis', url: 'http://:hunter2@cache' },
      }),
    ).toThrow(/^(?!.*hunter2)/s);
  });

  it('requires an authentication method', () => {
    expect(() => resolveSseOptions({})).toThrow('no authentication configured');
    expect(() =>
      resolveSseOptions({ authenticator: class {} as never }),
    ).not.toThrow();
  });

  it('parses the key once, at start-up', () => {
    expect(resolveSseOptions({ auth }).auth!.key.type).toBe('secret');
    expect(resolveSseOptions({ auth: { publicKey } }).auth!.key.type).toBe(
      'public',
    );
  });

  it('refuses a public key that is not one, without echoing it', () => {
    for (const key of ['not a key', privateKey.replace('PRIVATE', 'PUBLIC')]) {
      expect(() => resolveSseOptions({ auth: { publicKey: key } })).toThrow(
        /option "auth\.publicKey" must be a PEM or DER public key or X\.509 certificate; got "<key>"/,
      );
    }
  });

  it('never echoes the secret in a message', () => {
    expect(() =>
      resolveSseOptions({ auth: { secret: 'super-secret', publicKey: 'p' } }),
    ).toThrow(/<secret>/);
  });

  describe('rateLimits', () => {
    it('defaults to limits a browser never reaches', () => {
      expect(resolveSseOptions({ auth }).rateLimits).toEqual({
        connectsPerUser: { limit: 30, window: 60_000 },
        connectsPerAddress: { limit: 120, window: 60_000 },
        adminPublishes: { limit: 600, window: 60_000 },
      });
    });

    it('turns every limit off with false, and one with false or limit 0; a partial limit keeps the other default', () => {
      expect(resolveSseOptions({ auth, rateLimits: false }).rateLimits).toEqual(
        {
          connectsPerUser: false,
          connectsPerAddress: false,
          adminPublishes: false,
        },
      );
      expect(
        resolveSseOptions({
          auth,
          rateLimits: {
            connectsPerUser: false,
            connectsPerAddress: { limit: 0 },
            adminPublishes: { window: 10_000 },
          },
        }).rateLimits,
      ).toEqual({
        connectsPerUser: false,
        connectsPerAddress: false,
        adminPublishes: { limit: 600, window: 10_000 },
      });
    });

    it.each([
      [
        { connectsPerUser: { limit: -1 } },
        'option "rateLimits.connectsPerUser.limit" must be an integer from 0 to 1000000 (0 = off); got -1.',
      ],
      [
        { adminPublishes: { window: 500 } },
        'option "rateLimits.adminPublishes.window" must be an integer from 1000 to 86400000 (milliseconds); got 500.',
      ],
      [
        { connectsPerAddress: 10 },
        'option "rateLimits.connectsPerAddress" must be { limit, window }, or false; got 10.',
      ],
      [
        true,
        'option "rateLimits" must be an object of limits, or false; got true.',
      ],
    ])('refuses %j', (rateLimits, message) => {
      expect(() =>
        resolveSseOptions({ auth, rateLimits: rateLimits as never }),
      ).toThrow(message);
    });
  });
});
