import type { KeyObject } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import type { JwtVerifyOptions } from '@nestjs/jwt';
import { isIdentifier } from '../core/sse-validation.js';
import type {
  SseAuthenticator,
  SseRequest,
} from './sse-authenticator.interface.js';
import type { SseIdentity } from './sse-identity.interface.js';
import {
  extractSseToken,
  type SseTokenSources,
} from './token-extractor.util.js';

/** What the JWT authenticator verifies against: the resolved `auth` options. @internal */
export interface SseJwtVerification extends SseTokenSources {
  /** The secret or public key, parsed once. */
  key: KeyObject;
  algorithms: string[];
  issuer?: string | string[];
  audience?: string | string[];
  clockTolerance: number;
}

/**
 * The default authenticator: verifies a JWT with `@nestjs/jwt` against
 * `auth` (key, algorithm allow-list, issuer, audience, `exp`/`nbf`), then maps
 * the claims: `sub` → userId, `tid` → tenantId, `roles` → roles.
 * @internal
 */
export class JwtSseAuthenticator implements SseAuthenticator {
  private readonly jwt = new JwtService();

  constructor(private readonly auth: SseJwtVerification) {}

  async authenticate(request: SseRequest): Promise<SseIdentity | null> {
    const token = extractSseToken(request, this.auth);
    if (!token) return null;
    const { key, algorithms, issuer, audience, clockTolerance } = this.auth;
    const claims = await this.jwt.verifyAsync<Record<string, unknown>>(token, {
      // jsonwebtoken takes a KeyObject as is; @nestjs/jwt passes it through
      // but types only strings and Buffers.
      secret: key as unknown as Buffer,
      algorithms: algorithms as JwtVerifyOptions['algorithms'],
      issuer: issuer as string | [string, ...string[]] | undefined,
      audience: audience as string | [string, ...string[]] | undefined,
      clockTolerance,
    });
    return identityFromClaims(claims);
  }
}

/**
 * Maps verified JWT claims to an identity; `null` when they do not describe a
 * user (an empty `sub` or `tid`, or one with control characters).
 * @internal
 */
export function identityFromClaims(
  claims: Record<string, unknown>,
): SseIdentity | null {
  const { sub, tid, roles, exp, iat } = claims;
  if (!isIdentifier(sub)) return null;
  if (tid !== undefined && !isIdentifier(tid)) return null;
  if (
    roles !== undefined &&
    !(Array.isArray(roles) && roles.every((r) => typeof r === 'string'))
  ) {
    return null;
  }
  return {
    userId: sub,
    tenantId: tid,
    roles: (roles as string[] | undefined) ?? [],
    expiresAt: typeof exp === 'number' ? exp * 1000 : undefined,
    issuedAt: typeof iat === 'number' ? iat * 1000 : undefined,
  };
}
