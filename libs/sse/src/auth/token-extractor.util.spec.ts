import type { SseRequest } from './sse-authenticator.interface.js';
import { extractSseToken } from './token-extractor.util.js';
import { identityFromClaims } from './jwt-sse.authenticator.js';

const req = (url: string, headers: Record<string, string> = {}) =>
  ({ url, headers }) as unknown as SseRequest;

describe('extractSseToken', () => {
  it('reads Authorization: Bearer first', () => {
    expect(
      extractSseToken(
        req('/s', {
          authorization: 'Bearer abc.def.ghi',
          cookie: 'sse_token=zzz',
        }),
        { cookieName: 'sse_token' },
      ),
    ).toBe('abc.def.ghi');
  });

  it('treats a malformed Authorization header as no token, without falling back', () => {
    expect(
      extractSseToken(
        req('/s', { authorization: 'Basic dXNlcg==', cookie: 'sse_token=zzz' }),
        { cookieName: 'sse_token' },
      ),
    ).toBeUndefined();
  });

  it('reads the named cookie', () => {
    expect(
      extractSseToken(req('/s', { cookie: 'a=1; sse_token=tok%2Fen; b=2' }), {
        cookieName: 'sse_token',
      }),
    ).toBe('tok/en');
    expect(
      extractSseToken(req('/s', { cookie: 'other=1' }), {
        cookieName: 'sse_token',
      }),
    ).toBeUndefined();
  });

  it('refuses access_token in the URL unless allowed', () => {
    expect(() => extractSseToken(req('/s?access_token=t'))).toThrow(
      expect.objectContaining({ code: 'query_token_not_allowed' }),
    );
    expect(
      extractSseToken(req('/s?topics=a&access_token=t'), {
        allowQueryToken: true,
      }),
    ).toBe('t');
  });
});

describe('identityFromClaims', () => {
  it('maps sub, tid, roles and exp', () => {
    expect(
      identityFromClaims({ sub: 'u', tid: 't', roles: ['a'], exp: 100 }),
    ).toEqual({ userId: 'u', tenantId: 't', roles: ['a'], expiresAt: 100_000 });
    expect(identityFromClaims({ sub: 'u' })).toEqual({
      userId: 'u',
      tenantId: undefined,
      roles: [],
      expiresAt: undefined,
    });
  });

  it.each([
    {},
    { sub: '' },
    { sub: 5 },
    { sub: 'u', tid: '' },
    { sub: 'u', tid: 3 },
    { sub: 'u', roles: 'admin' },
    { sub: 'u', roles: [1] },
  ])('refuses %j', (claims) => expect(identityFromClaims(claims)).toBeNull());
});
