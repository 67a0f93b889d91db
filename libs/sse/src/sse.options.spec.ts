import { InvalidSseOptionsError } from './errors/invalid-sse-options.error.js';
import {
  DEFAULT_SSE_OPTIONS,
  resolveSseOptions,
  type SseModuleOptions,
} from './sse.options.js';

const auth = { secret: 'k' };

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
      maxConnectionsPerUser: 0,
      maxTopicsPerConnection: 32,
      maxPayloadBytes: 65_536,
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

  it('defaults to asymmetric algorithms with a public key', () => {
    expect(
      resolveSseOptions({ auth: { publicKey: 'pem' } }).auth!.algorithms,
    ).toEqual([
      'RS256',
      'RS384',
      'RS512',
      'ES256',
      'ES384',
      'ES512',
      'PS256',
      'PS384',
      'PS512',
    ]);
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
      'option "maxConnections" must be an integer >= 0 (0 = unlimited); got -1.',
    ],
    [{ maxConnectionsPerUser: Number.NaN }, 'option "maxConnectionsPerUser"'],
    [
      { maxTopicsPerConnection: 0 },
      'option "maxTopicsPerConnection" must be an integer from 1 to 1024',
    ],
    [{ maxPayloadBytes: 0 }, 'option "maxPayloadBytes"'],
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
  ])(
    'refuses %j with a message naming the option and its range',
    (options, message) => {
      const run = () => resolveSseOptions({ auth, ...options });
      expect(run).toThrow(InvalidSseOptionsError);
      expect(run).toThrow(message);
    },
  );

  it('requires an authentication method', () => {
    expect(() => resolveSseOptions({})).toThrow('no authentication configured');
    expect(() =>
      resolveSseOptions({ authenticate: class {} as never }),
    ).not.toThrow();
  });

  it('never echoes the secret in a message', () => {
    expect(() =>
      resolveSseOptions({ auth: { secret: 'super-secret', publicKey: 'p' } }),
    ).toThrow(/<secret>/);
  });
});
