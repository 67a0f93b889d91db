import { identityFromClaims } from './jwt-sse.authenticator.js';

describe('identityFromClaims', () => {
  it('maps sub, tid, roles, exp and iat to an identity', () => {
    expect(
      identityFromClaims({
        sub: 'ana',
        tid: 'acme',
        roles: ['a'],
        exp: 10,
        iat: 4,
      }),
    ).toEqual({
      userId: 'ana',
      tenantId: 'acme',
      roles: ['a'],
      expiresAt: 10_000,
      issuedAt: 4_000,
    });
  });

  it.each([
    ['a sub with NUL', { sub: 'b\u0000c', tid: 'a' }],
    ['a tid with NUL', { sub: 'c', tid: 'a\u0000b' }],
    ['a sub with a line feed', { sub: 'a\nb' }],
    ['a tid with DEL', { sub: 'c', tid: 'a\u007f' }],
    ['a tid with an escape', { sub: 'c', tid: '\u001b[31m' }],
  ])('describes no user for %s', (_, claims) => {
    expect(identityFromClaims(claims)).toBeNull();
  });
});
